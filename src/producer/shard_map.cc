#include "producer/shard_map.h"

#include <algorithm>

#include "common/encoding.h"

namespace streamhook::producer {

HashKey PartitionKeyHash(std::string_view partition_key) {
  const Md5Digest digest = Md5(partition_key);
  HashKey value = 0;
  for (uint8_t byte : digest) value = (value << 8) | byte;
  return value;
}

std::optional<HashKey> ParseHashKey(std::string_view decimal) {
  if (decimal.empty() || decimal.size() > 39) return std::nullopt;
  HashKey value = 0;
  const HashKey max = ~HashKey{0};
  for (char c : decimal) {
    if (c < '0' || c > '9') return std::nullopt;
    const unsigned digit = static_cast<unsigned>(c - '0');
    if (value > (max - digit) / 10) return std::nullopt;  // would pass 2^128 - 1
    value = value * 10 + digit;
  }
  return value;
}

std::string FormatHashKey(HashKey key) {
  if (key == 0) return "0";
  std::string out;
  while (key != 0) {
    out.push_back(static_cast<char>('0' + static_cast<int>(key % 10)));
    key /= 10;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

Status ShardMap::Load(const std::vector<aws::Shard>& shards) {
  std::vector<Range> ranges;
  for (const auto& shard : shards) {
    if (shard.closed()) continue;
    const auto start = ParseHashKey(shard.starting_hash_key);
    const auto end = ParseHashKey(shard.ending_hash_key);
    if (!start || !end || *start > *end) {
      return Status::InvalidArgument("shard " + shard.shard_id + " has an unusable hash key range");
    }
    ranges.push_back({*start, *end, shard.shard_id});
  }
  std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.start < b.start; });
  for (size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].start <= ranges[i - 1].end) {
      return Status::InvalidArgument("open shards " + ranges[i - 1].shard_id + " and " + ranges[i].shard_id +
                                     " overlap");
    }
  }
  ranges_ = std::move(ranges);
  ids_.clear();
  for (const auto& r : ranges_) ids_.push_back(r.shard_id);
  std::sort(ids_.begin(), ids_.end());
  return Status::Ok();
}

bool ShardMap::Contains(std::string_view shard_id) const {
  // Asked for every record of every answer, so by binary search.
  return std::binary_search(ids_.begin(), ids_.end(), shard_id, std::less<>());
}

std::string_view ShardMap::ShardFor(HashKey hash) const {
  // The last range starting at or before the hash, if it also ends at or after it.
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), hash,
                             [](HashKey h, const Range& r) { return h < r.start; });
  if (it == ranges_.begin()) return {};
  --it;
  return hash <= it->end ? std::string_view(it->shard_id) : std::string_view();
}

std::string_view ShardMap::Predict(std::string_view partition_key, std::string_view explicit_hash_key) const {
  if (ranges_.empty()) return {};
  if (!explicit_hash_key.empty()) {
    if (const auto hash = ParseHashKey(explicit_hash_key)) return ShardFor(*hash);
  }
  return ShardFor(PartitionKeyHash(partition_key));
}

}  // namespace streamhook::producer
