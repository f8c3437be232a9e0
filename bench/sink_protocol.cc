#include "sink_protocol.h"

#include <simdjson.h>

#include <algorithm>

namespace streamhook::bench {
namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view kTargetPrefix = "Kinesis_20131202.";
constexpr std::string_view kThrottled =
    R"("ErrorCode":"ProvisionedThroughputExceededException","ErrorMessage":"Rate exceeded for shard in stream under account 000000000000.")";

SinkReply Error(int status, std::string_view type, std::string_view message) {
  return {status, "{\"__type\":\"" + std::string(type) + "\",\"message\":\"" + std::string(message) + "\"}"};
}

// Appends `value` as exactly `width` decimal digits (zero-padded; higher digits are dropped).
void AppendDigits(uint64_t value, int width, std::string* out) {
  const size_t at = out->size();
  out->append(width, '0');
  for (int i = width - 1; i >= 0 && value > 0; --i, value /= 10)
    (*out)[at + i] = static_cast<char>('0' + value % 10);
}

std::string Decimal(unsigned __int128 value) {
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value > 0);
  return digits;
}

// 2^128 / shards without overflow: exact for a power of two, as Kinesis splits the key space.
unsigned __int128 ShardWidth(int shards) {
  const unsigned __int128 max = ~static_cast<unsigned __int128>(0);
  const unsigned __int128 n = static_cast<unsigned>(shards);
  return max / n + (max % n == n - 1 ? 1 : 0);
}

// KPL aggregated records start with the magic 0xF3899AC2 and then the partition key table's tag
// (0x0A): "84mawg" in base64.
bool IsKplAggregate(std::string_view raw_token) {
  return raw_token.substr(0, 7) == "\"84mawg";
}

// Characters inside the quotes of a raw string token (which runs up to the next token).
size_t TokenLength(std::string_view token) {
  while (!token.empty() && token.back() != '"') token.remove_suffix(1);
  return token.size() >= 2 ? token.size() - 2 : 0;
}

void AppendShardName(int shard, std::string* out) {
  out->append("shardId-");
  AppendDigits(static_cast<uint64_t>(shard), 12, out);
}

// The stream a request names (StreamName, or the last part of StreamARN); "" when none.
std::string StreamOf(const std::string& body) {
  od::parser parser;
  od::document doc = parser.iterate(simdjson::padded_string_view(body.data(), body.size(), body.capacity()));
  for (od::field field : doc.get_object()) {
    const std::string_view key = field.unescaped_key();
    if (key == "StreamName") return std::string(std::string_view(field.value().get_string()));
    if (key == "StreamARN") {
      const std::string_view arn = field.value().get_string();
      return std::string(arn.substr(arn.rfind('/') + 1));
    }
  }
  return {};
}

}  // namespace

std::string SinkCounters::ToJson() const {
  const std::pair<const char*, const std::atomic<uint64_t>*> fields[] = {
      {"connections", &connections},
      {"requests", &requests},
      {"requestBytes", &request_bytes},
      {"responseBytes", &response_bytes},
      {"putRecordsCalls", &put_records_calls},
      {"putRecordCalls", &put_record_calls},
      {"recordsReceived", &records_received},
      {"recordsAccepted", &records_accepted},
      {"recordsThrottled", &records_throttled},
      {"dataBytes", &data_bytes},
      {"kplRecords", &kpl_records},
      {"maxRecordsPerCall", &max_records_per_call},
      {"otherCalls", &other_calls},
      {"badRequests", &bad_requests},
  };
  std::string out = "{";
  for (const auto& [name, value] : fields) {
    if (out.size() > 1) out.push_back(',');
    out += '"' + std::string(name) + "\":" + std::to_string(value->load(std::memory_order_relaxed));
  }
  return out + "}";
}

SinkProtocol::SinkProtocol(const SinkSettings& settings, SinkCounters* counters, uint64_t seed)
    : settings_(settings), counters_(counters), rng_(seed * 0x9E3779B97F4A7C15ull | 1), prefix_(seed % 1000) {
  if (settings_.shards < 1) settings_.shards = 1;
  shard_width_ = ShardWidth(settings_.shards);
  md5_.reset(EVP_MD_fetch(nullptr, "MD5", nullptr));  // fetched once: per-call lookups cost more than MD5
  md5_ctx_.reset(EVP_MD_CTX_new());
}

bool SinkProtocol::Throttle() {
  if (settings_.throttle_share <= 0) return false;
  rng_ ^= rng_ >> 12;  // xorshift64*: cheap, and good enough for picking a share of records
  rng_ ^= rng_ << 25;
  rng_ ^= rng_ >> 27;
  const uint64_t r = rng_ * 0x2545F4914F6CDD1Dull;
  return static_cast<double>(r >> 11) * 0x1.0p-53 < settings_.throttle_share;
}

