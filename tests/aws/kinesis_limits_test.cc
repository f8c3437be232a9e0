#include "aws/kinesis_limits.h"

#include <gtest/gtest.h>

#include <vector>

namespace streamhook::aws {
namespace {

TEST(KinesisLimits, PartitionKeyLengthInUnicodeCharacters) {
  StreamLimits limits;
  std::string key256;
  for (int i = 0; i < 256; ++i) key256 += "é";  // 512 bytes, 256 characters
  EXPECT_FALSE(CheckRecord({"d", key256, ""}, limits));
  auto too_long = CheckRecord({"d", key256 + "x", ""}, limits);
  ASSERT_TRUE(too_long);
  EXPECT_EQ(too_long->type, "InvalidPartitionKey");
  EXPECT_NE(too_long->message.find("257"), std::string::npos);
  auto empty = CheckRecord({"d", "", ""}, limits);
  ASSERT_TRUE(empty);
  EXPECT_FALSE(empty->retryable);
}

TEST(KinesisLimits, RecordSizeCountsDataAndKey) {
  StreamLimits limits;
  const std::string key = "user-1";
  const std::string exact(kDefaultMaxRecordBytes - key.size(), 'x');
  EXPECT_FALSE(CheckRecord({exact, key, ""}, limits));
  auto over = CheckRecord({exact + "x", key, ""}, limits);
  ASSERT_TRUE(over);
  EXPECT_EQ(over->type, "RecordTooLarge");
  // A stream raised to 10 MiB takes the bigger record.
  auto raised = StreamLimits::ForStream(10240, kDefaultMaxRequestBytes);
  EXPECT_EQ(raised.max_record_bytes, 10 << 20);
  EXPECT_GE(raised.max_request_bytes, raised.max_record_bytes);
  EXPECT_FALSE(CheckRecord({exact + "x", key, ""}, raised));
}

TEST(KinesisLimits, ExplicitHashKeyRange) {
  StreamLimits limits;
  EXPECT_FALSE(CheckRecord({"d", "k", "0"}, limits));
  EXPECT_FALSE(CheckRecord({"d", "k", "340282366920938463463374607431768211455"}, limits));
  EXPECT_TRUE(CheckRecord({"d", "k", "340282366920938463463374607431768211456"}, limits));
  EXPECT_TRUE(CheckRecord({"d", "k", "-1"}, limits));
  EXPECT_TRUE(CheckRecord({"d", "k", "012"}, limits));
}

TEST(KinesisLimits, RequestCountAndPayload) {
  StreamLimits limits;
  std::vector<PutRecordsEntry> records(500, PutRecordsEntry{"data", "key", ""});
  EXPECT_FALSE(CheckPutRecords(records, limits));
  records.push_back({"data", "key", ""});
  auto too_many = CheckPutRecords(records, limits);
  ASSERT_TRUE(too_many);
  EXPECT_EQ(too_many->type, "TooManyRecords");
  EXPECT_TRUE(CheckPutRecords({}, limits));

  const std::string mib(1 << 20, 'x');
  std::vector<PutRecordsEntry> big(5, PutRecordsEntry{std::string_view(mib).substr(1), "k", ""});
  EXPECT_FALSE(CheckPutRecords(big, limits));  // exactly 5 MiB
  big.push_back({"x", "k", ""});
  auto too_big = CheckPutRecords(big, limits);
  ASSERT_TRUE(too_big);
  EXPECT_EQ(too_big->type, "RequestTooLarge");

  std::vector<PutRecordsEntry> one_bad = {{"a", "k", ""}, {"b", "", ""}};
  auto bad = CheckPutRecords(one_bad, limits);
  ASSERT_TRUE(bad);
  EXPECT_NE(bad->message.find("record 1"), std::string::npos);
}

}  // namespace
}  // namespace streamhook::aws
