#include "config/sqlite_config_store.h"

#include <utility>

#include "common/time_format.h"
#include "config/random_tokens.h"
#include "config/sqlite_config_rows.h"
#include "config/sqlite_schema.h"

namespace streamhook::config {

Result<std::unique_ptr<SqliteConfigStore>> SqliteConfigStore::Open(const std::filesystem::path& data_dir,
                                                                   SecretBox box) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return Status::IoError("cannot create data directory " + data_dir.string() + ": " + ec.message());
  const std::filesystem::path path = data_dir / kConfigDbFile;
  Result<sqlite::SqliteDb> db = sqlite::SqliteDb::Open(path);
  if (!db.ok()) return db.status();
  Status migrated = MigrateSchema(*db);
  if (!migrated.ok()) return migrated;
  Status key_checked = db->Transaction([&] { return CheckMasterKey(*db, box); });
  if (!key_checked.ok()) return key_checked;
  Result<std::shared_ptr<const ConfigSnapshot>> snapshot = ReadSnapshotRows(*db, box);
  if (!snapshot.ok()) return snapshot.status();
  return std::unique_ptr<SqliteConfigStore>(
      new SqliteConfigStore(std::move(db).value(), std::move(box), std::move(snapshot).value()));
}

SqliteConfigStore::SqliteConfigStore(sqlite::SqliteDb db, SecretBox box,
                                     std::shared_ptr<const ConfigSnapshot> initial)
    : db_(std::move(db)), box_(std::move(box)), publisher_(std::move(initial)) {}

Status SqliteConfigStore::ApplyChange(const std::function<Status()>& change) {
  Status committed = db_.Transaction([&]() -> Status {
    Status changed = change();
    if (!changed.ok()) return changed;
    return BumpRevision(db_);
  });
  if (!committed.ok()) return committed;
  Result<std::shared_ptr<const ConfigSnapshot>> next = ReadSnapshotRows(db_, box_);
  if (!next.ok()) return next.status();
  publisher_.Publish(std::move(next).value());
  return Status::Ok();
}

Result<KinesisConnector> SqliteConfigStore::GetConnector() {
  const std::shared_ptr<const ConfigSnapshot> snapshot = Snapshot();
  if (!snapshot->connector) return Status::NotFound("the Kinesis connector has not been configured");
  return *snapshot->connector;
}

Result<KinesisConnector> SqliteConfigStore::PutConnector(KinesisConnector connector) {
  std::lock_guard lock(mutex_);
  connector.updated_at_ms = NowMillis();
  Status applied = ApplyChange([&] { return WriteConnectorRow(db_, box_, connector); });
  if (!applied.ok()) return applied;
  return connector;
}

Result<std::vector<Hook>> SqliteConfigStore::ListHooks() {
  return Snapshot()->hooks;
}

Result<Hook> SqliteConfigStore::GetHook(std::string_view id) {
  const std::shared_ptr<const ConfigSnapshot> snapshot = Snapshot();
  const Hook* hook = snapshot->FindHook(id);
  if (hook == nullptr) return Status::NotFound("no hook has id " + std::string(id));
  return *hook;
}

Result<Hook> SqliteConfigStore::CreateHook(Hook hook) {
  std::lock_guard lock(mutex_);
  if (hook.id.empty()) hook.id = NewUuid();
  hook.created_at_ms = hook.updated_at_ms = NowMillis();
  Status applied = ApplyChange([&] { return InsertHookRow(db_, hook); });
  if (!applied.ok()) return applied;
  return hook;
}

Result<Hook> SqliteConfigStore::UpdateHook(Hook hook) {
  std::lock_guard lock(mutex_);
  hook.updated_at_ms = NowMillis();
  Status applied = ApplyChange([&] { return UpdateHookRow(db_, hook); });
  if (!applied.ok()) return applied;
  // created_at_ms is the stored one, which the new snapshot holds.
  const Hook* stored = Snapshot()->FindHook(hook.id);
  if (stored != nullptr) hook.created_at_ms = stored->created_at_ms;
  return hook;
}

Status SqliteConfigStore::DeleteHook(std::string_view id) {
  std::lock_guard lock(mutex_);
  return ApplyChange([&] { return DeleteHookRow(db_, id); });
}

Result<std::vector<Source>> SqliteConfigStore::ListSources() {
  return Snapshot()->sources;
}

Result<Source> SqliteConfigStore::GetSource(std::string_view id) {
  const std::shared_ptr<const ConfigSnapshot> snapshot = Snapshot();
  const Source* source = snapshot->FindSource(id);
  if (source == nullptr) return Status::NotFound("no source has id " + std::string(id));
  return *source;
}

Result<Source> SqliteConfigStore::CreateSource(Source source) {
  std::lock_guard lock(mutex_);
  if (source.id.empty()) source.id = NewUuid();
  if (source.write_key.empty()) source.write_key = NewRandomToken();
  source.created_at_ms = NowMillis();
  Status applied = ApplyChange([&] { return InsertSourceRow(db_, box_, source); });
  if (!applied.ok()) return applied;
  return source;
}

Status SqliteConfigStore::DeleteSource(std::string_view id) {
  std::lock_guard lock(mutex_);
  return ApplyChange([&] { return DeleteSourceRow(db_, id); });
}

SubscriptionId SqliteConfigStore::Subscribe(SnapshotCallback callback) {
  return publisher_.Subscribe(std::move(callback));
}

void SqliteConfigStore::Unsubscribe(SubscriptionId id) {
  publisher_.Unsubscribe(id);
}

}  // namespace streamhook::config
