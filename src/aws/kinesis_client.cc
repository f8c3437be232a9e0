#include "aws/kinesis_client.h"

#include <chrono>

#include "aws/kinesis_json.h"

namespace streamhook::aws {
namespace {

constexpr std::string_view kTargetPrefix = "Kinesis_20131202.";
constexpr std::string_view kContentType = "application/x-amz-json-1.1";

template <typename T, typename Parse>
std::function<void(AwsResult<std::string>)> Parsing(KinesisClient::Callback<T> done, Parse parse) {
  return [done = std::move(done), parse = std::move(parse)](AwsResult<std::string> body) {
    if (!body.ok()) return done(body.error());
    done(parse(*body));
  };
}

}  // namespace

Result<std::unique_ptr<KinesisClient>> KinesisClient::Create(
    boost::asio::any_io_executor executor, KinesisClientOptions options,
    std::shared_ptr<CredentialsProvider> credentials) {
  if (options.region.empty()) return Status::InvalidArgument("no AWS region given");
  Endpoint endpoint = EndpointForRegion("kinesis", options.region);
  if (!options.endpoint_url.empty()) {
    auto parsed = ParseEndpoint(options.endpoint_url);
    if (!parsed.ok()) return parsed.status();
    endpoint = std::move(*parsed);
  }
  auto http = HttpClient::Create(executor, std::move(endpoint), options.http);
  if (!http.ok()) return http.status();
  return std::unique_ptr<KinesisClient>(
      new KinesisClient(std::move(options), std::move(credentials), std::move(*http)));
}

KinesisClient::KinesisClient(KinesisClientOptions options, std::shared_ptr<CredentialsProvider> credentials,
                             std::unique_ptr<HttpClient> http)
    : options_(std::move(options)),
      credentials_(std::move(credentials)),
      signer_(options_.region, "kinesis"),
      http_(std::move(http)) {}

void KinesisClient::Call(std::string_view operation, std::string body,
                         std::function<void(AwsResult<std::string>)> done) {
  auto credentials = credentials_->Get();
  if (!credentials.ok()) {
    // STS or instance metadata briefly unreachable: retry like any transport failure. Anything
    // else (no source configured, a role that refuses us) needs the user.
    if (credentials.status().code() == Status::Code::kUnavailable ||
        credentials.status().code() == Status::Code::kDeadlineExceeded) {
      return done(TransportError("cannot get AWS credentials now: " + credentials.status().message()));
    }
    return done(ClientError("MissingCredentials", "no AWS credentials: " + credentials.status().message()));
  }
  SignableRequest request;
  request.method = "POST";
  request.path = http_->endpoint().path;
  request.headers = {{"host", http_->endpoint().host_header},
                     {"content-type", std::string(kContentType)},
                     {"x-amz-target", std::string(kTargetPrefix) + std::string(operation)}};
  request.body = body;
  signer_.Sign(*credentials, std::chrono::system_clock::now(), &request);

  HttpCall call;
  call.method = "POST";
  for (auto& header : request.headers) {
    if (header.first != "host") call.headers.push_back(std::move(header));
  }
  call.body = std::move(body);
  http_->Send(std::move(call), [done = std::move(done), credentials = credentials_](HttpReply reply) {
    if (!reply.ok) return done(std::move(reply.error));
    if (reply.status != 200) {
      AwsError error = ParseServiceError(reply.status, reply.body);
      if (IsExpiredCredentials(error.type)) credentials->Invalidate();  // refresh before the retry
      return done(std::move(error));
    }
    done(std::move(reply.body));
  });
}

void KinesisClient::PutRecords(std::string_view stream, std::span<const PutRecordsEntry> records,
                               const StreamLimits& limits, Callback<PutRecordsOutput> done) {
  if (auto error = CheckPutRecords(records, limits)) return done(std::move(*error));
  const size_t expected = records.size();
  Call("PutRecords", PutRecordsRequestJson(stream, records),
       Parsing<PutRecordsOutput>(std::move(done), [expected](std::string_view body) {
         return ParsePutRecordsResponse(body, expected);
       }));
}

void KinesisClient::PutRecord(std::string_view stream, const PutRecordsEntry& record,
                              const StreamLimits& limits, Callback<PutRecordOutput> done) {
  if (auto error = CheckRecord(record, limits)) return done(std::move(*error));
  Call("PutRecord", PutRecordRequestJson(stream, record),
       Parsing<PutRecordOutput>(std::move(done), ParsePutRecordResponse));
}

void KinesisClient::ListShards(std::string_view stream, Callback<std::vector<Shard>> done, int page_size) {
  ListShardsPage(std::string(stream), "", page_size, std::make_shared<std::vector<Shard>>(), std::move(done));
}

void KinesisClient::ListShardsPage(std::string stream, std::string token, int page_size,
                                   std::shared_ptr<std::vector<Shard>> shards,
                                   Callback<std::vector<Shard>> done) {
  const std::string body = ListShardsRequestJson(stream, token, page_size);
  Call("ListShards", body,
       [this, stream = std::move(stream), page_size, shards,
        done = std::move(done)](AwsResult<std::string> reply) mutable {
         if (!reply.ok()) return done(reply.error());
         auto next = ParseListShardsResponse(*reply, shards.get());
         if (!next.ok()) return done(next.error());
         if (next->empty()) return done(std::move(*shards));
         ListShardsPage(std::move(stream), std::move(*next), page_size, shards, std::move(done));
       });
}

void KinesisClient::DescribeStreamSummary(std::string_view stream, Callback<StreamSummary> done) {
  Call("DescribeStreamSummary", DescribeStreamSummaryRequestJson(stream),
       Parsing<StreamSummary>(std::move(done), ParseDescribeStreamSummaryResponse));
}

void KinesisClient::GetShardIterator(std::string_view stream, std::string_view shard_id,
                                     const IteratorStart& start, Callback<std::string> done) {
  Call("GetShardIterator", GetShardIteratorRequestJson(stream, shard_id, start),
       Parsing<std::string>(std::move(done), ParseGetShardIteratorResponse));
}

void KinesisClient::GetRecords(std::string_view shard_iterator, int limit, Callback<GetRecordsOutput> done) {
  Call("GetRecords", GetRecordsRequestJson(shard_iterator, limit),
       Parsing<GetRecordsOutput>(std::move(done), ParseGetRecordsResponse));
}

void KinesisClient::CreateStream(std::string_view stream, int shard_count, Callback<Empty> done) {
  Call("CreateStream", CreateStreamRequestJson(stream, shard_count),
       Parsing<Empty>(std::move(done), [](std::string_view) { return AwsResult<Empty>(Empty{}); }));
}

void KinesisClient::DeleteStream(std::string_view stream, Callback<Empty> done) {
  Call("DeleteStream", DeleteStreamRequestJson(stream),
       Parsing<Empty>(std::move(done), [](std::string_view) { return AwsResult<Empty>(Empty{}); }));
}

void KinesisClient::UpdateShardCount(std::string_view stream, int target_shard_count, Callback<Empty> done) {
  Call("UpdateShardCount", UpdateShardCountRequestJson(stream, target_shard_count),
       Parsing<Empty>(std::move(done), [](std::string_view) { return AwsResult<Empty>(Empty{}); }));
}

}  // namespace streamhook::aws
