// Figures, not assertions on time: HookProducer's throughput against the stand-in (10 ms added
// to every answer, 8 shards) with Zipf-like and uniform key distributions, for per-key order on and
// off and aggregation on and off. Prints records/s, user and Kinesis records per PutRecords, and wire
// bytes per event. Labelled slow.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "producer_harness.h"
#include "support/kinesis_standin.h"

namespace streamhook::producer {
namespace {

constexpr int kRecords = 10000;
constexpr int kKeys = 1000;
constexpr double kSkew = 0.99;  // weight of the k-th key: 1 / k^s

std::vector<std::string> UniformKeys(int count) {
  std::uniform_int_distribution<int> pick(0, kKeys - 1);
  std::mt19937_64 rng(42);
  std::vector<std::string> keys;
  for (int i = 0; i < count; ++i) keys.push_back("user-" + std::to_string(pick(rng)));
  return keys;
}

std::vector<std::string> ZipfKeys(int count) {
  std::vector<double> weights;
  for (int k = 1; k <= kKeys; ++k) weights.push_back(1.0 / std::pow(k, kSkew));
  std::discrete_distribution<int> pick(weights.begin(), weights.end());
  std::mt19937_64 rng(42);
  std::vector<std::string> keys;
  for (int i = 0; i < count; ++i) keys.push_back("user-" + std::to_string(pick(rng)));
  return keys;
}

struct Mode {
  const char* name;
  bool ordered;
  bool aggregate;
  bool zipf = true;  // else uniform keys
};

class Throughput : public ::testing::TestWithParam<Mode> {};

TEST_P(Throughput, PrintsFigures) {
  const Mode mode = GetParam();
  testing::KinesisStandin standin(8);
  ASSERT_TRUE(standin.ok());
  ASSERT_TRUE(standin.Control(R"({"delayMs":10})"));
  ProducerHarness harness(standin.endpoint(), {500, 5 << 20, 20}, [&](HookProducerOptions& o) {
    o.preserve_key_order = mode.ordered;
    o.aggregation = {mode.aggregate, 51200};
  });
  // The shard map first, so that every mode runs shard by shard.
  for (int i = 0; i < 100 && harness.metrics().shard_map_loads.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto keys = mode.zipf ? ZipfKeys(kRecords) : UniformKeys(kRecords);
  const auto start = std::chrono::steady_clock::now();
  harness.AddRecordsWithKeys(
      0, kRecords, [&](int i) { return keys[i]; }, 150);
  ASSERT_TRUE(harness.WaitDone(kRecords, std::chrono::seconds(300)));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto check = CheckStream(Unpack(StandinRecords(standin)), kRecords);
  EXPECT_EQ(check.distinct, static_cast<size_t>(kRecords)) << check.problem;
  if (mode.ordered) {
    EXPECT_TRUE(check.order_kept) << check.problem;
  }
  const auto& m = harness.metrics();
  const double calls = static_cast<double>(m.put_records_calls.load());
  std::printf(
      "%-30s %8.0f records/s  %6.1f user records/PutRecords  %6.1f Kinesis records/PutRecords  "
      "%6.1f wire bytes/event  %5.0f calls  %5llu limiter waits  order %s\n",
      mode.name, kRecords / seconds, static_cast<double>(m.records_sent.load()) / calls,
      static_cast<double>(m.kinesis_records_sent.load()) / calls,
      static_cast<double>(m.bytes_sent.load()) / kRecords, calls,
      static_cast<unsigned long long>(m.limiter_waits.load()), check.order_kept ? "kept" : "broken");
}

INSTANTIATE_TEST_SUITE_P(Modes, Throughput,
                         ::testing::Values(Mode{"ordered", true, false}, Mode{"unordered", false, false},
                                           Mode{"ordered+aggregated", true, true},
                                           Mode{"unordered+aggregated", false, true},
                                           Mode{"uniform+ordered", true, false, false},
                                           Mode{"uniform+ordered+aggregated", true, true, false}),
                         [](const auto& info) {
                           std::string name = info.param.name;
                           for (auto& c : name) c = c == '+' ? '_' : c;
                           return name;
                         });

}  // namespace
}  // namespace streamhook::producer
