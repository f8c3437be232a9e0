#include "producer/send_batch.h"

#include <algorithm>
#include <unordered_set>

#include "aws/kpl_aggregation.h"

namespace streamhook::producer {
namespace {

// Protobuf costs per user record: the Record's tag and length, the key index and the data's tag
// and length, each varint at most 5 bytes for our sizes.
constexpr int64_t kRecordOverhead = 1 + 5 + 1 + 5 + 1 + 5;
constexpr int64_t kKeyOverhead = 1 + 5;
constexpr int64_t kEnvelope = 4 + 16;  // magic and MD5

// A KPL record being filled.
class Packer {
 public:
  explicit Packer(const BatchLimits& limits) : limits_(limits) {}

  bool empty() const { return records_.empty(); }
  int64_t bound() const {
    return AggregatedSizeBound(records_.size(), data_bytes_, keys_.size(), key_bytes_) + first_key_bytes_;
  }
  // The wire size after adding `r` (the packed record's data plus its partition key).
  int64_t BoundWith(const OutgoingRecord& r) const {
    const bool new_key = !keys_.contains(r.partition_key);
    const int64_t first = records_.empty() ? static_cast<int64_t>(r.partition_key.size()) : first_key_bytes_;
    return AggregatedSizeBound(records_.size() + 1, data_bytes_ + static_cast<int64_t>(r.data.size()),
                               keys_.size() + (new_key ? 1 : 0),
                               key_bytes_ + (new_key ? static_cast<int64_t>(r.partition_key.size()) : 0)) +
           first;
  }
  bool Fits(const OutgoingRecord& r) const { return BoundWith(r) <= limits_.aggregate_max_bytes; }
  void Add(OutgoingRecord r) {
    if (records_.empty()) first_key_bytes_ = static_cast<int64_t>(r.partition_key.size());
    if (keys_.insert(r.partition_key).second) key_bytes_ += static_cast<int64_t>(r.partition_key.size());
    data_bytes_ += static_cast<int64_t>(r.data.size());
    records_.push_back(std::move(r));
  }
  // The entry: one user record stays as it is, several are packed.
  BatchEntry Close() {
    BatchEntry entry;
    if (records_.size() > 1) {
      std::vector<aws::UserRecord> users;
      users.reserve(records_.size());
      for (const auto& r : records_) users.push_back({r.partition_key, "", r.data});
      entry.aggregated = aws::Aggregate(users);
    }
    entry.records = std::move(records_);
    records_.clear();
    keys_.clear();
    data_bytes_ = key_bytes_ = first_key_bytes_ = 0;
    return entry;
  }

 private:
  const BatchLimits& limits_;
  std::vector<OutgoingRecord> records_;
  std::unordered_set<std::string> keys_;
  int64_t data_bytes_ = 0, key_bytes_ = 0, first_key_bytes_ = 0;
};

OutgoingRecord PopFront(KeyQueue& key, ReadyCounts& counts) {
  OutgoingRecord r = std::move(key.records.front());
  key.records.pop_front();
  const int64_t size = WireSize(r);
  key.bytes -= size;
  counts.records -= 1;
  counts.bytes -= size;
  ++key.in_flight;
  return r;
}

void LeaveReady(std::deque<KeyQueue*>& ready, ReadyCounts& counts) {
  KeyQueue* key = ready.front();
  ready.pop_front();
  key->ready = false;
  counts.records -= key->records.size();
  counts.bytes -= key->bytes;
}

}  // namespace

int64_t AggregatedSizeBound(size_t records, int64_t data_bytes, size_t new_keys, int64_t key_bytes) {
  return kEnvelope + static_cast<int64_t>(records) * kRecordOverhead + data_bytes +
         static_cast<int64_t>(new_keys) * kKeyOverhead + key_bytes;
}

std::vector<BatchEntry> TakeBatch(std::deque<KeyQueue*>& ready, ReadyCounts& counts,
                                  const BatchLimits& limits) {
  std::vector<BatchEntry> entries;
  int64_t bytes = 0;  // closed entries
  const size_t max_entries = std::max<size_t>(1, limits.max_entries);
  auto room = [&](int64_t more) { return entries.empty() || bytes + more <= limits.max_bytes; };

  if (limits.aggregate_max_bytes <= 0) {
    while (!ready.empty() && entries.size() < max_entries) {
      KeyQueue& key = *ready.front();
      bool full = false;
      bool took = false;
      while (!key.records.empty() && entries.size() < max_entries) {
        const int64_t size = WireSize(key.records.front());
        if (!room(size)) {
          full = true;
          break;
        }
        bytes += size;
        BatchEntry entry;
        entry.records.push_back(PopFront(key, counts));
        entries.push_back(std::move(entry));
        took = true;
        if (limits.preserve_key_order) break;  // one record of a key per round trip
      }
      if (full && !took) break;  // the key keeps its place for the next batch
      if (limits.preserve_key_order || key.records.empty()) LeaveReady(ready, counts);
      if (full) break;
    }
    return entries;
  }

  Packer packer(limits);
  auto close = [&] {
    if (packer.empty()) return;
    entries.push_back(packer.Close());
    bytes += entries.back().wire_bytes();
  };
  while (!ready.empty() && entries.size() < max_entries) {
    KeyQueue& key = *ready.front();
    if (!limits.aggregate_across_keys) close();
    bool full = false;
    bool took = false;
    while (!key.records.empty()) {
      const OutgoingRecord& next = key.records.front();
      if (packer.Fits(next) && room(packer.BoundWith(next))) {
        packer.Add(PopFront(key, counts));
        took = true;
        continue;
      }
      // A key gives one Kinesis record per batch while order is kept: its run ends here.
      if (limits.preserve_key_order && took) break;
      close();
      if (entries.size() >= max_entries || !room(std::min(packer.BoundWith(next), WireSize(next)))) {
        full = true;
        break;
      }
      // Too large to pack with anything: alone, and unpacked.
      if (!packer.Fits(next)) {
        const int64_t size = WireSize(next);
        BatchEntry entry;
        entry.records.push_back(PopFront(key, counts));
        entries.push_back(std::move(entry));
        bytes += size;
        took = true;
        if (limits.preserve_key_order) break;
      }
    }
    if (full && !took) break;  // the key keeps its place for the next batch
    if (limits.preserve_key_order || key.records.empty()) LeaveReady(ready, counts);
    if (full) break;
  }
  close();
  return entries;
}

}  // namespace streamhook::producer
