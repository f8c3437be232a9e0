#include "sink_protocol.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>

namespace streamhook::bench {
namespace {

// A body with room for simdjson's padding, as the server hands it over.
std::string Padded(std::string body) {
  body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  return body;
}

std::string Records(int n) {
  std::string body = R"({"StreamName":"events","Records":[)";
  for (int i = 0; i < n; ++i) {
    if (i) body += ',';
    body += R"({"Data":"aGVsbG8=","PartitionKey":"user-)" + std::to_string(i) + "\"}";
  }
  return body + "]}";
}

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(SinkProtocol, AnswersEveryRecordOfPutRecordsInOrder) {
  SinkCounters counters;
  SinkProtocol protocol({4, 0}, &counters, 1);
  const SinkReply reply = protocol.Handle("Kinesis_20131202.PutRecords", Padded(Records(3)));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.body.rfind(R"({"FailedRecordCount":0,"Records":[{"SequenceNumber":")", 0), 0u)
      << reply.body;
  EXPECT_EQ(Count(reply.body, "\"SequenceNumber\""), 3);
  EXPECT_EQ(counters.put_records_calls, 1u);
  EXPECT_EQ(counters.records_received, 3u);
  EXPECT_EQ(counters.records_accepted, 3u);
  EXPECT_EQ(counters.data_bytes, 24u);  // 3 x "aGVsbG8="
  EXPECT_EQ(counters.max_records_per_call, 3u);
}

TEST(SinkProtocol, PutsRecordsOnTheShardOfTheirHashKeyAsKinesisDoes) {
  SinkCounters counters;
  SinkProtocol protocol({4, 0}, &counters, 1);
  // MD5("b") = 92eb5ffe...: the third quarter of the key space. ExplicitHashKey 2^128-1: the last.
  const SinkReply reply = protocol.Handle(
      "Kinesis_20131202.PutRecords",
      Padded(
          R"({"StreamName":"s","Records":[{"Data":"eA==","PartitionKey":"b"},)"
          R"({"Data":"84mawgo=","PartitionKey":"a","ExplicitHashKey":"340282366920938463463374607431768211455"}]})"));
  ASSERT_EQ(reply.status, 200) << reply.body;
  const size_t second = reply.body.find("},{");
  ASSERT_NE(second, std::string::npos);
  EXPECT_NE(reply.body.substr(0, second).find("shardId-000000000002"), std::string::npos) << reply.body;
  EXPECT_NE(reply.body.substr(second).find("shardId-000000000003"), std::string::npos) << reply.body;
  EXPECT_EQ(counters.kpl_records, 1u);  // the aggregate's magic, base64
}

TEST(SinkProtocol, ThrottlesTheConfiguredShare) {
  SinkCounters counters;
  SinkProtocol protocol({4, 0.25}, &counters, 7);
  for (int i = 0; i < 40; ++i) {
    const SinkReply reply = protocol.Handle("Kinesis_20131202.PutRecords", Padded(Records(500)));
    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(
        Count(reply.body, "ProvisionedThroughputExceededException") + Count(reply.body, "\"SequenceNumber\""),
        500);
  }
  EXPECT_EQ(counters.records_received, 20000u);
  EXPECT_EQ(counters.records_accepted + counters.records_throttled, 20000u);
  EXPECT_NEAR(static_cast<double>(counters.records_throttled) / 20000, 0.25, 0.02);
}

TEST(SinkProtocol, AnswersTheStartUpCallsAndRefusesTheRest) {
  SinkCounters counters;
  SinkProtocol protocol({2, 0}, &counters, 1);
  SinkReply reply =
      protocol.Handle("Kinesis_20131202.DescribeStreamSummary", Padded(R"({"StreamName":"s"})"));
  EXPECT_EQ(reply.status, 200);
  EXPECT_NE(reply.body.find(R"("OpenShardCount":2)"), std::string::npos) << reply.body;
  reply = protocol.Handle("Kinesis_20131202.ListShards", Padded(R"({"StreamName":"s"})"));
  EXPECT_EQ(Count(reply.body, "\"ShardId\""), 2) << reply.body;
  EXPECT_NE(reply.body.find("340282366920938463463374607431768211455"), std::string::npos);
  EXPECT_EQ(protocol.Handle("Kinesis_20131202.GetRecords", Padded("{}")).status, 400);
  EXPECT_EQ(protocol.Handle("Kinesis_20131202.PutRecords", Padded(R"({"Records":[)")).status, 400);
  EXPECT_EQ(protocol.Handle("Kinesis_20131202.PutRecords", Padded(R"({"StreamName":"s"})")).status, 400);
  EXPECT_EQ(counters.bad_requests, 3u);
  EXPECT_EQ(counters.requests, 5u);
}

}  // namespace
}  // namespace streamhook::bench
