// LoadSender: the client side of a drill. Posts /v1/batch requests in a loop on its own thread (one
// keep-alive connection, reopened after errors) and remembers, in order, the messageIds of every
// request answered 200: those are the events the server promised not to lose.
//
// Requests are sent one after another, so the acknowledged order is the order the events entered
// the spool, and one user's events are in that order too (the drills check it per partition key).
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace streamhook::drills {

struct LoadOptions {
  std::string id_prefix = "b";  // messageIds are "<prefix><batch>-<i>"
  int batch_size = 100;
  int users = 200;                      // event i of a batch belongs to user "user-<i % users>"
  std::chrono::milliseconds pause{20};  // after an acknowledged request, so delivery roughly keeps up
  std::chrono::milliseconds pause_after_refusal{50};
};

class LoadSender {
 public:
  LoadSender(int port, std::string write_key, LoadOptions options);
  ~LoadSender() { Stop(); }
  LoadSender(const LoadSender&) = delete;
  LoadSender& operator=(const LoadSender&) = delete;

  void Start();
  void Stop();

  size_t acknowledged_batches() const { return acknowledged_batches_; }
  size_t refused_requests() const { return refused_requests_; }
  std::vector<std::string> acknowledged_ids() const;
  // Refused requests by HTTP status (0: no answer at all, e.g. connection refused or reset).
  std::map<int, size_t> refusals() const;
  // The body of the last refusal with this status ("" when none).
  std::string last_refusal_body(int status) const;
  // Blocks until `batches` requests in all were acknowledged; false after `timeout`.
  bool WaitForAcknowledged(size_t batches, std::chrono::milliseconds timeout) const;
  // Blocks until `requests` requests in all were refused; false after `timeout`.
  bool WaitForRefused(size_t requests, std::chrono::milliseconds timeout) const;

 private:
  void Loop();

  const int port_;
  const std::string write_key_;
  const LoadOptions options_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> acknowledged_batches_{0};
  std::atomic<size_t> refused_requests_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> acknowledged_ids_;
  std::map<int, size_t> refusals_;
  std::map<int, std::string> refusal_bodies_;
};

}  // namespace streamhook::drills
