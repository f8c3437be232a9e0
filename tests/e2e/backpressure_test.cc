// A hook that cannot deliver (its stream is missing) goes into an error state shown by the admin
// API and /metrics, holds its cursor, does not slow the other hooks, and recovers by itself once
// the stream exists. When its backlog fills the spool, ingest answers 503 with Retry-After and
// nothing acknowledged is lost.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <thread>

#include "e2e/event_json.h"
#include "e2e/serve_fixture.h"

namespace streamhook::e2e {
namespace {

using Clock = std::chrono::steady_clock;

class BackpressureTest : public ServeTest {
 protected:
  // The hook's "status" object from GET /admin/v1/hooks/{id}: state and error.
  std::pair<std::string, std::string> HookState(const std::string& hook) {
    const HttpReply reply = server().Admin("GET", "/admin/v1/hooks/" + hook);
    if (reply.status != 200) return {"http " + std::to_string(reply.status), reply.body};
    simdjson::dom::parser parser;
    simdjson::dom::element status;
    if (parser.parse(reply.body)["status"].get(status) != simdjson::SUCCESS) return {"absent", reply.body};
    std::string_view state, error;
    if (status["state"].get_string().get(state) != simdjson::SUCCESS) state = "unreadable";
    if (status["error"].get_string().get(error) != simdjson::SUCCESS) error = "";  // null when none
    return {std::string(state), std::string(error)};
  }

  bool WaitForState(const std::string& hook, const std::string& want, std::chrono::seconds timeout) {
    const auto deadline = Clock::now() + timeout;
    std::pair<std::string, std::string> seen;
    while (Clock::now() < deadline) {
      seen = HookState(hook);
      if (seen.first == want) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "hook " << hook << " state is " << seen.first << " (" << seen.second << "), expected "
                  << want;
    return false;
  }
};

TEST_F(BackpressureTest, AFailingHookHoldsOnlyItselfAndRecoversByItself) {
  ASSERT_TRUE(StartAll({{"bp-good", 1}}));
  const std::string good =
      CreateHook(R"({"name":"good","streamName":"bp-good","triggers":["TRACK"],"batch":{"lingerMs":10}})");
  const std::string failing = CreateHook(
      R"({"name":"failing","streamName":"bp-missing","triggers":["TRACK"],"batch":{"lingerMs":10}})");
  ASSERT_FALSE(good.empty());
  ASSERT_FALSE(failing.empty());
  ASSERT_TRUE(WaitForHookActive(failing, true));

  const std::vector<std::string> ids = NumberedIds("bp-", 60);
  for (size_t i = 0; i < ids.size(); i += 20) {
    const std::vector<std::string> part(ids.begin() + static_cast<long>(i),
                                        ids.begin() + static_cast<long>(i + 20));
    const HttpReply reply = Post("/v1/batch", TrackBatchJson(part, "user-", 9));
    ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
  }
  ASSERT_TRUE(WaitForMetric("streamhook_records_delivered_total", good, 60));
  ASSERT_TRUE(WaitForState(failing, "error", std::chrono::seconds(30)));
  const auto [state, error] = HookState(failing);
  std::printf("[e2e] failing hook: state %s, error \"%s\"\n", state.c_str(), error.c_str());
  EXPECT_NE(error.find("bp-missing"), std::string::npos) << error;
  EXPECT_EQ(server().Metric("streamhook_hook_error", failing), 1);
  EXPECT_EQ(HookState(good).first, "delivering");
  EXPECT_EQ(server().Metric("streamhook_records_delivered_total", failing).value_or(-1), 0);
  EXPECT_GE(server().Metric("streamhook_hook_lag_records", failing).value_or(0), 60);  // the cursor holds

  // Fix the cause: the hook finds the stream by itself and sends the backlog.
  const auto fixed_at = Clock::now();
  ASSERT_TRUE(emulator().CreateStream("bp-missing", 1));
  ASSERT_TRUE(WaitForMetric("streamhook_records_delivered_total", failing, 60, std::chrono::seconds(90)));
  std::printf("[e2e] failing hook recovered %.1f s after its stream was created\n",
              std::chrono::duration<double>(Clock::now() - fixed_at).count());
  ASSERT_TRUE(WaitForState(failing, "delivering", std::chrono::seconds(10)));
  EXPECT_EQ(server().Metric("streamhook_hook_error", failing), 0);
  for (const std::string stream : {"bp-good", "bp-missing"}) {
    const std::map<std::string, int> counts = CountMessageIds(ReadStream(stream));
    for (const std::string& id : ids) EXPECT_EQ(counts.count(id), 1u) << stream << " " << id;
  }
}

TEST_F(BackpressureTest, AFullSpoolAnswers503AndLosesNothingAcknowledged) {
  const testing::TempDir config_dir;
  const auto config = config_dir.path() / "serve.json";
  std::ofstream(config) << R"({"spool": {"maxBytes": 1048576, "segmentBytes": 131072}})";
  ASSERT_TRUE(StartAll({}, {"--config", config.string()}));
  const std::string hook = CreateHook(R"({"name":"held","streamName":"bp-later","triggers":["TRACK"]})");
  ASSERT_FALSE(hook.empty());
  ASSERT_TRUE(WaitForHookActive(hook, true));

  std::vector<std::string> acknowledged;
  int refused = 0;
  std::string retry_after;
  for (int batch = 0; batch < 400 && refused == 0; ++batch) {
    const std::vector<std::string> ids = NumberedIds("full-" + std::to_string(batch) + "-", 50);
    const HttpReply reply = Post("/v1/batch", TrackBatchJson(ids, "user-", 13));
    if (reply.status == 200) {
      acknowledged.insert(acknowledged.end(), ids.begin(), ids.end());
    } else {
      ASSERT_EQ(reply.status, 503) << reply.body;
      retry_after = reply.Header("retry-after");
      ++refused;
    }
  }
  std::printf("[e2e] spool of 1 MiB full after %zu acknowledged events; 503 with Retry-After: %s\n",
              acknowledged.size(), retry_after.c_str());
  ASSERT_EQ(refused, 1) << "the spool never filled";
  EXPECT_FALSE(retry_after.empty());
  EXPECT_TRUE(server().Get("/healthz").status == 200);  // the server keeps serving

  ASSERT_TRUE(emulator().CreateStream("bp-later", 2));
  ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(120)));
  const HttpReply again = Post("/v1/batch", TrackBatchJson(NumberedIds("after-full-", 5), "user-", 3));
  EXPECT_EQ(again.status, 200) << again.body;
  ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(60)));
  const std::map<std::string, int> counts = CountMessageIds(ReadStream("bp-later"));
  size_t missing = 0;
  for (const std::string& id : acknowledged) missing += counts.count(id) == 0 ? 1 : 0;
  std::printf("[e2e] after the stream appeared: %zu of %zu acknowledged events on it, %zu missing\n",
              acknowledged.size() - missing, acknowledged.size(), missing);
  EXPECT_EQ(missing, 0u);
}

}  // namespace
}  // namespace streamhook::e2e
