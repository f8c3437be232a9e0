// Caching and refreshing of temporary credentials (STS, EC2 instance metadata).
//
// A CredentialsSource makes the slow network call; MakeRefreshingCredentialsProvider wraps it in a
// CredentialsProvider that caches the answer, refreshes it ahead of its expiration on a background
// thread (so Get() on the hot path returns the cached credentials without blocking once they are
// loaded), runs one fetch at a time however many threads call Get(), and keeps using credentials
// that are still valid when a refresh fails, retrying with exponential backoff.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "aws/credentials.h"

namespace streamhook::aws {

// Where temporary credentials come from. Fetch() is called by one thread at a time.
class CredentialsSource {
 public:
  virtual ~CredentialsSource() = default;
  // New credentials, usually with an expiration, or why not (codes as for CredentialsProvider::Get:
  // NotFound only when the source is not configured or not present). May block on the network.
  virtual Result<Credentials> Fetch() = 0;
  // The cached credentials were rejected: drop what the source caches itself (e.g. source keys).
  virtual void Invalidate() {}
  virtual std::string Describe() const = 0;
};

struct RefreshOptions {
  // Refresh this long before the expiration, or half-way through the lifetime when that comes
  // first (a 15-minute session is refreshed after 10 minutes, a 20-second one after 10 seconds).
  std::chrono::milliseconds refresh_ahead = std::chrono::minutes(5);
  // Credentials count as expired this long before their expiration (or a tenth of their
  // lifetime, when shorter), so that a signed request still arrives in time.
  std::chrono::milliseconds expiry_margin = std::chrono::seconds(30);
  // Backoff between failed background refreshes: doubles from min_retry up to max_retry.
  std::chrono::milliseconds min_retry = std::chrono::seconds(1);
  std::chrono::milliseconds max_retry = std::chrono::minutes(1);
  // After a failed fetch with nothing usable cached, Get() answers with that error for this long
  // instead of fetching again (so a broken source is not hammered by every request), and for
  // not_found_hold when the source is absent (NotFound, e.g. not running on EC2).
  std::chrono::milliseconds error_hold = std::chrono::seconds(1);
  std::chrono::milliseconds not_found_hold = std::chrono::minutes(1);
  // Refresh on a background thread (started after the first success). When false, the Get() that
  // finds the credentials due for refresh fetches while other callers keep the cached ones.
  bool background = true;
};

// The provider: Get() returns cached credentials while they are usable; with none (first call,
// after Invalidate() or once they expired) it fetches, one fetch for all concurrent callers, who
// all get its outcome. Invalidate() drops the cache (and tells the source) so the next Get()
// fetches. Describe() is the source's. Destruction waits for a background fetch in progress.
std::unique_ptr<CredentialsProvider> MakeRefreshingCredentialsProvider(
    std::unique_ptr<CredentialsSource> source, RefreshOptions options = {});

}  // namespace streamhook::aws
