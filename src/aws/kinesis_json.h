// The JSON bodies of Kinesis requests and responses (protocol awsJson1.1), without any I/O, so
// they can be tested and fuzzed on their own. Parsers tolerate explicit nulls for absent fields.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "aws/kinesis_types.h"

namespace streamhook::aws {

// A stream is named by its name or, when the text starts with "arn:", by its ARN.
void AppendStreamRef(std::string_view stream, std::string* out_json_fields);

std::string PutRecordsRequestJson(std::string_view stream, std::span<const PutRecordsEntry> records);
std::string PutRecordRequestJson(std::string_view stream, const PutRecordsEntry& record);
// NextToken requests carry no stream name (the API rejects both together).
std::string ListShardsRequestJson(std::string_view stream, std::string_view next_token, int max_results = 0);
std::string DescribeStreamSummaryRequestJson(std::string_view stream);
std::string GetShardIteratorRequestJson(std::string_view stream, std::string_view shard_id,
                                        const IteratorStart& start);
std::string GetRecordsRequestJson(std::string_view shard_iterator, int limit);
std::string CreateStreamRequestJson(std::string_view stream, int shard_count);
std::string DeleteStreamRequestJson(std::string_view stream);
std::string UpdateShardCountRequestJson(std::string_view stream, int target_shard_count);

// Each parser fails with an AwsError of type "InvalidResponse" when the body is not what the API
// documents (that includes a PutRecords answer whose Records length differs from `expected`).
AwsResult<PutRecordsOutput> ParsePutRecordsResponse(std::string_view body, size_t expected);
AwsResult<PutRecordOutput> ParsePutRecordResponse(std::string_view body);
// Appends the page's shards to *shards and returns the NextToken ("" on the last page).
AwsResult<std::string> ParseListShardsResponse(std::string_view body, std::vector<Shard>* shards);
AwsResult<StreamSummary> ParseDescribeStreamSummaryResponse(std::string_view body);
AwsResult<std::string> ParseGetShardIteratorResponse(std::string_view body);
AwsResult<GetRecordsOutput> ParseGetRecordsResponse(std::string_view body);

}  // namespace streamhook::aws
