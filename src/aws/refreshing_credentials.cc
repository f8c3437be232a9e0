#include "aws/refreshing_credentials.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "common/time_format.h"

namespace streamhook::aws {
namespace {

using Clock = std::chrono::system_clock;  // expirations are wall-clock times
using std::chrono::milliseconds;

constexpr Clock::time_point kNever = Clock::time_point::max();
// The background thread wakes at least this often, so a jump of the wall clock is noticed.
constexpr auto kMaxSleep = std::chrono::seconds(10);

int64_t EpochMillis(Clock::time_point time) {
  return std::chrono::duration_cast<milliseconds>(time.time_since_epoch()).count();
}

class RefreshingCredentialsProvider final : public CredentialsProvider {
 public:
  RefreshingCredentialsProvider(std::unique_ptr<CredentialsSource> source, RefreshOptions options)
      : source_(std::move(source)), options_(options), background_(options.background) {}

  ~RefreshingCredentialsProvider() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  Result<Credentials> Get() override {
    std::unique_lock lock(mutex_);
    const uint64_t fetches_before = fetches_done_;
    for (;;) {
      const Clock::time_point now = Clock::now();
      const bool usable = cached_ && now < usable_until_;
      // Background mode, or someone is already refreshing: the cached credentials will do.
      if (usable && (background_ || now < refresh_at_ || fetching_)) return *cached_;
      if (!usable && last_error_ && std::chrono::steady_clock::now() < error_until_) return *last_error_;
      if (fetching_) {
        changed_.wait(lock, [&] { return !fetching_; });
        if (fetches_done_ != fetches_before) {  // a fetch finished while we waited: its outcome is ours
          if (cached_ && Clock::now() < usable_until_) return *cached_;
          if (last_error_) return *last_error_;
        }
        continue;
      }
      Result<Credentials> fetched = FetchLocked(lock);
      if (!fetched.ok() && cached_ && Clock::now() < usable_until_) return *cached_;
      return fetched;
    }
  }

  void Invalidate() override {
    {
      std::lock_guard lock(mutex_);
      cached_.reset();
      last_error_.reset();
      refresh_at_ = kNever;
      retry_delay_ = milliseconds(0);
    }
    changed_.notify_all();
    source_->Invalidate();
  }

  std::string Describe() const override { return source_->Describe(); }

 private:
  // Runs one fetch with mutex_ released and stores its outcome. The caller holds `lock` and has
  // checked that no fetch is running.
  Result<Credentials> FetchLocked(std::unique_lock<std::mutex>& lock) {
    fetching_ = true;
    lock.unlock();
    Result<Credentials> fetched = source_->Fetch();
    const Clock::time_point now = Clock::now();
    if (fetched.ok() && fetched->expiration && *fetched->expiration <= now) {
      fetched = Status::Unavailable(source_->Describe() + " returned credentials that expired at " +
                                    FormatIso8601Millis(EpochMillis(*fetched->expiration)) +
                                    " (is this machine's clock right?)");
    }
    lock.lock();
    fetching_ = false;
    ++fetches_done_;
    if (fetched.ok()) {
      Store(*fetched, now);
    } else {
      const bool still_usable = cached_ && now < usable_until_;
      if (!still_usable) {
        cached_.reset();
        last_error_ = fetched.status();
        const milliseconds hold = fetched.status().code() == Status::Code::kNotFound ? options_.not_found_hold
                                                                                     : options_.error_hold;
        error_until_ = std::chrono::steady_clock::now() + hold;
        refresh_at_ = kNever;  // nothing to keep fresh; the next Get() fetches
      } else {
        retry_delay_ =
            retry_delay_.count() == 0 ? options_.min_retry : std::min(retry_delay_ * 2, options_.max_retry);
        refresh_at_ = now + retry_delay_;
      }
    }
    changed_.notify_all();
    return fetched;
  }

  // Caches fresh credentials and plans their refresh. Holds mutex_.
  void Store(const Credentials& credentials, Clock::time_point now) {
    cached_ = credentials;
    last_error_.reset();
    retry_delay_ = milliseconds(0);
    if (!credentials.expiration) {  // long-term keys: kept until invalidated
      usable_until_ = refresh_at_ = kNever;
      return;
    }
    const Clock::time_point expiration = *credentials.expiration;
    const auto lifetime = std::chrono::duration_cast<milliseconds>(expiration - now);
    usable_until_ = expiration - std::min(options_.expiry_margin, lifetime / 10);
    refresh_at_ = expiration - std::min(options_.refresh_ahead, lifetime / 2);
    if (background_ && !thread_.joinable()) {
      try {
        thread_ = std::thread([this] { Run(); });
      } catch (const std::system_error&) {
        background_ = false;  // out of threads: refresh on the calling thread instead
      }
    }
  }

  // The background thread: refreshes when refresh_at_ comes, unless a Get() is fetching already.
  void Run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      const Clock::time_point now = Clock::now();
      if (!cached_ || refresh_at_ == kNever || fetching_) {
        changed_.wait_for(lock, kMaxSleep);
      } else if (now < refresh_at_) {
        changed_.wait_for(lock, std::min<Clock::duration>(refresh_at_ - now, kMaxSleep));
      } else {
        FetchLocked(lock);
      }
    }
  }

  const std::unique_ptr<CredentialsSource> source_;
  const RefreshOptions options_;
  std::mutex mutex_;
  bool background_;                  // false also when no thread could be started
  std::condition_variable changed_;  // a fetch ended, the cache was dropped, or we are stopping
  std::optional<Credentials> cached_;
  Clock::time_point usable_until_{};
  Clock::time_point refresh_at_ = kNever;
  milliseconds retry_delay_{0};
  std::optional<Status> last_error_;  // of the last fetch, while nothing usable is cached
  std::chrono::steady_clock::time_point error_until_{};
  bool fetching_ = false;
  uint64_t fetches_done_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace

std::unique_ptr<CredentialsProvider> MakeRefreshingCredentialsProvider(
    std::unique_ptr<CredentialsSource> source, RefreshOptions options) {
  return std::make_unique<RefreshingCredentialsProvider>(std::move(source), options);
}

}  // namespace streamhook::aws
