// TakeBatch: one record per key per batch while order is kept, every record of a key when it is
// not, KPL packing within the size bound (read back with aws::Deaggregate), and the limits.
#include "producer/send_batch.h"

#include <gtest/gtest.h>

#include <list>
#include <map>
#include <set>

#include "aws/kpl_aggregation.h"

namespace streamhook::producer {
namespace {

// Keys "k0".."k<keys-1>", each with `per_key` records of `size` data bytes, all ready.
class Queues {
 public:
  Queues(int keys, int per_key, size_t size = 10) {
    for (int k = 0; k < keys; ++k) {
      KeyQueue& key = keys_.emplace_back();
      key.key = "k" + std::to_string(k);
      for (int i = 0; i < per_key; ++i) {
        OutgoingRecord r;
        r.lsn = static_cast<spool::Lsn>(k * 1000 + i);
        r.partition_key = key.key;
        r.data = std::string(size, static_cast<char>('a' + i % 26));
        key.bytes += WireSize(r);
        key.records.push_back(std::move(r));
      }
      key.ready = true;
      ready.push_back(&key);
      counts.records += key.records.size();
      counts.bytes += key.bytes;
    }
  }
  std::deque<KeyQueue*> ready;
  ReadyCounts counts;
  std::list<KeyQueue> keys_;
};

TEST(TakeBatch, OneRecordPerKeyWhileOrderIsKept) {
  Queues q(5, 3);
  BatchLimits limits;
  auto batch = TakeBatch(q.ready, q.counts, limits);
  ASSERT_EQ(batch.size(), 5u);
  for (size_t i = 0; i < batch.size(); ++i) {
    ASSERT_EQ(batch[i].records.size(), 1u);
    EXPECT_EQ(batch[i].records[0].lsn, i * 1000) << "each key's oldest record";
    EXPECT_TRUE(batch[i].aggregated.empty());
  }
  EXPECT_TRUE(q.ready.empty()) << "keys wait for their acknowledgement";
  EXPECT_EQ(q.counts.records, 0u);
  EXPECT_EQ(q.counts.bytes, 0);
}

TEST(TakeBatch, StopsAtTheRecordAndByteLimits) {
  Queues q(10, 1, 100);
  BatchLimits limits;
  limits.max_entries = 4;
  EXPECT_EQ(TakeBatch(q.ready, q.counts, limits).size(), 4u);
  limits.max_bytes = 250;  // two records of 102 bytes
  EXPECT_EQ(TakeBatch(q.ready, q.counts, limits).size(), 2u);
  EXPECT_EQ(q.ready.size(), 4u);
  EXPECT_EQ(q.counts.records, 4u);
  limits.max_bytes = 1;  // still one, so that a large record is never stuck
  EXPECT_EQ(TakeBatch(q.ready, q.counts, limits).size(), 1u);
}

TEST(TakeBatch, WithoutOrderAKeyGivesAllItsRecords) {
  Queues q(2, 3);
  BatchLimits limits;
  limits.preserve_key_order = false;
  limits.max_entries = 4;
  auto batch = TakeBatch(q.ready, q.counts, limits);
  ASSERT_EQ(batch.size(), 4u);
  EXPECT_EQ(batch[2].records[0].lsn, 2u);
  EXPECT_EQ(batch[3].records[0].lsn, 1000u);
  ASSERT_EQ(q.ready.size(), 1u) << "k1 keeps its place with two records left";
  EXPECT_EQ(q.counts.records, 2u);
  EXPECT_EQ(q.ready.front()->in_flight, 1);
}

TEST(TakeBatch, PacksConsecutiveRecordsOfOneShardIntoKplRecords) {
  Queues q(4, 20, 100);
  BatchLimits limits;
  limits.aggregate_max_bytes = 51200;
  limits.aggregate_across_keys = true;
  auto batch = TakeBatch(q.ready, q.counts, limits);
  ASSERT_EQ(batch.size(), 1u) << "80 records of 100 bytes fit one packed record";
  const BatchEntry& entry = batch[0];
  ASSERT_EQ(entry.records.size(), 80u);
  EXPECT_EQ(entry.partition_key(), "k0");
  EXPECT_LE(entry.wire_bytes(), 51200);
  auto users = aws::Deaggregate(entry.data());
  ASSERT_TRUE(users.ok()) << users.status().ToString();
  ASSERT_EQ(users->size(), 80u);
  for (size_t i = 0; i < users->size(); ++i) {
    EXPECT_EQ((*users)[i].partition_key, entry.records[i].partition_key);
    EXPECT_EQ((*users)[i].data, entry.records[i].data);
  }
  EXPECT_EQ((*users)[20].partition_key, "k1");
  EXPECT_EQ(q.counts.records, 0u);
}

TEST(TakeBatch, PackedRecordsStayWithinTheBoundAndAKeyUsesOneOfThem) {
  Queues q(6, 40, 300);
  BatchLimits limits;
  limits.aggregate_max_bytes = 8000;
  limits.aggregate_across_keys = true;
  auto batch = TakeBatch(q.ready, q.counts, limits);
  std::map<std::string, int> entries_per_key;
  size_t users = 0;
  for (const auto& entry : batch) {
    EXPECT_LE(entry.wire_bytes(), 8000);
    std::set<std::string> keys;
    for (const auto& r : entry.records) keys.insert(r.partition_key);
    for (const auto& k : keys) ++entries_per_key[k];
    auto unpacked = aws::Deaggregate(entry.data());
    ASSERT_TRUE(unpacked.ok());
    users += unpacked->size();
  }
  for (const auto& [key, n] : entries_per_key) EXPECT_EQ(n, 1) << key << " split over two Kinesis records";
  size_t in_flight = 0, left = 0;
  for (const auto& key : q.keys_) {
    in_flight += static_cast<size_t>(key.in_flight);
    left += key.records.size();
  }
  EXPECT_EQ(users, in_flight);
  EXPECT_EQ(in_flight + left, 6u * 40u);
  EXPECT_GT(batch.size(), 1u);
  EXPECT_EQ(q.ready.size(), 0u) << "each key had its turn";
  // The bound holds: the estimate is never below the real size.
  for (const auto& entry : batch) {
    int64_t data = 0;
    std::set<std::string> keys;
    int64_t key_bytes = 0;
    for (const auto& r : entry.records) {
      data += static_cast<int64_t>(r.data.size());
      if (keys.insert(r.partition_key).second) key_bytes += static_cast<int64_t>(r.partition_key.size());
    }
    EXPECT_LE(static_cast<int64_t>(entry.data().size()),
              AggregatedSizeBound(entry.records.size(), data, keys.size(), key_bytes));
  }
}

TEST(TakeBatch, WithoutASharedShardOnlyOneKeyPerPackedRecord) {
  Queues q(3, 5);
  BatchLimits limits;
  limits.aggregate_max_bytes = 51200;
  limits.aggregate_across_keys = false;
  auto batch = TakeBatch(q.ready, q.counts, limits);
  ASSERT_EQ(batch.size(), 3u);
  for (const auto& entry : batch) {
    EXPECT_EQ(entry.records.size(), 5u);
    for (const auto& r : entry.records) EXPECT_EQ(r.partition_key, entry.partition_key());
  }
}

TEST(TakeBatch, ARecordTooLargeToPackGoesAlone) {
  Queues q(1, 1, 9000);
  BatchLimits limits;
  limits.aggregate_max_bytes = 8000;
  limits.aggregate_across_keys = true;
  auto batch = TakeBatch(q.ready, q.counts, limits);
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_TRUE(batch[0].aggregated.empty());
  EXPECT_EQ(batch[0].data().size(), 9000u);
}

}  // namespace
}  // namespace streamhook::producer
