// ConfigStore: where the configuration lives, behind an interface so that a PostgreSQL store for
// multi-node setups can replace SQLite later without touching callers.
//
// Writers (the admin API) call the CRUD operations; readers on hot paths (ingest, hooks, producer)
// use Snapshot(), an atomic load of an immutable ConfigSnapshot, and Subscribe() to apply changes
// without a restart.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/model.h"

namespace streamhook::config {

using SnapshotCallback = std::function<void(std::shared_ptr<const ConfigSnapshot>)>;
using SubscriptionId = uint64_t;

// Every method is thread-safe.
class ConfigStore {
 public:
  virtual ~ConfigStore() = default;

  // The Kinesis connector; NotFound when it was never set.
  virtual Result<KinesisConnector> GetConnector() = 0;
  // Creates or replaces the connector (updated_at_ms is set here) and returns what was stored.
  virtual Result<KinesisConnector> PutConnector(KinesisConnector connector) = 0;

  // Hooks in creation order.
  virtual Result<std::vector<Hook>> ListHooks() = 0;
  // NotFound when no hook has this id.
  virtual Result<Hook> GetHook(std::string_view id) = 0;
  // Stores a new hook: generates the id when empty, sets both timestamps. AlreadyExists when the
  // id is taken. The hook must already be valid (the admin API validates).
  virtual Result<Hook> CreateHook(Hook hook) = 0;
  // Replaces the hook with hook.id, keeping its created_at_ms; NotFound when there is none.
  virtual Result<Hook> UpdateHook(Hook hook) = 0;
  // NotFound when no hook has this id.
  virtual Status DeleteHook(std::string_view id) = 0;

  // Sources in creation order, write keys in full (mask them before showing).
  virtual Result<std::vector<Source>> ListSources() = 0;
  // NotFound when no source has this id.
  virtual Result<Source> GetSource(std::string_view id) = 0;
  // Stores a new source: generates the id, and the write key when empty; sets created_at_ms.
  // AlreadyExists when another source has the same write key.
  virtual Result<Source> CreateSource(Source source) = 0;
  // NotFound when no source has this id.
  virtual Status DeleteSource(std::string_view id) = 0;

  // The current configuration: a cheap atomic load, never blocks on writers.
  virtual std::shared_ptr<const ConfigSnapshot> Snapshot() const = 0;

  // Calls `callback` once right away with the current snapshot, then after every change with the
  // new one, in version order, on the writer's thread. Callbacks must be quick and must not call
  // the store's write operations or Subscribe/Unsubscribe (they may call Snapshot()).
  virtual SubscriptionId Subscribe(SnapshotCallback callback) = 0;
  // Stops calls to that callback; when this returns, it is not running and will not run again.
  virtual void Unsubscribe(SubscriptionId id) = 0;

  // The source id for a write key in the current snapshot (what ingest authenticates with).
  std::optional<std::string> SourceIdForWriteKey(std::string_view write_key) const {
    return Snapshot()->SourceIdForWriteKey(write_key);
  }
};

}  // namespace streamhook::config
