// Done-when 4: kill -9 the server while a client posts batches; after a restart on the same data
// directory every event that got a 200 reaches the stream (at least once), twice in a row.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "e2e/event_json.h"
#include "e2e/serve_fixture.h"

namespace streamhook::e2e {
namespace {

using Clock = std::chrono::steady_clock;

// Posts /v1/batch requests of 100 events in a loop on its own thread (one keep-alive connection,
// reopened after errors) and remembers the messageIds of every request answered 200.
class BatchSender {
 public:
  BatchSender(int port, std::string write_key, std::string id_prefix)
      : port_(port), write_key_(std::move(write_key)), id_prefix_(std::move(id_prefix)) {}
  ~BatchSender() { Stop(); }

  void Start() {
    thread_ = std::thread([this] { Loop(); });
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  size_t acknowledged_batches() const { return acknowledged_batches_; }
  size_t failed_requests() const { return failed_requests_; }
  std::vector<std::string> acknowledged_ids() {
    std::lock_guard lock(mutex_);
    return acknowledged_ids_;
  }
  // Blocks until `batches` requests in all were acknowledged; false after `timeout`.
  bool WaitForAcknowledged(size_t batches, std::chrono::seconds timeout) const {
    const auto deadline = Clock::now() + timeout;
    while (acknowledged_batches_ < batches) {
      if (Clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
  }

 private:
  void Loop() {
    HttpClient client(port_, std::chrono::seconds(20));
    const HeaderList auth = {{"Authorization", BasicAuth(write_key_)}};
    for (int batch = 0; !stop_; ++batch) {
      const std::vector<std::string> ids = NumberedIds(id_prefix_ + std::to_string(batch) + "-", 100);
      const HttpReply reply = client.Call("POST", "/v1/batch", TrackBatchJson(ids, "user-", 200), auth);
      if (reply.status == 200) {
        std::lock_guard lock(mutex_);
        acknowledged_ids_.insert(acknowledged_ids_.end(), ids.begin(), ids.end());
        ++acknowledged_batches_;
        // Paced a little, so delivery keeps up roughly and the kill meets records in every state.
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      } else {
        // Refused (the server is down, or 503 while it starts): these events were not acknowledged.
        ++failed_requests_;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  }

  const int port_;
  const std::string write_key_;
  const std::string id_prefix_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> acknowledged_batches_{0};
  std::atomic<size_t> failed_requests_{0};
  std::mutex mutex_;
  std::vector<std::string> acknowledged_ids_;
};

class RestartTest : public ServeTest {};

TEST_F(RestartTest, EveryAcknowledgedEventIsDeliveredAfterKill9) {
  ASSERT_TRUE(StartAll({{"restart-events", 2}}));
  const std::string hook = CreateHook(
      R"({"name":"all","streamName":"restart-events","triggers":["TRACK"],"batch":{"maxRecords":500,"lingerMs":20}})");
  ASSERT_FALSE(hook.empty());
  ASSERT_TRUE(WaitForHookActive(hook, true));

  std::vector<std::string> acknowledged;
  for (int round = 1; round <= 2; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const double delivered_at_start = server().Metric("streamhook_records_delivered_total", hook).value_or(0);
    BatchSender sender(server().port(), write_key(), "r" + std::to_string(round) + "-b");
    sender.Start();
    ASSERT_TRUE(sender.WaitForAcknowledged(15, std::chrono::seconds(60)))
        << "the server acknowledged too little";
    // Kill it while it delivers too, so that some records are sent but their cursor not yet committed.
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (server().Metric("streamhook_records_delivered_total", hook).value_or(0) <
               delivered_at_start + 500 &&
           Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    // Where delivery stood at the kill: records delivered, and the committed cursor's lag.
    const double delivered = server().Metric("streamhook_records_delivered_total", hook).value_or(-1);
    const double lag = server().Metric("streamhook_hook_lag_records", hook).value_or(-1);
    const size_t before_kill = sender.acknowledged_batches();
    const auto killed_at = Clock::now();
    server().Kill9();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the sender meets a dead server
    ASSERT_TRUE(server().Restart());
    const double restart_seconds = std::chrono::duration<double>(Clock::now() - killed_at).count();
    ASSERT_TRUE(sender.WaitForAcknowledged(sender.acknowledged_batches() + 10, std::chrono::seconds(60)))
        << "the restarted server does not acknowledge";
    sender.Stop();
    const std::vector<std::string> ids = sender.acknowledged_ids();
    acknowledged.insert(acknowledged.end(), ids.begin(), ids.end());

    const auto waiting = Clock::now();
    ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(120)));
    const double catch_up_seconds = std::chrono::duration<double>(Clock::now() - waiting).count();
    const std::map<std::string, int> counts = CountMessageIds(ReadStream("restart-events"));
    // Every event acknowledged so far must be there (round 1's after round 2's restart, too);
    // duplicates are counted for this round's events.
    size_t missing = 0, duplicates = 0;
    for (const std::string& id : acknowledged) {
      if (counts.count(id) == 0 && ++missing <= 10)
        ADD_FAILURE() << "acknowledged event " << id << " is missing";
    }
    for (const std::string& id : ids) {
      const auto it = counts.find(id);
      if (it != counts.end()) duplicates += it->second - 1;
    }
    size_t records = 0;
    for (const auto& [id, n] : counts) records += n;
    std::printf(
        "[e2e] round %d: %zu batches acknowledged before the kill, %zu after; %zu requests failed; "
        "restart took %.2f s, delivery caught up in %.2f s\n",
        round, before_kill, sender.acknowledged_batches() - before_kill, sender.failed_requests(),
        restart_seconds, catch_up_seconds);
    std::printf("[e2e] round %d: at the kill %.0f records were delivered; the committed cursor lagged %.0f\n",
                round, delivered, lag);
    std::printf("[e2e] round %d: %zu duplicates of %zu acknowledged events\n", round, duplicates, ids.size());
    std::printf("[e2e] after round %d: %zu records on the stream for %zu acknowledged events, %zu missing\n",
                round, records, acknowledged.size(), missing);
    EXPECT_EQ(missing, 0u);
  }
}

// Events that arrived while a hook was disabled are never its records, also when the server
// restarts before the hook's cursor passed them (here: an earlier record waits for a stream that
// does not exist yet, so the cursor cannot move).
TEST_F(RestartTest, EventsNotRoutedWhileDisabledStayNotRoutedAfterRestart) {
  ASSERT_TRUE(StartAll({}));
  const std::string hook = CreateHook(R"({"name":"late","streamName":"late-stream","triggers":["TRACK"]})");
  ASSERT_FALSE(hook.empty());
  ASSERT_TRUE(WaitForHookActive(hook, true));
  const std::vector<std::string> first = NumberedIds("first-", 5);
  HttpReply reply = Post("/v1/batch", TrackBatchJson(first, "user-", 5));
  ASSERT_EQ(reply.status, 200) << reply.error << reply.body;

  reply = server().Admin("PATCH", "/admin/v1/hooks/" + hook, R"({"enabled":false})");
  ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
  const std::vector<std::string> while_disabled = NumberedIds("disabled-", 20);
  reply = Post("/v1/batch", TrackBatchJson(while_disabled, "user-", 5));
  ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
  ASSERT_TRUE(WaitForMetric("streamhook_events_not_routed_total", hook, 20));
  reply = server().Admin("PATCH", "/admin/v1/hooks/" + hook, R"({"enabled":true})");
  ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
  const std::vector<std::string> after = NumberedIds("after-", 5);
  reply = Post("/v1/batch", TrackBatchJson(after, "user-", 5));
  ASSERT_EQ(reply.status, 200) << reply.error << reply.body;

  ASSERT_TRUE(server().Restart());
  ASSERT_TRUE(emulator().CreateStream("late-stream", 1));
  ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(90)));
  const std::map<std::string, int> counts = CountMessageIds(ReadStream("late-stream"));
  size_t delivered_while_disabled = 0;
  for (const std::string& id : while_disabled) delivered_while_disabled += counts.count(id);
  for (const auto& group : {first, after}) {
    for (const std::string& id : group) EXPECT_EQ(counts.count(id), 1u) << id;
  }
  std::printf("[e2e] %zu of %zu events sent while the hook was disabled were delivered after a restart\n",
              delivered_while_disabled, while_disabled.size());
  EXPECT_EQ(delivered_while_disabled, 0u);
}

}  // namespace
}  // namespace streamhook::e2e
