// Cost of ParseTrackingCall per event: a 100-event batch shaped like @segment/analytics-node's.
// Run: build-*/tests/ingest/ingest_parse_benchmark (use a Release build for real figures).
#include <benchmark/benchmark.h>

#include "common/time_format.h"
#include "ingest/parse_request.h"
#include "ingest_test_util.h"

namespace streamhook::ingest {
namespace {

std::string AnalyticsNodeBatch(int events) {
  std::string body = R"({"batch":[)";
  for (int i = 0; i < events; ++i) {
    if (i) body += ',';
    body += R"({"type":"track","event":"Order Completed","userId":"user-)" + std::to_string(i) +
            R"(","anonymousId":"5b3d2c1a-9f3e-4e7a-8d2b-1c0f9e8d7a6b","properties":{"orderId":"ord-)" +
            std::to_string(1000 + i) +
            R"(","total":129.95,"currency":"TRY","products":[{"sku":"SKU-1","price":99.95,"quantity":1},)"
            R"({"sku":"SKU-2","price":30,"quantity":1}],"coupon":null},"context":{"library":{"name":)"
            R"("@segment/analytics-node","version":"2.1.2"},"ip":"203.0.113.7","locale":"tr-TR"},)"
            R"("_metadata":{"nodeVersion":"v20.11.0","jsRuntime":"node"},"integrations":{},)"
            R"("timestamp":"2024-05-01T11:58:59.123Z","messageId":"node-next-1714564739123-)" +
            std::to_string(i) + "\"}";
  }
  return body + R"(],"writeKey":")" + std::string(testing::kWriteKey) +
         R"(","sentAt":"2024-05-01T11:59:00.000Z"})";
}

void BM_ParseAnalyticsNodeBatch(benchmark::State& state) {
  const int events = static_cast<int>(state.range(0));
  testing::MapResolver keys;
  RandomUuidGenerator ids;
  HttpRequest request = testing::Post("/v1/batch", AnalyticsNodeBatch(events));
  const int64_t now = NowMillis();
  for (auto _ : state) {
    ParseResult result = ParseTrackingCall(request.path, request, keys, now, ids);
    if (!result.ok() || result.events.size() != static_cast<size_t>(events)) {
      state.SkipWithError("the batch did not parse");
      break;
    }
    benchmark::DoNotOptimize(result.events.data());
  }
  state.counters["events/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * events, benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(request.body.size()));
}
BENCHMARK(BM_ParseAnalyticsNodeBatch)->Arg(100);

}  // namespace
}  // namespace streamhook::ingest

BENCHMARK_MAIN();
