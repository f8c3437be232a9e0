// HookProducer against the fault-injecting Kinesis stand-in: throttling, 500s, resets, stream
// errors and oversize records; nothing lost, per-key order kept, only failed records retried.
#include "producer/hook_producer.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <map>
#include <set>
#include <thread>

#include "support/kinesis_standin.h"

namespace streamhook::producer {
namespace {

namespace asio = boost::asio;

class ProducerHarness {
 public:
  explicit ProducerHarness(const std::string& endpoint, config::BatchSettings batch = {})
      : strand_(asio::make_strand(io_.get_executor())), work_(io_.get_executor()) {
    aws::KinesisClientOptions options;
    options.region = "us-east-1";
    options.endpoint_url = endpoint;
    options.http.request_timeout = std::chrono::milliseconds(2000);
    auto client = aws::KinesisClient::Create(
        io_.get_executor(), options, aws::MakeStaticCredentialsProvider({"AKIDEXAMPLE", "secret", "", std::nullopt}));
    client_ = std::move(*client);
    auto dead_letters = DeadLetterStore::Open(dir_.path() / "deadletter");
    dead_letters_ = std::move(*dead_letters);
    HookProducerOptions producer_options;
    producer_options.hook_id = "hook1";
    producer_options.stream = "events";
    producer_options.batch = batch;
    producer_options.retry_backoff = {std::chrono::milliseconds(5), std::chrono::milliseconds(50)};
    producer_options.stream_error_backoff = {std::chrono::milliseconds(20), std::chrono::milliseconds(100)};
    producer_ = std::make_unique<HookProducer>(
        strand_, producer_options, [this] { return client_; }, dead_letters_.get(),
        [this](spool::Lsn lsn) {
          std::lock_guard lock(mutex_);
          ++done_[lsn];
        },
        &metrics_);
    thread_ = std::thread([this] { io_.run(); });
  }

  ~ProducerHarness() {
    OnStrand([this] { producer_.reset(); });
    work_.reset();
    io_.stop();
    thread_.join();
  }

  void OnStrand(std::function<void()> fn) {
    std::promise<void> finished;
    asio::post(strand_, [&] {
      fn();
      finished.set_value();
    });
    finished.get_future().wait();
  }

  // Adds `count` records for `keys` keys; record i has key "user-<i % keys>" and data {"k":..,"n":i}.
  void AddRecords(int first, int count, int keys, size_t padding = 0) {
    OnStrand([&] {
      for (int i = first; i < first + count; ++i) {
        OutgoingRecord r;
        r.lsn = static_cast<spool::Lsn>(i + 1);
        r.partition_key = "user-" + std::to_string(i % keys);
        r.data = "{\"k\":\"" + r.partition_key + "\",\"n\":" + std::to_string(i) + ",\"pad\":\"" +
                 std::string(padding, 'x') + "\"}";
        r.message_id = "m" + std::to_string(i);
        producer_->Add(std::move(r));
      }
    });
  }

