// Fuzzes aws::Deaggregate, the decoder of KPL aggregated records read from a stream. Input:
// [mode byte][bytes]. Mode bit 0 clear: the bytes are the Kinesis record data as is. Set: they are
// the protobuf AggregatedRecord, framed here with the magic and a correct MD5, so the fuzzer gets
// past the digest and exercises the protobuf and key-table checks.
//
// Properties: no crash; a refusal is InvalidArgument exactly when IsAggregated is false, else
// Corruption; decoded records survive a round trip Aggregate -> Deaggregate unchanged (tags, which
// streamhook ignores, aside), and re-aggregating them is deterministic.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "aws/kpl_aggregation.h"
#include "common/encoding.h"
#include "fuzz_check.h"

namespace {

using streamhook::Status;
using streamhook::aws::UserRecord;

bool SameRecords(const std::vector<UserRecord>& a, const std::vector<UserRecord>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].partition_key != b[i].partition_key || a[i].explicit_hash_key != b[i].explicit_hash_key ||
        a[i].data != b[i].data) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string record;
  if (data[0] & 1) {
    record.append(streamhook::aws::kKplMagic).append(bytes);
    record.append(streamhook::AsBytes(streamhook::Md5(bytes)));
  } else {
    record.assign(bytes);
  }

  auto decoded = streamhook::aws::Deaggregate(record);
  if (!decoded.ok()) {
    const Status::Code expected =
        streamhook::aws::IsAggregated(record) ? Status::Code::kCorruption : Status::Code::kInvalidArgument;
    FUZZ_CHECK(decoded.status().code() == expected);
    return 0;
  }
  FUZZ_CHECK(streamhook::aws::IsAggregated(record));
  const std::string packed = streamhook::aws::Aggregate(*decoded);
  FUZZ_CHECK(streamhook::aws::IsAggregated(packed));
  auto again = streamhook::aws::Deaggregate(packed);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(SameRecords(*decoded, *again));
  FUZZ_CHECK(streamhook::aws::Aggregate(*again) == packed);
  return 0;
}
