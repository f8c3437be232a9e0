#include "aws/kinesis_json.h"

#include <simdjson.h>

#include <cmath>

#include "common/encoding.h"
#include "common/json_writer.h"

namespace streamhook::aws {
namespace {

using simdjson::dom::element;

AwsError InvalidResponse(std::string what) {
  AwsError e;
  e.kind = AwsError::Kind::kService;
  e.type = "InvalidResponse";
  e.message = "unexpected Kinesis response: " + what;
  e.retryable = false;
  return e;
}

simdjson::dom::parser& ThreadParser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

bool Parse(std::string_view body, element* doc) {
  return ThreadParser().parse(body.data(), body.size()).get(*doc) == simdjson::SUCCESS;
}

// The string field, or "" when absent, null or not a string.
std::string Str(element object, std::string_view key) {
  std::string_view v;
  if (object[key].get_string().get(v) != simdjson::SUCCESS) return {};
  return std::string(v);
}

void Begin(std::string* out, std::string_view stream) {
  out->push_back('{');
  AppendStreamRef(stream, out);
}

}  // namespace

const char* IteratorTypeName(IteratorType type) {
  switch (type) {
    case IteratorType::kTrimHorizon: return "TRIM_HORIZON";
    case IteratorType::kLatest: return "LATEST";
    case IteratorType::kAtTimestamp: return "AT_TIMESTAMP";
    case IteratorType::kAtSequenceNumber: return "AT_SEQUENCE_NUMBER";
    case IteratorType::kAfterSequenceNumber: return "AFTER_SEQUENCE_NUMBER";
  }
  return "TRIM_HORIZON";
}

void AppendStreamRef(std::string_view stream, std::string* out) {
  out->append(stream.rfind("arn:", 0) == 0 ? "\"StreamARN\":" : "\"StreamName\":");
  AppendJsonString(stream, out);
}

std::string PutRecordsRequestJson(std::string_view stream, std::span<const PutRecordsEntry> records) {
  size_t size = 64 + stream.size();
  for (const auto& r : records)
    size += 64 + r.data.size() * 4 / 3 + r.partition_key.size() + r.explicit_hash_key.size();
  std::string out;
  out.reserve(size);
  Begin(&out, stream);
  out.append(",\"Records\":[");
  for (size_t i = 0; i < records.size(); ++i) {
    if (i) out.push_back(',');
    out.append("{\"Data\":\"");
    Base64EncodeAppend(records[i].data, &out);
    out.append("\",\"PartitionKey\":");
    AppendJsonString(records[i].partition_key, &out);
    if (!records[i].explicit_hash_key.empty()) {
      out.append(",\"ExplicitHashKey\":");
      AppendJsonString(records[i].explicit_hash_key, &out);
    }
    out.push_back('}');
  }
  out.append("]}");
  return out;
}

std::string PutRecordRequestJson(std::string_view stream, const PutRecordsEntry& record) {
  std::string out;
  Begin(&out, stream);
  out.append(",\"Data\":\"");
  Base64EncodeAppend(record.data, &out);
  out.append("\",\"PartitionKey\":");
  AppendJsonString(record.partition_key, &out);
  if (!record.explicit_hash_key.empty()) {
    out.append(",\"ExplicitHashKey\":");
    AppendJsonString(record.explicit_hash_key, &out);
  }
  out.push_back('}');
  return out;
}

std::string ListShardsRequestJson(std::string_view stream, std::string_view next_token, int max_results) {
  std::string out = "{";
  if (next_token.empty()) {
    AppendStreamRef(stream, &out);
  } else {
    out.append("\"NextToken\":");
    AppendJsonString(next_token, &out);
  }
  if (max_results > 0) out.append(",\"MaxResults\":" + std::to_string(max_results));
  out.push_back('}');
  return out;
}

std::string DescribeStreamSummaryRequestJson(std::string_view stream) {
  std::string out;
  Begin(&out, stream);
  out.push_back('}');
  return out;
}

std::string GetShardIteratorRequestJson(std::string_view stream, std::string_view shard_id,
                                        const IteratorStart& start) {
  std::string out;
  Begin(&out, stream);
  out.append(",\"ShardId\":");
  AppendJsonString(shard_id, &out);
  out.append(",\"ShardIteratorType\":");
  AppendJsonString(IteratorTypeName(start.type), &out);
  if (start.type == IteratorType::kAtSequenceNumber || start.type == IteratorType::kAfterSequenceNumber) {
    out.append(",\"StartingSequenceNumber\":");
    AppendJsonString(start.sequence_number, &out);
  } else if (start.type == IteratorType::kAtTimestamp) {
    // Seconds since the epoch, with milliseconds as the fraction.
    out.append(",\"Timestamp\":" + std::to_string(start.timestamp_ms / 1000) + "." +
               std::to_string(1000 + start.timestamp_ms % 1000).substr(1));
  }
  out.push_back('}');
  return out;
}

std::string GetRecordsRequestJson(std::string_view shard_iterator, int limit) {
  std::string out = "{\"ShardIterator\":";
  AppendJsonString(shard_iterator, &out);
  out.append(",\"Limit\":" + std::to_string(limit) + "}");
  return out;
}

std::string CreateStreamRequestJson(std::string_view stream, int shard_count) {
  std::string out = "{\"StreamName\":";
  AppendJsonString(stream, &out);
  out.append(",\"ShardCount\":" + std::to_string(shard_count) + "}");
  return out;
}

std::string DeleteStreamRequestJson(std::string_view stream) {
  std::string out;
  Begin(&out, stream);
  out.append(",\"EnforceConsumerDeletion\":true}");
  return out;
}

std::string UpdateShardCountRequestJson(std::string_view stream, int target_shard_count) {
  std::string out;
  Begin(&out, stream);
  out.append(",\"TargetShardCount\":" + std::to_string(target_shard_count) +
             ",\"ScalingType\":\"UNIFORM_SCALING\"}");
  return out;
}

AwsResult<PutRecordsOutput> ParsePutRecordsResponse(std::string_view body, size_t expected) {
  element doc;
  simdjson::dom::array records;
  if (!Parse(body, &doc) || doc["Records"].get_array().get(records) != simdjson::SUCCESS) {
    return InvalidResponse("PutRecords answer has no Records array");
  }
  PutRecordsOutput out;
  int64_t failed = 0;
  if (doc["FailedRecordCount"].get_int64().get(failed) == simdjson::SUCCESS) {
    out.failed_record_count = static_cast<int>(failed);
  }
  out.records.reserve(expected);
  int counted_failures = 0;
  for (element r : records) {
    PutRecordsResultEntry e;
    e.error_code = Str(r, "ErrorCode");
    if (e.error_code.empty()) {
      e.sequence_number = Str(r, "SequenceNumber");
      e.shard_id = Str(r, "ShardId");
      if (e.sequence_number.empty())
        return InvalidResponse("a PutRecords result has neither SequenceNumber nor ErrorCode");
    } else {
      e.error_message = Str(r, "ErrorMessage");
      ++counted_failures;
    }
    out.records.push_back(std::move(e));
  }
  if (out.records.size() != expected) {
    return InvalidResponse("PutRecords answered " + std::to_string(out.records.size()) + " results for " +
                           std::to_string(expected) + " records");
  }
  out.failed_record_count = counted_failures;  // trust the per-record results over the summary
  return out;
}

AwsResult<PutRecordOutput> ParsePutRecordResponse(std::string_view body) {
  element doc;
  if (!Parse(body, &doc)) return InvalidResponse("PutRecord answer is not JSON");
  PutRecordOutput out{Str(doc, "ShardId"), Str(doc, "SequenceNumber")};
  if (out.sequence_number.empty()) return InvalidResponse("PutRecord answer has no SequenceNumber");
  return out;
}

AwsResult<std::string> ParseListShardsResponse(std::string_view body, std::vector<Shard>* shards) {
  element doc;
  simdjson::dom::array list;
  if (!Parse(body, &doc) || doc["Shards"].get_array().get(list) != simdjson::SUCCESS) {
    return InvalidResponse("ListShards answer has no Shards array");
  }
  for (element s : list) {
    Shard shard;
    shard.shard_id = Str(s, "ShardId");
    shard.parent_shard_id = Str(s, "ParentShardId");
    shard.adjacent_parent_shard_id = Str(s, "AdjacentParentShardId");
    element range;
    if (s["HashKeyRange"].get(range) == simdjson::SUCCESS) {
      shard.starting_hash_key = Str(range, "StartingHashKey");
      shard.ending_hash_key = Str(range, "EndingHashKey");
    }
    if (s["SequenceNumberRange"].get(range) == simdjson::SUCCESS) {
      shard.starting_sequence_number = Str(range, "StartingSequenceNumber");
      shard.ending_sequence_number = Str(range, "EndingSequenceNumber");
    }
    if (shard.shard_id.empty()) return InvalidResponse("a shard in ListShards has no ShardId");
    shards->push_back(std::move(shard));
  }
  return Str(doc, "NextToken");
}

AwsResult<StreamSummary> ParseDescribeStreamSummaryResponse(std::string_view body) {
  element doc, summary;
  if (!Parse(body, &doc) || doc["StreamDescriptionSummary"].get(summary) != simdjson::SUCCESS) {
    return InvalidResponse("DescribeStreamSummary answer has no StreamDescriptionSummary");
  }
  StreamSummary out;
  out.stream_name = Str(summary, "StreamName");
  out.stream_arn = Str(summary, "StreamARN");
  out.stream_status = Str(summary, "StreamStatus");
  out.encryption_type = Str(summary, "EncryptionType");
  int64_t n = 0;
  if (summary["OpenShardCount"].get_int64().get(n) == simdjson::SUCCESS)
    out.open_shard_count = static_cast<int>(n);
  if (summary["MaxRecordSizeInKiB"].get_int64().get(n) == simdjson::SUCCESS && n > 0)
    out.max_record_size_kib = n;
  element mode;
  if (summary["StreamModeDetails"].get(mode) == simdjson::SUCCESS) out.stream_mode = Str(mode, "StreamMode");
  out.record_distribution = Str(summary, "RecordDistributionStrategy");
  return out;
}

AwsResult<std::string> ParseGetShardIteratorResponse(std::string_view body) {
  element doc;
  if (!Parse(body, &doc)) return InvalidResponse("GetShardIterator answer is not JSON");
  std::string iterator = Str(doc, "ShardIterator");
  if (iterator.empty()) return InvalidResponse("GetShardIterator answer has no ShardIterator");
  return iterator;
}

AwsResult<GetRecordsOutput> ParseGetRecordsResponse(std::string_view body) {
  element doc;
  simdjson::dom::array records;
  if (!Parse(body, &doc) || doc["Records"].get_array().get(records) != simdjson::SUCCESS) {
    return InvalidResponse("GetRecords answer has no Records array");
  }
  GetRecordsOutput out;
  out.records.reserve(records.size());
  for (element r : records) {
    KinesisRecord record;
    record.sequence_number = Str(r, "SequenceNumber");
    record.partition_key = Str(r, "PartitionKey");
    auto data = Base64Decode(Str(r, "Data"));
    if (!data) return InvalidResponse("record " + record.sequence_number + " has Data that is not base64");
    record.data = std::move(*data);
    double arrival = 0;
    if (r["ApproximateArrivalTimestamp"].get_double().get(arrival) == simdjson::SUCCESS) {
      record.approximate_arrival_ms = static_cast<int64_t>(std::llround(arrival * 1000));
    }
    out.records.push_back(std::move(record));
  }
  out.next_shard_iterator = Str(doc, "NextShardIterator");
  int64_t behind = 0;
  if (doc["MillisBehindLatest"].get_int64().get(behind) == simdjson::SUCCESS)
    out.millis_behind_latest = behind;
  simdjson::dom::array children;
  if (doc["ChildShards"].get_array().get(children) == simdjson::SUCCESS) {
    for (element c : children) {
      ChildShard child;
      child.shard_id = Str(c, "ShardId");
      simdjson::dom::array parents;
      if (c["ParentShards"].get_array().get(parents) == simdjson::SUCCESS) {
        for (element p : parents) {
          std::string_view id;
          if (p.get_string().get(id) == simdjson::SUCCESS) child.parent_shards.emplace_back(id);
        }
      }
      out.child_shards.push_back(std::move(child));
    }
  }
  return out;
}

}  // namespace streamhook::aws
