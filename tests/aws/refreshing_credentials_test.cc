// The caching and refreshing provider, driven by a scripted source whose timing and failures the
// test controls (the STS and IMDS integration tests run the same logic against a server).
#include "aws/refreshing_credentials.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace streamhook::aws {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

// What the scripted source does, shared with the test.
struct Script {
  std::mutex mutex;
  std::chrono::milliseconds lifetime = 1h;
  std::chrono::milliseconds delay = 0ms;  // each fetch takes this long
  bool expires = true;
  int fail_next = 0;
  Status failure = Status::Unavailable("injected failure");
  int fetches = 0;  // attempts, failed ones included
  int invalidations = 0;
  std::vector<std::chrono::steady_clock::time_point> fetch_times;
  std::atomic<int> running{0}, max_running{0};
};

class ScriptedSource final : public CredentialsSource {
 public:
  explicit ScriptedSource(std::shared_ptr<Script> script) : script_(std::move(script)) {}

  Result<Credentials> Fetch() override {
    const int running = ++script_->running;
    for (int seen = script_->max_running.load();
         running > seen && !script_->max_running.compare_exchange_weak(seen, running);) {
    }
    std::chrono::milliseconds delay, lifetime;
    int number;
    bool fail, expires;
    Status failure;
    {
      std::lock_guard lock(script_->mutex);
      number = ++script_->fetches;
      script_->fetch_times.push_back(std::chrono::steady_clock::now());
      delay = script_->delay;
      lifetime = script_->lifetime;
      expires = script_->expires;
      fail = script_->fail_next > 0;
      if (fail) --script_->fail_next;
      failure = script_->failure;
    }
    std::this_thread::sleep_for(delay);
    --script_->running;
    if (fail) return failure;
    Credentials credentials{"ASIAFETCH" + std::to_string(1000000000 + number),
                            "secret-" + std::to_string(number), "token-" + std::to_string(number),
                            std::nullopt};
    if (expires) credentials.expiration = Clock::now() + lifetime;
    return credentials;
  }

  void Invalidate() override {
    std::lock_guard lock(script_->mutex);
    ++script_->invalidations;
  }

  std::string Describe() const override { return "scripted source"; }

 private:
  std::shared_ptr<Script> script_;
};

class RefreshingCredentialsTest : public ::testing::Test {
 protected:
  template <typename F>
  static RefreshOptions Options(F edit) {
    RefreshOptions options;
    edit(options);
    return options;
  }
  std::unique_ptr<CredentialsProvider> Make(RefreshOptions options = {}) {
    return MakeRefreshingCredentialsProvider(std::make_unique<ScriptedSource>(script_), options);
  }
  int Fetches() {
    std::lock_guard lock(script_->mutex);
    return script_->fetches;
  }
  template <typename F>
  void Edit(F f) {
    std::lock_guard lock(script_->mutex);
    f(*script_);
  }

  std::shared_ptr<Script> script_ = std::make_shared<Script>();
};

TEST_F(RefreshingCredentialsTest, CachesTheCredentialsUntilTheyAreDue) {
  auto provider = Make();
  auto first = provider->Get();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  for (int i = 0; i < 100; ++i) EXPECT_EQ(provider->Get()->access_key_id, first->access_key_id);
  EXPECT_EQ(Fetches(), 1);
  EXPECT_EQ(provider->Describe(), "scripted source");
}

TEST_F(RefreshingCredentialsTest, ConcurrentFirstCallsShareOneFetch) {
  Edit([](Script& s) { s.delay = 300ms; });
  auto provider = Make();
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::set<std::string> keys;
  int failures = 0;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      auto credentials = provider->Get();
      std::lock_guard lock(mutex);
      if (credentials.ok()) {
        keys.insert(credentials->access_key_id);
      } else {
        ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(keys.size(), 1u);
  EXPECT_EQ(Fetches(), 1);
  EXPECT_EQ(script_->max_running.load(), 1);
}

TEST_F(RefreshingCredentialsTest, ConcurrentCallersShareAFailedFetchToo) {
  Edit([](Script& s) {
    s.delay = 300ms;
    s.fail_next = 100;
  });
  auto provider = Make(Options([](RefreshOptions& o) { o.error_hold = 0ms; }));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] { failures += provider->Get().ok() ? 0 : 1; });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 8);
  EXPECT_LE(Fetches(), 2);  // one, or two when a thread came after the first fetch had ended
}

