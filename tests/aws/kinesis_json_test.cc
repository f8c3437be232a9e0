#include "aws/kinesis_json.h"

#include <gtest/gtest.h>

#include "aws/endpoint.h"

namespace streamhook::aws {
namespace {

TEST(KinesisJson, PutRecordsRequestEncodesDataAndKeys) {
  std::vector<PutRecordsEntry> records = {{"hello", "user-\"1\"", ""}, {"", "k", "42"}};
  EXPECT_EQ(PutRecordsRequestJson("events", records),
            R"({"StreamName":"events","Records":[{"Data":"aGVsbG8=","PartitionKey":"user-\"1\""},)"
            R"({"Data":"","PartitionKey":"k","ExplicitHashKey":"42"}]})");
  EXPECT_EQ(PutRecordsRequestJson("arn:aws:kinesis:eu-west-1:1:stream/s", {}),
            R"({"StreamARN":"arn:aws:kinesis:eu-west-1:1:stream/s","Records":[]})");
}

TEST(KinesisJson, OtherRequests) {
  EXPECT_EQ(ListShardsRequestJson("s", ""), R"({"StreamName":"s"})");
  EXPECT_EQ(ListShardsRequestJson("s", "tok", 2), R"({"NextToken":"tok","MaxResults":2})");
  EXPECT_EQ(
      GetShardIteratorRequestJson("s", "shardId-1", {IteratorType::kAtTimestamp, "", 1700000000005}),
      R"({"StreamName":"s","ShardId":"shardId-1","ShardIteratorType":"AT_TIMESTAMP","Timestamp":1700000000.005})");
  EXPECT_EQ(
      GetShardIteratorRequestJson("s", "x", {IteratorType::kAfterSequenceNumber, "123", 0}),
      R"({"StreamName":"s","ShardId":"x","ShardIteratorType":"AFTER_SEQUENCE_NUMBER","StartingSequenceNumber":"123"})");
  EXPECT_EQ(GetRecordsRequestJson("it", 10), R"({"ShardIterator":"it","Limit":10})");
  EXPECT_EQ(CreateStreamRequestJson("s", 4), R"({"StreamName":"s","ShardCount":4})");
}

TEST(KinesisJson, PutRecordsResponsePerRecord) {
  auto out = ParsePutRecordsResponse(
      R"({"FailedRecordCount":1,"Records":[{"SequenceNumber":"1","ShardId":"shardId-000000000000"},
          {"ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"Rate exceeded"},
          {"SequenceNumber":"3","ShardId":"shardId-000000000001","ErrorCode":null}]})",
      3);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(out->failed_record_count, 1);
  ASSERT_EQ(out->records.size(), 3u);
  EXPECT_TRUE(out->records[0].ok());
  EXPECT_EQ(out->records[0].shard_id, "shardId-000000000000");
  EXPECT_FALSE(out->records[1].ok());
  EXPECT_EQ(out->records[1].error_code, "ProvisionedThroughputExceededException");
  EXPECT_EQ(out->records[1].error_message, "Rate exceeded");
  EXPECT_TRUE(out->records[2].ok());
  EXPECT_FALSE(ParsePutRecordsResponse(R"({"Records":[]})", 2).ok());
  EXPECT_FALSE(ParsePutRecordsResponse("not json", 1).ok());
}

TEST(KinesisJson, ListShardsAndPaging) {
  std::vector<Shard> shards;
  auto token = ParseListShardsResponse(
      R"({"Shards":[{"ShardId":"shardId-000000000002","ParentShardId":"shardId-000000000000",
          "AdjacentParentShardId":null,
          "HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"170141183460469231731687303715884105727"},
          "SequenceNumberRange":{"StartingSequenceNumber":"495","EndingSequenceNumber":null}}],
          "NextToken":"abc"})",
      &shards);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(*token, "abc");
  ASSERT_EQ(shards.size(), 1u);
  EXPECT_EQ(shards[0].parent_shard_id, "shardId-000000000000");
  EXPECT_EQ(shards[0].adjacent_parent_shard_id, "");
  EXPECT_EQ(shards[0].ending_hash_key, "170141183460469231731687303715884105727");
  EXPECT_FALSE(shards[0].closed());
  auto last = ParseListShardsResponse(R"({"Shards":[]})", &shards);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last, "");
}

TEST(KinesisJson, DescribeStreamSummaryAndRecords) {
  auto summary = ParseDescribeStreamSummaryResponse(
      R"({"StreamDescriptionSummary":{"StreamName":"s","StreamARN":"arn:aws:kinesis:us-east-1:0:stream/s",
          "StreamStatus":"ACTIVE","OpenShardCount":4,"StreamModeDetails":{"StreamMode":"ON_DEMAND"},
          "MaxRecordSizeInKiB":10240}})");
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->open_shard_count, 4);
  EXPECT_EQ(summary->stream_mode, "ON_DEMAND");
  EXPECT_EQ(summary->max_record_size_kib, 10240);
  EXPECT_EQ(summary->record_distribution, "");
  // As @aws-sdk/client-kinesis models it: a top-level field, present for on-demand streams.
  auto automatic = ParseDescribeStreamSummaryResponse(
      R"({"StreamDescriptionSummary":{"StreamName":"s","StreamStatus":"ACTIVE",
          "StreamModeDetails":{"StreamMode":"ON_DEMAND"},"RecordDistributionStrategy":"AUTO"}})");
  ASSERT_TRUE(automatic.ok());
  EXPECT_EQ(automatic->record_distribution, "AUTO");

  auto records = ParseGetRecordsResponse(
      R"({"Records":[{"SequenceNumber":"1","PartitionKey":"k","Data":"aGk=","ApproximateArrivalTimestamp":1700000000.123}],
          "NextShardIterator":null,"MillisBehindLatest":0,
          "ChildShards":[{"ShardId":"shardId-3","ParentShards":["shardId-1"]}]})");
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->records.size(), 1u);
  EXPECT_EQ(records->records[0].data, "hi");
  EXPECT_EQ(records->records[0].approximate_arrival_ms, 1700000000123);
  EXPECT_EQ(records->next_shard_iterator, "");
  EXPECT_EQ(records->millis_behind_latest, 0);
  ASSERT_EQ(records->child_shards.size(), 1u);
  EXPECT_EQ(records->child_shards[0].parent_shards[0], "shardId-1");
  EXPECT_FALSE(ParseGetRecordsResponse(R"({"Records":[{"Data":"%%%"}]})").ok());
}

TEST(Endpoint, ParsesUrlsAndRegions) {
  auto e = ParseEndpoint("http://127.0.0.1:4567");
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->tls);
  EXPECT_EQ(e->host, "127.0.0.1");
  EXPECT_EQ(e->port, "4567");
  EXPECT_EQ(e->host_header, "127.0.0.1:4567");
  auto s = ParseEndpoint("https://kinesis.eu-west-1.amazonaws.com");
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->tls);
  EXPECT_EQ(s->port, "443");
  EXPECT_EQ(s->host_header, "kinesis.eu-west-1.amazonaws.com");
  EXPECT_FALSE(ParseEndpoint("ftp://x").ok());
  EXPECT_FALSE(ParseEndpoint("not a url").ok());
  EXPECT_EQ(EndpointForRegion("kinesis", "eu-central-1").host, "kinesis.eu-central-1.amazonaws.com");
  EXPECT_EQ(EndpointForRegion("kinesis", "cn-north-1").host, "kinesis.cn-north-1.amazonaws.com.cn");
}

}  // namespace
}  // namespace streamhook::aws
