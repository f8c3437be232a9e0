// SqliteConfigStore: the ConfigStore for a single node, in <data_dir>/config.db.
//
// Every change runs in one SQLite transaction that also bumps the stored revision; afterwards the
// whole configuration is read back into a new snapshot (it is small), published, and handed to
// subscribers. Reads are answered from the snapshot, so they never touch SQLite or decrypt.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "config/config_store.h"
#include "config/secret_box.h"
#include "config/snapshot_publisher.h"
#include "sqlite/sqlite_db.h"

namespace streamhook::config {

inline constexpr const char* kConfigDbFile = "config.db";

class SqliteConfigStore final : public ConfigStore {
 public:
  // Opens <data_dir>/config.db (creating the directory and the database when missing), migrates
  // its schema, and checks that `box` holds the master key it was created with (PermissionDenied
  // otherwise, naming STREAMHOOK_MASTER_KEY / master.key).
  static Result<std::unique_ptr<SqliteConfigStore>> Open(const std::filesystem::path& data_dir,
                                                         SecretBox box);

  Result<KinesisConnector> GetConnector() override;
  Result<KinesisConnector> PutConnector(KinesisConnector connector) override;

  Result<std::vector<Hook>> ListHooks() override;
  Result<Hook> GetHook(std::string_view id) override;
  Result<Hook> CreateHook(Hook hook) override;
  Result<Hook> UpdateHook(Hook hook) override;
  Status DeleteHook(std::string_view id) override;

  Result<std::vector<Source>> ListSources() override;
  Result<Source> GetSource(std::string_view id) override;
  Result<Source> CreateSource(Source source) override;
  Status DeleteSource(std::string_view id) override;

  std::shared_ptr<const ConfigSnapshot> Snapshot() const override { return publisher_.Current(); }
  SubscriptionId Subscribe(SnapshotCallback callback) override;
  void Unsubscribe(SubscriptionId id) override;

 private:
  SqliteConfigStore(sqlite::SqliteDb db, SecretBox box, std::shared_ptr<const ConfigSnapshot> initial);

  // Runs `change` and a revision bump in one transaction, then publishes the new snapshot.
  // Called with mutex_ held.
  Status ApplyChange(const std::function<Status()>& change);

  // Serializes writers (SQLite connection use and publish order).
  std::mutex mutex_;
  sqlite::SqliteDb db_;
  const SecretBox box_;
  SnapshotPublisher publisher_;
};

}  // namespace streamhook::config