TEST_F(RefreshingCredentialsTest, RefreshesInTheBackgroundBeforeExpiryWithoutBlockingGet) {
  Edit([](Script& s) {
    s.lifetime = 1200ms;  // refreshed about half-way
    s.delay = 200ms;
  });
  auto provider = Make();
  ASSERT_TRUE(provider->Get().ok());
  std::set<std::string> keys;
  std::chrono::steady_clock::duration slowest{};
  const auto end = std::chrono::steady_clock::now() + 2500ms;
  while (std::chrono::steady_clock::now() < end) {
    const auto start = std::chrono::steady_clock::now();
    auto credentials = provider->Get();
    slowest = std::max(slowest, std::chrono::steady_clock::now() - start);
    ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
    ASSERT_GT(*credentials->expiration, Clock::now());
    keys.insert(credentials->access_key_id);
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_GE(keys.size(), 3u);
  // A fetch takes 200 ms: a Get() that waited for one would show it.
  EXPECT_LT(slowest, 150ms);
}

TEST_F(RefreshingCredentialsTest, AFailedRefreshKeepsValidCredentialsAndRetriesWithBackoff) {
  Edit([](Script& s) { s.lifetime = 4000ms; });  // refresh due after 2 s, usable for 3.6 s
  auto provider = Make(Options([](RefreshOptions& o) {
    o.min_retry = 100ms;
    o.max_retry = 1000ms;
  }));
  auto first = provider->Get();
  ASSERT_TRUE(first.ok());
  Edit([](Script& s) { s.fail_next = 3; });
  std::string last_key = first->access_key_id;
  int changes = 0;
  const auto end = std::chrono::steady_clock::now() + 3300ms;
  while (std::chrono::steady_clock::now() < end) {
    auto credentials = provider->Get();
    ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
    if (credentials->access_key_id != last_key) ++changes;
    last_key = credentials->access_key_id;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(changes, 1);
  EXPECT_EQ(last_key, "ASIAFETCH1000000005");  // 1 initial, 3 failed, 1 successful fetch
  std::lock_guard lock(script_->mutex);
  ASSERT_EQ(script_->fetch_times.size(), 5u);
  const auto gap = [&](size_t i) { return script_->fetch_times[i + 1] - script_->fetch_times[i]; };
  EXPECT_GE(gap(1), 90ms);
  EXPECT_GE(gap(2), 190ms);
  EXPECT_GE(gap(3), 390ms);
  EXPECT_GT(gap(2), gap(1));
  EXPECT_GT(gap(3), gap(2));
}

TEST_F(RefreshingCredentialsTest, ExpiredCredentialsAreNeverReturnedWhenRefreshKeepsFailing) {
  Edit([](Script& s) { s.lifetime = 800ms; });
  auto provider = Make(Options([](RefreshOptions& o) {
    o.min_retry = 50ms;
    o.error_hold = 0ms;
  }));
  ASSERT_TRUE(provider->Get().ok());
  Edit([](Script& s) { s.fail_next = 1000; });
  Status error;
  const auto end = std::chrono::steady_clock::now() + 2s;
  while (error.ok() && std::chrono::steady_clock::now() < end) {
    auto credentials = provider->Get();
    if (!credentials.ok()) {
      error = credentials.status();
    } else {
      ASSERT_GT(*credentials->expiration, Clock::now());
    }
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(error.code(), Status::Code::kUnavailable);
  EXPECT_EQ(error.message(), "injected failure");
}

TEST_F(RefreshingCredentialsTest, AFailedFetchIsHeldBrieflySoASourceIsNotHammered) {
  Edit([](Script& s) { s.fail_next = 1000; });
  auto provider = Make(Options([](RefreshOptions& o) { o.error_hold = 300ms; }));
  EXPECT_EQ(provider->Get().status().code(), Status::Code::kUnavailable);
  EXPECT_EQ(provider->Get().status().code(), Status::Code::kUnavailable);
  EXPECT_EQ(Fetches(), 1);
  std::this_thread::sleep_for(350ms);
  EXPECT_FALSE(provider->Get().ok());
  EXPECT_EQ(Fetches(), 2);
  provider->Invalidate();  // ends the hold
  EXPECT_FALSE(provider->Get().ok());
  EXPECT_EQ(Fetches(), 3);
}

TEST_F(RefreshingCredentialsTest, AnAbsentSourceIsHeldLonger) {
  Edit([](Script& s) {
    s.fail_next = 1000;
    s.failure = Status::NotFound("not here");
  });
  auto provider = Make(Options([](RefreshOptions& o) {
    o.error_hold = 0ms;
    o.not_found_hold = 60s;
  }));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(provider->Get().status().code(), Status::Code::kNotFound);
  EXPECT_EQ(Fetches(), 1);
}

TEST_F(RefreshingCredentialsTest, InvalidateForcesAFetchAndTellsTheSource) {
  auto provider = Make();
  auto first = provider->Get();
  ASSERT_TRUE(first.ok());
  provider->Invalidate();
  EXPECT_EQ(script_->invalidations, 1);
  auto second = provider->Get();
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->access_key_id, first->access_key_id);
  EXPECT_EQ(Fetches(), 2);
}

TEST_F(RefreshingCredentialsTest, WithoutBackgroundTheCallerThatFindsThemDueRefreshes) {
  Edit([](Script& s) { s.lifetime = 1000ms; });
  auto provider = Make(Options([](RefreshOptions& o) { o.background = false; }));
  auto first = provider->Get();
  ASSERT_TRUE(first.ok());
  std::this_thread::sleep_for(700ms);  // past half-way: due
  EXPECT_EQ(Fetches(), 1);             // nothing refreshed behind our back
  auto second = provider->Get();
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->access_key_id, first->access_key_id);
  EXPECT_EQ(Fetches(), 2);
}

TEST_F(RefreshingCredentialsTest, CredentialsWithoutExpirationAreKeptUntilInvalidated) {
  Edit([](Script& s) { s.expires = false; });
  auto provider = Make();
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(provider->Get().ok());
  EXPECT_EQ(Fetches(), 1);
}

TEST_F(RefreshingCredentialsTest, CredentialsExpiredOnArrivalAreRefused) {
  Edit([](Script& s) { s.lifetime = -1000ms; });
  auto credentials = Make()->Get();
  EXPECT_EQ(credentials.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(credentials.status().message().find("clock"), std::string::npos)
      << credentials.status().message();
  EXPECT_EQ(credentials.status().message().find("secret-1"), std::string::npos);
}

TEST_F(RefreshingCredentialsTest, DestructionStopsTheBackgroundThreadPromptly) {
  const auto start = std::chrono::steady_clock::now();
  {
    auto provider = Make();
    ASSERT_TRUE(provider->Get().ok());
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

}  // namespace
}  // namespace streamhook::aws
