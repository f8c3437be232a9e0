#include "drills/load_sender.h"

#include "e2e/event_json.h"
#include "e2e/http_client.h"

namespace streamhook::drills {

using Clock = std::chrono::steady_clock;

LoadSender::LoadSender(int port, std::string write_key, LoadOptions options)
    : port_(port), write_key_(std::move(write_key)), options_(std::move(options)) {}

void LoadSender::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void LoadSender::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> LoadSender::acknowledged_ids() const {
  std::lock_guard lock(mutex_);
  return acknowledged_ids_;
}

std::map<int, size_t> LoadSender::refusals() const {
  std::lock_guard lock(mutex_);
  return refusals_;
}

std::string LoadSender::last_refusal_body(int status) const {
  std::lock_guard lock(mutex_);
  const auto it = refusal_bodies_.find(status);
  return it == refusal_bodies_.end() ? "" : it->second;
}

bool LoadSender::WaitForAcknowledged(size_t batches, std::chrono::milliseconds timeout) const {
  const auto deadline = Clock::now() + timeout;
  while (acknowledged_batches_ < batches) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

bool LoadSender::WaitForRefused(size_t requests, std::chrono::milliseconds timeout) const {
  const auto deadline = Clock::now() + timeout;
  while (refused_requests_ < requests) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

void LoadSender::Loop() {
  // A generous deadline: a server busy fsyncing on a loaded machine is slow, not gone.
  e2e::HttpClient client(port_, std::chrono::seconds(20));
  const e2e::HeaderList auth = {{"Authorization", e2e::BasicAuth(write_key_)}};
  for (int batch = 0; !stop_; ++batch) {
    const std::vector<std::string> ids =
        e2e::NumberedIds(options_.id_prefix + std::to_string(batch) + "-", options_.batch_size);
    const e2e::HttpReply reply =
        client.Call("POST", "/v1/batch", e2e::TrackBatchJson(ids, "user-", options_.users), auth);
    if (reply.status == 200) {
      {
        std::lock_guard lock(mutex_);
        acknowledged_ids_.insert(acknowledged_ids_.end(), ids.begin(), ids.end());
      }
      ++acknowledged_batches_;
      std::this_thread::sleep_for(options_.pause);
    } else {
      // Not acknowledged: the events may or may not be stored, and are never sent again.
      {
        std::lock_guard lock(mutex_);
        ++refusals_[reply.status];
        refusal_bodies_[reply.status] = reply.status == 0 ? reply.error : reply.body;
      }
      ++refused_requests_;
      std::this_thread::sleep_for(options_.pause_after_refusal);
    }
  }
}

}  // namespace streamhook::drills