void SinkProtocol::AppendSequenceNumber(std::string* out) {
  // 56 digits like the real ones: a fixed head, the I/O thread, a counter.
  out->append("4959");
  AppendDigits(prefix_, 3, out);
  AppendDigits(0, 29, out);
  AppendDigits(++sequence_, 20, out);
}

int SinkProtocol::ShardFor(std::string_view partition_key, std::string_view explicit_hash_key) {
  unsigned __int128 hash = 0;
  if (!explicit_hash_key.empty()) {
    for (char c : explicit_hash_key) {
      if (c >= '0' && c <= '9') hash = hash * 10 + static_cast<unsigned>(c - '0');
    }
  } else {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!md5_ || EVP_DigestInit_ex2(md5_ctx_.get(), md5_.get(), nullptr) != 1 ||
        EVP_DigestUpdate(md5_ctx_.get(), partition_key.data(), partition_key.size()) != 1 ||
        EVP_DigestFinal_ex(md5_ctx_.get(), digest, &length) != 1 || length != 16) {
      return 0;
    }
    for (int i = 0; i < 16; ++i) hash = hash << 8 | digest[i];  // big-endian, as Kinesis reads it
  }
  return static_cast<int>(std::min<unsigned __int128>(hash / shard_width_, settings_.shards - 1));
}

SinkReply SinkProtocol::Handle(std::string_view target, const std::string& body) {
  counters_->requests.fetch_add(1, std::memory_order_relaxed);
  SinkReply reply;
  try {
    if (target.substr(0, kTargetPrefix.size()) != kTargetPrefix) {
      reply = Error(400, "UnknownOperationException", "no Kinesis_20131202 X-Amz-Target");
    } else if (const std::string_view op = target.substr(kTargetPrefix.size()); op == "PutRecords") {
      reply = PutRecords(body);
    } else if (op == "PutRecord") {
      reply = PutRecord(body);
    } else if (op == "DescribeStreamSummary") {
      reply = DescribeStreamSummary(body);
    } else if (op == "ListShards") {
      reply = ListShards(body);
    } else {
      reply = Error(400, "UnknownOperationException", "the benchmark sink does not implement this operation");
    }
  } catch (const simdjson::simdjson_error& e) {
    reply = Error(400, "SerializationException", "the body is not the JSON expected");
  }
  if (reply.status == 400) counters_->bad_requests.fetch_add(1, std::memory_order_relaxed);
  return reply;
}

SinkReply SinkProtocol::PutRecords(const std::string& body) {
  thread_local od::parser parser;
  od::document doc = parser.iterate(simdjson::padded_string_view(body.data(), body.size(), body.capacity()));
  std::string entries;
  uint64_t records = 0, throttled = 0, data_bytes = 0, kpl = 0;
  bool seen_records = false;
  for (od::field field : doc.get_object()) {
    const std::string_view key = field.unescaped_key();
    if (key != "Records") continue;  // an unread value is skipped
    seen_records = true;
    for (od::value element : field.value().get_array()) {
      std::string_view partition_key, explicit_hash_key;
      for (od::field f : element.get_object()) {
        // Raw key comparison and the raw Data token: no unescaping, no copy of the data.
        const od::raw_json_string key = f.key();
        if (key == std::string_view("Data")) {
          const std::string_view token = f.value().raw_json_token();
          data_bytes += TokenLength(token);
          kpl += IsKplAggregate(token) ? 1 : 0;
        } else if (key == std::string_view("PartitionKey")) {
          partition_key = f.value().get_string();
        } else if (key == std::string_view("ExplicitHashKey")) {
          explicit_hash_key = f.value().get_string();
        }
      }
      if (records++ == 0) entries.reserve(80 * 512);
      if (records > 1) entries.push_back(',');
      entries.push_back('{');
      if (Throttle()) {
        ++throttled;
        entries.append(kThrottled);
      } else {
        entries.append("\"SequenceNumber\":\"");
        AppendSequenceNumber(&entries);
        entries.append("\",\"ShardId\":\"");
        AppendShardName(ShardFor(partition_key, explicit_hash_key), &entries);
        entries.push_back('"');
      }
      entries.push_back('}');
    }
  }
  if (!seen_records || records == 0 || records > 500) {
    return Error(400, "ValidationException", "PutRecords needs 1 to 500 Records");
  }
  counters_->put_records_calls.fetch_add(1, std::memory_order_relaxed);
  counters_->records_received.fetch_add(records, std::memory_order_relaxed);
  counters_->records_accepted.fetch_add(records - throttled, std::memory_order_relaxed);
  counters_->records_throttled.fetch_add(throttled, std::memory_order_relaxed);
  counters_->data_bytes.fetch_add(data_bytes, std::memory_order_relaxed);
  counters_->kpl_records.fetch_add(kpl, std::memory_order_relaxed);
  uint64_t max = counters_->max_records_per_call.load(std::memory_order_relaxed);
  while (records > max && !counters_->max_records_per_call.compare_exchange_weak(max, records)) {
  }
  SinkReply reply;
  reply.body.reserve(entries.size() + 48);
  reply.body.append("{\"FailedRecordCount\":");
  reply.body.append(std::to_string(throttled));
  reply.body.append(",\"Records\":[");
  reply.body.append(entries);
  reply.body.append("]}");
  return reply;
}