  // Waits until every LSN in [1, n] is done, or the timeout.
  bool WaitDone(size_t n, std::chrono::seconds timeout = std::chrono::seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        std::lock_guard lock(mutex_);
        if (done_.size() >= n) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  std::map<spool::Lsn, int> done() {
    std::lock_guard lock(mutex_);
    return done_;
  }
  ProducerMetrics& metrics() { return metrics_; }
  HookProducer& producer() { return *producer_; }
  DeadLetterStore& dead_letters() { return *dead_letters_; }

 private:
  testing::TempDir dir_;
  asio::io_context io_;
  HookProducer::Strand strand_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::shared_ptr<aws::KinesisClient> client_;
  std::unique_ptr<DeadLetterStore> dead_letters_;
  ProducerMetrics metrics_;
  std::unique_ptr<HookProducer> producer_;
  std::thread thread_;
  std::mutex mutex_;
  std::map<spool::Lsn, int> done_;
};

struct StreamCheck {
  size_t distinct = 0;
  size_t duplicates = 0;
  bool order_kept = true;
  std::string problem;
};

// Every n in [0, count) must be on the stream; per key, first occurrences must come in n order.
StreamCheck CheckStream(const std::vector<testing::StandinRecord>& records, int count) {
  StreamCheck check;
  std::set<int> seen;
  std::map<std::string, int> last_per_key;
  for (const auto& r : records) {
    const auto n_pos = r.data.find("\"n\":");
    const int n = std::stoi(r.data.substr(n_pos + 4));
    if (!seen.insert(n).second) {
      ++check.duplicates;
      continue;
    }
    auto [it, first] = last_per_key.try_emplace(r.partition_key, n);
    if (!first) {
      if (it->second > n) {
        check.order_kept = false;
        check.problem = r.partition_key + ": " + std::to_string(n) + " after " + std::to_string(it->second);
      }
      it->second = n;
    }
  }
  check.distinct = seen.size();
  if (seen.size() != static_cast<size_t>(count)) check.problem += " missing records";
  return check;
}

TEST(HookProducer, RetriesOnlyThrottledRecordsAndKeepsPerKeyOrder) {
  testing::KinesisStandin standin(4);
  ASSERT_TRUE(standin.ok());
  ASSERT_TRUE(standin.Control(R"({"throttleShare":0.3})"));
  ProducerHarness harness(standin.endpoint(), {100, 5 << 20, 5});
  harness.AddRecords(0, 3000, 50);
  ASSERT_TRUE(harness.WaitDone(3000));
  for (const auto& [lsn, times] : harness.done()) EXPECT_EQ(times, 1) << "lsn " << lsn << " reported done twice";
  const auto check = CheckStream(standin.Records("events"), 3000);
  EXPECT_EQ(check.distinct, 3000u);
  EXPECT_EQ(check.duplicates, 0u) << "accepted records were sent again";
  EXPECT_TRUE(check.order_kept) << check.problem;
  auto stats = standin.Stats();
  std::printf("throttled %lld of %lld records sent; retried %llu; delivered %llu, 0 duplicates\n",
              static_cast<long long>(stats["recordsThrottled"]), static_cast<long long>(stats["recordsReceived"]),
              static_cast<unsigned long long>(harness.metrics().records_retried.load()),
              static_cast<unsigned long long>(harness.metrics().records_delivered.load()));
  EXPECT_GT(harness.metrics().records_failed.load(), 0u);
  EXPECT_EQ(harness.metrics().records_retried.load(), harness.metrics().records_failed.load());
  EXPECT_EQ(harness.metrics().records_delivered.load(), 3000u);
}

TEST(HookProducer, SurvivesServerErrorsAndResetsWithoutLossOrReordering) {
  testing::KinesisStandin standin(4);
  ASSERT_TRUE(standin.ok());
  ASSERT_TRUE(standin.Control(R"({"http500Share":0.1,"resetShare":0.1,"throttleShare":0.1,"delayMs":2})"));
  ProducerHarness harness(standin.endpoint(), {50, 5 << 20, 5});
  harness.AddRecords(0, 2000, 40);
  ASSERT_TRUE(harness.WaitDone(2000));
  const auto check = CheckStream(standin.Records("events"), 2000);
  EXPECT_EQ(check.distinct, 2000u);
  EXPECT_TRUE(check.order_kept) << check.problem;
  auto stats = standin.Stats();
  std::printf("500s %lld, resets %lld (%lld after storing), throttled %lld; delivered 2000 distinct, %zu duplicates\n",
              static_cast<long long>(stats["http500s"]), static_cast<long long>(stats["resets"]),
              static_cast<long long>(stats["resetsAfterStore"]), static_cast<long long>(stats["recordsThrottled"]),
              check.duplicates);
  // Duplicates only where a response was lost after the records were stored.
  EXPECT_LE(check.duplicates, static_cast<size_t>(stats["resetsAfterStore"]) * 50);
  if (stats["resetsAfterStore"] == 0) {
    EXPECT_EQ(check.duplicates, 0u);
  }
}

TEST(HookProducer, OversizeRecordsGoToTheDeadLettersWithTheReason) {
  testing::KinesisStandin standin(2);
  ASSERT_TRUE(standin.ok());
  ProducerHarness harness(standin.endpoint(), {500, 5 << 20, 5});
  harness.AddRecords(0, 5, 5);
  harness.AddRecords(5, 1, 5, (1 << 20) + 10);  // over 1 MiB
  harness.AddRecords(6, 4, 5);
  ASSERT_TRUE(harness.WaitDone(10));
  EXPECT_EQ(harness.metrics().records_dead_lettered.load(), 1u);
  EXPECT_EQ(standin.Records("events").size(), 9u);
  auto lines = harness.dead_letters().ReadLines("hook1");
  ASSERT_TRUE(lines.ok());
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_NE((*lines)[0].find("\"lsn\":6"), std::string::npos);
  EXPECT_NE((*lines)[0].find("the stream allows at most"), std::string::npos) << (*lines)[0];
}

TEST(HookProducer, StreamErrorsHoldRecordsUntilFixed) {
  testing::KinesisStandin standin(2);
  ASSERT_TRUE(standin.ok());
  ASSERT_TRUE(standin.Control(R"({"streamError":"ResourceNotFoundException"})"));
  ProducerHarness harness(standin.endpoint(), {100, 5 << 20, 5});
  harness.AddRecords(0, 200, 7);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(harness.done().empty()) << "nothing may be reported done while the stream is missing";
  EXPECT_NE(harness.metrics().error().find("ResourceNotFoundException"), std::string::npos);
  ASSERT_TRUE(standin.Control(R"({"streamError":null})"));
  ASSERT_TRUE(harness.WaitDone(200));
  EXPECT_EQ(harness.metrics().error(), "");
  EXPECT_EQ(CheckStream(standin.Records("events"), 200).distinct, 200u);
}

TEST(HookProducer, PausedProducerSendsNothingUntilResumed) {
  testing::KinesisStandin standin(2);
  ASSERT_TRUE(standin.ok());
  ProducerHarness harness(standin.endpoint(), {100, 5 << 20, 5});
  harness.OnStrand([&] { harness.producer().SetPaused(true); });
  harness.AddRecords(0, 300, 9);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(standin.Records("events").size(), 0u);
  harness.OnStrand([&] { harness.producer().SetPaused(false); });
  ASSERT_TRUE(harness.WaitDone(300));
  const auto check = CheckStream(standin.Records("events"), 300);
  EXPECT_EQ(check.distinct, 300u);
  EXPECT_TRUE(check.order_kept) << check.problem;
}

}  // namespace
}  // namespace streamhook::producer
