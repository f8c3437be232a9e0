// SnapshotPublisher: the part of a ConfigStore every backend shares. Holds the current snapshot
// behind an atomic shared_ptr and fans new ones out to subscribers in version order.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>

#include "config/config_store.h"

namespace streamhook::config {

class SnapshotPublisher {
 public:
  explicit SnapshotPublisher(std::shared_ptr<const ConfigSnapshot> initial);

  // Atomic load; never waits for Publish.
  std::shared_ptr<const ConfigSnapshot> Current() const { return current_.load(); }

  // Makes `next` current, then calls every subscriber with it. Concurrent calls are serialized so
  // subscribers see versions in order.
  void Publish(std::shared_ptr<const ConfigSnapshot> next);

  // See ConfigStore::Subscribe / Unsubscribe.
  SubscriptionId Subscribe(SnapshotCallback callback);
  void Unsubscribe(SubscriptionId id);

 private:
  std::atomic<std::shared_ptr<const ConfigSnapshot>> current_;
  // Held while notifying, so that Unsubscribe waits for a running callback and the order of
  // snapshots delivered matches the order they were published.
  std::mutex mutex_;
  std::map<SubscriptionId, SnapshotCallback> subscribers_;
  SubscriptionId next_id_ = 1;
};

}  // namespace streamhook::config