SinkReply SinkProtocol::PutRecord(const std::string& body) {
  thread_local od::parser parser;
  od::document doc = parser.iterate(simdjson::padded_string_view(body.data(), body.size(), body.capacity()));
  std::string_view partition_key, explicit_hash_key;
  uint64_t data_bytes = 0;
  for (od::field field : doc.get_object()) {
    const std::string_view key = field.unescaped_key();
    if (key == "Data") {
      data_bytes = std::string_view(field.value().get_string()).size();
    } else if (key == "PartitionKey") {
      partition_key = field.value().get_string();
    } else if (key == "ExplicitHashKey") {
      explicit_hash_key = field.value().get_string();
    }
  }
  counters_->put_record_calls.fetch_add(1, std::memory_order_relaxed);
  counters_->records_received.fetch_add(1, std::memory_order_relaxed);
  counters_->data_bytes.fetch_add(data_bytes, std::memory_order_relaxed);
  if (Throttle()) {
    counters_->records_throttled.fetch_add(1, std::memory_order_relaxed);
    return Error(400, "ProvisionedThroughputExceededException", "Rate exceeded for shard in stream");
  }
  counters_->records_accepted.fetch_add(1, std::memory_order_relaxed);
  SinkReply reply;
  reply.body = "{\"SequenceNumber\":\"";
  AppendSequenceNumber(&reply.body);
  reply.body.append("\",\"ShardId\":\"");
  AppendShardName(ShardFor(partition_key, explicit_hash_key), &reply.body);
  reply.body.append("\"}");
  return reply;
}

SinkReply SinkProtocol::DescribeStreamSummary(const std::string& body) {
  counters_->other_calls.fetch_add(1, std::memory_order_relaxed);
  const std::string stream = StreamOf(body);
  if (stream.empty()) return Error(400, "ValidationException", "no StreamName");
  return {200, "{\"StreamDescriptionSummary\":{\"StreamName\":\"" + stream +
                   "\",\"StreamARN\":\"arn:aws:kinesis:us-east-1:000000000000:stream/" + stream +
                   "\",\"StreamStatus\":\"ACTIVE\",\"StreamModeDetails\":{\"StreamMode\":\"PROVISIONED\"},"
                   "\"RetentionPeriodHours\":24,\"StreamCreationTimestamp\":1700000000,"
                   "\"EnhancedMonitoring\":[{\"ShardLevelMetrics\":[]}],\"EncryptionType\":\"NONE\","
                   "\"OpenShardCount\":" +
                   std::to_string(settings_.shards) + ",\"ConsumerCount\":0,\"MaxRecordSizeInKiB\":1024}}"};
}

SinkReply SinkProtocol::ListShards(const std::string& body) {
  counters_->other_calls.fetch_add(1, std::memory_order_relaxed);
  // A NextToken request has no stream: the first page already listed every shard.
  if (StreamOf(body).empty()) return {200, "{\"Shards\":[]}"};
  const unsigned __int128 max = ~static_cast<unsigned __int128>(0);
  const unsigned __int128 step = shard_width_;
  std::string out = "{\"Shards\":[";
  for (int i = 0; i < settings_.shards; ++i) {
    if (i) out.push_back(',');
    const unsigned __int128 first = step * i;
    const unsigned __int128 last = i + 1 == settings_.shards ? max : first + step - 1;
    out.append("{\"ShardId\":\"");
    AppendShardName(i, &out);
    out.append("\",\"HashKeyRange\":{\"StartingHashKey\":\"" + Decimal(first) + "\",\"EndingHashKey\":\"" +
               Decimal(last) + "\"},\"SequenceNumberRange\":{\"StartingSequenceNumber\":\"4959");
    AppendDigits(0, 52, &out);
    out.append("\"}}");
  }
  out.append("]}");
  return {200, std::move(out)};
}

}  // namespace streamhook::bench
