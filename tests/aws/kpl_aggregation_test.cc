#include "aws/kpl_aggregation.h"

#include <gtest/gtest.h>

#include <random>

#include "common/encoding.h"

namespace streamhook::aws {
namespace {

TEST(KplAggregation, RoundTripsUserRecords) {
  std::vector<UserRecord> users = {
      {"user-1", "", R"({"a":1})"},
      {"user-2", "12345", std::string("\0\x01\xff", 3)},
      {"user-1", "", ""},
  };
  const std::string aggregated = Aggregate(users);
  ASSERT_TRUE(IsAggregated(aggregated));
  auto back = Deaggregate(aggregated);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 3u);
  for (size_t i = 0; i < users.size(); ++i) {
    EXPECT_EQ((*back)[i].partition_key, users[i].partition_key);
    EXPECT_EQ((*back)[i].explicit_hash_key, users[i].explicit_hash_key);
    EXPECT_EQ((*back)[i].data, users[i].data);
  }
}

TEST(KplAggregation, DetectsDigestMismatchAndGarbage) {
  std::vector<UserRecord> users = {{"k", "", "payload"}};
  std::string aggregated = Aggregate(users);
  std::string flipped = aggregated;
  flipped[6] ^= 0x01;
  auto bad = Deaggregate(flipped);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kCorruption);
  EXPECT_FALSE(IsAggregated("plain json"));
  EXPECT_EQ(Deaggregate("plain").status().code(), Status::Code::kInvalidArgument);
  std::mt19937 rng(3);
  for (int i = 0; i < 200; ++i) {  // random bodies behind the magic never crash
    std::string junk(kKplMagic);
    for (int j = 0; j < 40; ++j) junk.push_back(static_cast<char>(rng()));
    (void)Deaggregate(junk);
  }
}

TEST(KplAggregation, KeyIndexOutOfRangeIsCorruption) {
  // Hand-built protobuf: one record (field 3) with partition_key_index 5 and data "x",
  // but an empty key table.
  const std::string record = std::string("\x08\x05\x1a\x01x", 5);
  std::string message;
  message.push_back('\x1a');
  message.push_back(static_cast<char>(record.size()));
  message.append(record);
  std::string data(kKplMagic);
  data += message;
  data += AsBytes(Md5(message));
  auto out = Deaggregate(data);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("partition key table"), std::string::npos);
}

// Kinesis keys are Unicode strings: a table entry with invalid UTF-8 (0xff) makes the record
// corrupt, said so, rather than a key printed as garbage (or protobuf logging per key).
TEST(KplAggregation, KeyThatIsNotUtf8IsCorruption) {
  for (const char* which : {"partition", "explicit hash"}) {
    UserRecord user{"ok", "", "x"};
    const std::string bad("k\xff", 2);
    if (std::string_view(which) == "partition") {
      user.partition_key = bad;
    } else {
      user.explicit_hash_key = bad;
    }
    const std::string record = Aggregate(std::vector<UserRecord>{user});
    auto out = Deaggregate(record);
    ASSERT_FALSE(out.ok()) << which;
    EXPECT_EQ(out.status().code(), Status::Code::kCorruption);
    EXPECT_NE(out.status().message().find(std::string(which) + " key is not UTF-8"), std::string::npos)
        << out.status().message();
  }
  const std::string fine = Aggregate(std::vector<UserRecord>{{"k\xc3\xa9", "", "x"}});  // "ké"
  EXPECT_TRUE(Deaggregate(fine).ok());
}

}  // namespace
}  // namespace streamhook::aws
