// KinesisClient: the Kinesis Data Streams operations streamhook needs, signed with SigV4 and sent
// over a pooled HttpClient. Asynchronous: each call's callback runs on the client's strand.
//
// Errors come back as AwsError with `retryable` set (aws_error.h); PutRecords reports per-record
// results so callers retry only the records that failed.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aws/credentials.h"
#include "aws/http_client.h"
#include "aws/kinesis_limits.h"
#include "aws/kinesis_types.h"
#include "aws/sigv4.h"

namespace streamhook::aws {

struct KinesisClientOptions {
  std::string region;        // e.g. "eu-central-1"
  std::string endpoint_url;  // empty: https://kinesis.<region>.amazonaws.com
  HttpClientOptions http;
};

struct Empty {};

class KinesisClient {
 public:
  template <typename T>
  using Callback = std::function<void(AwsResult<T>)>;

  // Fails on a bad endpoint URL or CA file.
  static Result<std::unique_ptr<KinesisClient>> Create(boost::asio::any_io_executor executor,
                                                       KinesisClientOptions options,
                                                       std::shared_ptr<CredentialsProvider> credentials);

  const Endpoint& endpoint() const { return http_->endpoint(); }
  const std::string& region() const { return options_.region; }

  // Writes up to 500 records after checking them against `limits` (a violation fails the whole call
  // with a non-retryable client error naming the record). The result has one entry per record,
  // in order.
  void PutRecords(std::string_view stream, std::span<const PutRecordsEntry> records,
                  const StreamLimits& limits, Callback<PutRecordsOutput> done);
  void PutRecord(std::string_view stream, const PutRecordsEntry& record, const StreamLimits& limits,
                 Callback<PutRecordOutput> done);
  // Every shard of the stream, following NextToken pages of up to `page_size` shards (0: the
  // service's default of 1,000).
  void ListShards(std::string_view stream, Callback<std::vector<Shard>> done, int page_size = 0);
  void DescribeStreamSummary(std::string_view stream, Callback<StreamSummary> done);
  void GetShardIterator(std::string_view stream, std::string_view shard_id, const IteratorStart& start,
                        Callback<std::string> done);
  // At most `limit` (1..10000) records from the iterator's position.
  void GetRecords(std::string_view shard_iterator, int limit, Callback<GetRecordsOutput> done);
  void CreateStream(std::string_view stream, int shard_count, Callback<Empty> done);
  void DeleteStream(std::string_view stream, Callback<Empty> done);
  void UpdateShardCount(std::string_view stream, int target_shard_count, Callback<Empty> done);

  HttpClient::Stats http_stats() const { return http_->stats(); }

 private:
  KinesisClient(KinesisClientOptions options, std::shared_ptr<CredentialsProvider> credentials,
                std::unique_ptr<HttpClient> http);
  // Signs and sends one operation; `done` gets the 200 body or the classified error.
  void Call(std::string_view operation, std::string body, std::function<void(AwsResult<std::string>)> done);
  void ListShardsPage(std::string stream, std::string token, int page_size,
                      std::shared_ptr<std::vector<Shard>> shards, Callback<std::vector<Shard>> done);

  KinesisClientOptions options_;
  std::shared_ptr<CredentialsProvider> credentials_;
  SigV4Signer signer_;
  std::unique_ptr<HttpClient> http_;
};

// Runs `io` until the call started by `start` (given a Callback<T>) completes; for command-line
// tools, which make one call at a time on their own io_context.
template <typename T, typename Start>
AwsResult<T> RunToCompletion(boost::asio::io_context& io, Start start) {
  std::optional<AwsResult<T>> result;
  start([&result](AwsResult<T> r) { result.emplace(std::move(r)); });
  io.restart();
  while (!result && io.run_one() > 0) {
  }
  if (!result) return TransportError("the I/O loop stopped before the call finished");
  return std::move(*result);
}

}  // namespace streamhook::aws
