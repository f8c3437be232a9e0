// ShardMap: MD5 placement against vectors computed independently (Python hashlib), closed shards
// skipped, explicit hash keys, and bad ranges refused.
#include "producer/shard_map.h"

#include <gtest/gtest.h>

namespace streamhook::producer {
namespace {

const HashKey kTwo128Minus1 = ~HashKey{0};

// Kinesis' even split of the hash key space into `count` shards (what kinesalite creates).
std::vector<aws::Shard> EvenShards(int count, int first_index = 0) {
  std::vector<aws::Shard> shards;
  const auto n = static_cast<unsigned>(count);
  const HashKey step = kTwo128Minus1 / n + (kTwo128Minus1 % n == n - 1 ? 1 : 0);  // 2^128 / n
  for (int i = 0; i < count; ++i) {
    aws::Shard s;
    char id[32];
    std::snprintf(id, sizeof id, "shardId-%012d", first_index + i);
    s.shard_id = id;
    s.starting_hash_key = FormatHashKey(step * static_cast<unsigned>(i));
    s.ending_hash_key =
        FormatHashKey(i == count - 1 ? kTwo128Minus1 : step * static_cast<unsigned>(i + 1) - 1);
    shards.push_back(s);
  }
  return shards;
}

TEST(ShardMap, HashIsTheBigEndianMd5) {
  // python3: int(hashlib.md5(b'user-0').hexdigest(), 16)
  EXPECT_EQ(FormatHashKey(PartitionKeyHash("user-0")), "234079413770792230875862003829230776425");
  EXPECT_EQ(FormatHashKey(PartitionKeyHash("a")), "16955237001963240173058271559858726497");
  EXPECT_EQ(FormatHashKey(PartitionKeyHash("")), "281949768489412648962353822266799178366");
}

TEST(ShardMap, ParsesAndFormatsHashKeys) {
  EXPECT_EQ(ParseHashKey("0"), HashKey{0});
  EXPECT_EQ(ParseHashKey("340282366920938463463374607431768211455"), kTwo128Minus1);
  EXPECT_FALSE(ParseHashKey("340282366920938463463374607431768211456"));  // 2^128
  EXPECT_FALSE(ParseHashKey(""));
  EXPECT_FALSE(ParseHashKey("12a"));
  EXPECT_FALSE(ParseHashKey("-1"));
  EXPECT_EQ(FormatHashKey(kTwo128Minus1), "340282366920938463463374607431768211455");
  EXPECT_EQ(EvenShards(4)[1].starting_hash_key, "85070591730234615865843651857942052864");
  EXPECT_EQ(EvenShards(3)[1].starting_hash_key, "113427455640312821154458202477256070485");
}

TEST(ShardMap, PredictsTheShardOfKnownKeys) {
  ShardMap map;
  EXPECT_EQ(map.Predict("user-0"), "");  // nothing loaded: no prediction
  ASSERT_TRUE(map.Load(EvenShards(4)).ok());
  EXPECT_EQ(map.Predict("user-0"), "shardId-000000000002");
  EXPECT_EQ(map.Predict("user-1"), "shardId-000000000003");
  EXPECT_EQ(map.Predict("user-2"), "shardId-000000000000");
  EXPECT_EQ(map.Predict("hello"), "shardId-000000000001");
  EXPECT_EQ(map.Predict("partitionKey-42"), "shardId-000000000001");
  ASSERT_TRUE(map.Load(EvenShards(3)).ok());
  EXPECT_EQ(map.Predict("user-0"), "shardId-000000000002");
  EXPECT_EQ(map.Predict("user-1"), "shardId-000000000002");
  EXPECT_EQ(map.Predict("hello"), "shardId-000000000001");
  EXPECT_EQ(map.Predict("a"), "shardId-000000000000");
}

TEST(ShardMap, ExplicitHashKeyOverridesThePartitionKey) {
  ShardMap map;
  ASSERT_TRUE(map.Load(EvenShards(4)).ok());
  EXPECT_EQ(map.Predict("user-0", "0"), "shardId-000000000000");
  EXPECT_EQ(map.Predict("user-0", "85070591730234615865843651857942052864"), "shardId-000000000001");
  EXPECT_EQ(map.Predict("user-0", "85070591730234615865843651857942052863"), "shardId-000000000000");
  EXPECT_EQ(map.Predict("user-2", "340282366920938463463374607431768211455"), "shardId-000000000003");
  EXPECT_EQ(map.Predict("user-0", "not a number"),
            "shardId-000000000002");  // Kinesis refuses it; we use the key
}

TEST(ShardMap, SkipsClosedShardsAfterAReshard) {
  // 2 -> 4: the parents closed, the children open.
  auto parents = EvenShards(2);
  for (auto& p : parents) p.ending_sequence_number = "4960";
  auto children = EvenShards(4, 2);
  std::vector<aws::Shard> all = parents;
  all.insert(all.end(), children.begin(), children.end());
  ShardMap map;
  ASSERT_TRUE(map.Load(all).ok());
  EXPECT_EQ(map.shard_count(), 4u);
  EXPECT_FALSE(map.Contains("shardId-000000000000"));
  EXPECT_TRUE(map.Contains("shardId-000000000005"));
  EXPECT_EQ(map.Predict("user-0"), "shardId-000000000004");
  EXPECT_EQ(map.Predict("user-2"), "shardId-000000000002");
}

TEST(ShardMap, ContainsEveryOpenShardWhateverItsIdOrder) {
  // Ids whose order differs from their ranges' (after merges and splits they do).
  auto shards = EvenShards(4);
  const char* ids[] = {"shardId-000000000009", "shardId-000000000003", "shardId-000000000011",
                       "shardId-000000000001"};
  for (size_t i = 0; i < shards.size(); ++i) shards[i].shard_id = ids[i];
  ShardMap map;
  ASSERT_TRUE(map.Load(shards).ok());
  for (const char* id : ids) EXPECT_TRUE(map.Contains(id)) << id;
  EXPECT_FALSE(map.Contains("shardId-000000000002"));
  EXPECT_FALSE(map.Contains(""));
  map.Clear();
  EXPECT_FALSE(map.Contains("shardId-000000000009"));
}

TEST(ShardMap, GapsPredictNothingAndOverlapsAreRefused) {
  auto shards = EvenShards(4);
  shards.erase(shards.begin() + 2);  // a child not listed yet
  ShardMap map;
  ASSERT_TRUE(map.Load(shards).ok());
  EXPECT_EQ(map.Predict("user-0"), "");
  EXPECT_EQ(map.Predict("user-1"), "shardId-000000000003");

  auto overlapping = EvenShards(2);
  overlapping[1].starting_hash_key = "5";
  EXPECT_FALSE(map.Load(overlapping).ok());
  EXPECT_EQ(map.shard_count(), 3u) << "a refused load leaves the map as it was";
  auto bad = EvenShards(2);
  bad[0].ending_hash_key = "x";
  EXPECT_FALSE(map.Load(bad).ok());
}

}  // namespace
}  // namespace streamhook::producer
