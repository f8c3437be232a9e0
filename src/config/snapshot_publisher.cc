#include "config/snapshot_publisher.h"

#include <utility>

namespace streamhook::config {

SnapshotPublisher::SnapshotPublisher(std::shared_ptr<const ConfigSnapshot> initial)
    : current_(std::move(initial)) {}

void SnapshotPublisher::Publish(std::shared_ptr<const ConfigSnapshot> next) {
  std::lock_guard lock(mutex_);
  current_.store(next);
  for (const auto& [id, callback] : subscribers_) callback(next);
}

SubscriptionId SnapshotPublisher::Subscribe(SnapshotCallback callback) {
  std::lock_guard lock(mutex_);
  // Delivering the current snapshot under the lock means no change can slip in between.
  callback(current_.load());
  const SubscriptionId id = next_id_++;
  subscribers_.emplace(id, std::move(callback));
  return id;
}

void SnapshotPublisher::Unsubscribe(SubscriptionId id) {
  std::lock_guard lock(mutex_);
  subscribers_.erase(id);
}

}  // namespace streamhook::config
