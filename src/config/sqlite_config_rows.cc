#include "config/sqlite_config_rows.h"

#include <simdjson.h>

#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include "common/json_writer.h"

namespace streamhook::config {
namespace {

constexpr std::string_view kCheckPlaintext = "streamhook master key check";
constexpr std::string_view kCheckContext = "meta/master_key_check";
constexpr std::string_view kConnectorSecretContext = "connector/kinesis/secret_access_key";

// Sealed values are bound to their row, so a ciphertext copied into another row fails to open.
std::string SourceWriteKeyContext(std::string_view source_id) {
  return "source/" + std::string(source_id) + "/write_key";
}

// Triggers are stored as their API names joined by commas ("TRACK,PAGE"): names have no commas.
std::string EncodeTriggers(const std::vector<Trigger>& triggers) {
  std::string out;
  for (Trigger trigger : triggers) {
    if (!out.empty()) out += ',';
    out += TriggerName(trigger);
  }
  return out;
}

Result<std::vector<Trigger>> DecodeTriggers(std::string_view text) {
  std::vector<Trigger> triggers;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view name = text.substr(0, comma);
    const std::optional<Trigger> trigger = TriggerFromName(name);
    if (!trigger)
      return Status::Corruption("config.db names an unknown hook trigger '" + std::string(name) + "'");
    triggers.push_back(*trigger);
    text.remove_prefix(comma == std::string_view::npos ? text.size() : comma + 1);
  }
  return triggers;
}

// Event codes can hold any character, so they are stored as a JSON array of strings.
std::string EncodeStrings(const std::vector<std::string>& values) {
  std::string out;
  JsonWriter writer(&out);
  writer.BeginArray();
  for (const std::string& value : values) writer.String(value);
  writer.EndArray();
  return out;
}

Result<std::vector<std::string>> DecodeStrings(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::array array;
  if (parser.parse(json).get_array().get(array) != simdjson::SUCCESS) {
    return Status::Corruption("config.db holds a malformed hook event code list");
  }
  std::vector<std::string> values;
  for (simdjson::dom::element element : array) {
    std::string_view value;
    if (element.get_string().get(value) != simdjson::SUCCESS) {
      return Status::Corruption("config.db holds a non-string hook event code");
    }
    values.emplace_back(value);
  }
  return values;
}

Result<std::optional<KinesisConnector>> ReadConnector(sqlite::SqliteDb& db, const SecretBox& box) {
  Result<sqlite::SqliteStatement> select = db.Prepare(
      "SELECT region, access_key_id, secret_access_key_sealed, endpoint, ca_file, active, updated_at_ms, "
      "role_arn, external_id FROM connector WHERE id = 1");
  if (!select.ok()) return select.status();
  Result<bool> row = select->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<KinesisConnector>();
  KinesisConnector connector;
  connector.region = select->ColumnText(0);
  connector.access_key_id = select->ColumnText(1);
  Result<std::string> secret = box.Open(select->ColumnText(2), kConnectorSecretContext);
  if (!secret.ok()) return secret.status();
  connector.secret_access_key = std::move(secret).value();
  connector.endpoint = select->ColumnText(3);
  connector.ca_file = select->ColumnText(4);
  connector.active = select->ColumnInt(5) != 0;
  connector.updated_at_ms = select->ColumnInt(6);
  connector.role_arn = select->ColumnText(7);
  connector.external_id = select->ColumnText(8);
  return std::optional<KinesisConnector>(std::move(connector));
}

Result<std::vector<Hook>> ReadHooks(sqlite::SqliteDb& db) {
  Result<sqlite::SqliteStatement> select = db.Prepare(
      "SELECT id, name, stream_name, triggers, event_codes, payload_format, partition_key, max_records, "
      "max_bytes, linger_ms, enabled, created_at_ms, updated_at_ms, aggregation_enabled, "
      "aggregation_max_bytes, "
      "record_ttl_ms, shard_records_per_second, shard_bytes_per_second FROM hooks ORDER BY created_at_ms, "
      "rowid");
  if (!select.ok()) return select.status();
  std::vector<Hook> hooks;
  for (;;) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    Hook hook;
    hook.id = select->ColumnText(0);
    hook.name = select->ColumnText(1);
    hook.stream_name = select->ColumnText(2);
    Result<std::vector<Trigger>> triggers = DecodeTriggers(select->ColumnText(3));
    if (!triggers.ok()) return triggers.status();
    hook.triggers = std::move(triggers).value();
    Result<std::vector<std::string>> codes = DecodeStrings(select->ColumnText(4));
    if (!codes.ok()) return codes.status();
    hook.event_codes = std::move(codes).value();
    const std::optional<PayloadFormat> format = PayloadFormatFromName(select->ColumnText(5));
    if (!format) return Status::Corruption("config.db holds an unknown payload format for hook " + hook.id);
    hook.payload_format = *format;
    hook.partition_key = select->ColumnText(6);
    hook.batch.max_records = static_cast<int>(select->ColumnInt(7));
    hook.batch.max_bytes = select->ColumnInt(8);
    hook.batch.linger_ms = static_cast<int>(select->ColumnInt(9));
    hook.enabled = select->ColumnInt(10) != 0;
    hook.created_at_ms = select->ColumnInt(11);
    hook.updated_at_ms = select->ColumnInt(12);
    hook.aggregation.enabled = select->ColumnInt(13) != 0;
    hook.aggregation.max_bytes = select->ColumnInt(14);
    hook.record_ttl_ms = select->ColumnInt(15);
    hook.shard_rate.records_per_second = select->ColumnInt(16);
    hook.shard_rate.bytes_per_second = select->ColumnInt(17);
    hooks.push_back(std::move(hook));
  }
  return hooks;
}

Result<std::vector<Source>> ReadSources(sqlite::SqliteDb& db, const SecretBox& box) {
  Result<sqlite::SqliteStatement> select = db.Prepare(
      "SELECT id, name, write_key_sealed, created_at_ms FROM sources ORDER BY created_at_ms, rowid");
  if (!select.ok()) return select.status();
  std::vector<Source> sources;
  for (;;) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    Source source;
    source.id = select->ColumnText(0);
    source.name = select->ColumnText(1);
    Result<std::string> write_key = box.Open(select->ColumnText(2), SourceWriteKeyContext(source.id));
    if (!write_key.ok()) return write_key.status();
    source.write_key = std::move(write_key).value();
    source.created_at_ms = select->ColumnInt(3);
    sources.push_back(std::move(source));
  }
  return sources;
}

Result<std::optional<std::string>> ReadMeta(sqlite::SqliteDb& db, std::string_view key) {
  Result<sqlite::SqliteStatement> select = db.Prepare("SELECT value FROM meta WHERE key = ?1");
  if (!select.ok()) return select.status();
  select->BindText(1, key);
  Result<bool> row = select->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(select->ColumnText(0));
}

// Runs a one-row UPDATE/DELETE and turns "no row matched" into NotFound.
Status RunOnExistingRow(sqlite::SqliteDb& db, sqlite::SqliteStatement& statement, std::string what) {
  Status run = statement.Run();
  if (!run.ok()) return run;
  if (db.ChangedRows() == 0) return Status::NotFound(std::move(what));
  return Status::Ok();
}

}  // namespace

Result<std::shared_ptr<const ConfigSnapshot>> ReadSnapshotRows(sqlite::SqliteDb& db, const SecretBox& box) {
  Result<std::optional<std::string>> revision = ReadMeta(db, "revision");
  if (!revision.ok()) return revision.status();
  Result<std::optional<KinesisConnector>> connector = ReadConnector(db, box);
  if (!connector.ok()) return connector.status();
  Result<std::vector<Hook>> hooks = ReadHooks(db);
  if (!hooks.ok()) return hooks.status();
  Result<std::vector<Source>> sources = ReadSources(db, box);
  if (!sources.ok()) return sources.status();
  uint64_t version = 0;
  if (revision->has_value()) {
    const std::string& text = **revision;
    if (std::from_chars(text.data(), text.data() + text.size(), version).ec != std::errc()) {
      return Status::Corruption("config.db holds a malformed revision '" + text + "'");
    }
  }
  return std::make_shared<const ConfigSnapshot>(version, std::move(connector).value(),
                                                std::move(hooks).value(), std::move(sources).value());
}

Status BumpRevision(sqlite::SqliteDb& db) {
  return db.Exec("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'revision'");
}

Status CheckMasterKey(sqlite::SqliteDb& db, const SecretBox& box) {
  Result<std::optional<std::string>> stored = ReadMeta(db, "master_key_check");
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) {
    Result<std::string> opened = box.Open(**stored, kCheckContext);
    if (opened.ok() && *opened == kCheckPlaintext) return Status::Ok();
    return Status::PermissionDenied(
        "config.db was created with a different master key: set STREAMHOOK_MASTER_KEY (or restore "
        "master.key in the data directory) to the key it was created with");
  }
  Result<std::string> sealed = box.Seal(kCheckPlaintext, kCheckContext);
  if (!sealed.ok()) return sealed.status();
  Result<sqlite::SqliteStatement> insert =
      db.Prepare("INSERT INTO meta (key, value) VALUES ('master_key_check', ?1)");
  if (!insert.ok()) return insert.status();
  insert->BindText(1, *sealed);
  return insert->Run();
}

Status WriteConnectorRow(sqlite::SqliteDb& db, const SecretBox& box, const KinesisConnector& connector) {
  Result<std::string> sealed = box.Seal(connector.secret_access_key, kConnectorSecretContext);
  if (!sealed.ok()) return sealed.status();
  Result<sqlite::SqliteStatement> upsert = db.Prepare(
      "INSERT OR REPLACE INTO connector (id, region, access_key_id, secret_access_key_sealed, endpoint, "
      "ca_file, active, updated_at_ms, role_arn, external_id) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
      "?9)");
  if (!upsert.ok()) return upsert.status();
  upsert->BindText(1, connector.region);
  upsert->BindText(2, connector.access_key_id);
  upsert->BindText(3, *sealed);
  upsert->BindText(4, connector.endpoint);
  upsert->BindText(5, connector.ca_file);
  upsert->BindInt(6, connector.active ? 1 : 0);
  upsert->BindInt(7, connector.updated_at_ms);
  upsert->BindText(8, connector.role_arn);
  upsert->BindText(9, connector.external_id);
  return upsert->Run();
}

namespace {

// Binds what INSERT and UPDATE share: ?1 the id, ?2..?17 the columns an update may change.
void BindHookColumns(sqlite::SqliteStatement& statement, const Hook& hook) {
  statement.BindText(1, hook.id);
  statement.BindText(2, hook.name);
  statement.BindText(3, hook.stream_name);
  statement.BindText(4, EncodeTriggers(hook.triggers));
  statement.BindText(5, EncodeStrings(hook.event_codes));
  statement.BindText(6, PayloadFormatName(hook.payload_format));
  statement.BindText(7, hook.partition_key);
  statement.BindInt(8, hook.batch.max_records);
  statement.BindInt(9, hook.batch.max_bytes);
  statement.BindInt(10, hook.batch.linger_ms);
  statement.BindInt(11, hook.enabled ? 1 : 0);
  statement.BindInt(12, hook.updated_at_ms);
  statement.BindInt(13, hook.aggregation.enabled ? 1 : 0);
  statement.BindInt(14, hook.aggregation.max_bytes);
  statement.BindInt(15, hook.record_ttl_ms);
  statement.BindInt(16, hook.shard_rate.records_per_second);
  statement.BindInt(17, hook.shard_rate.bytes_per_second);
}

}  // namespace

Status InsertHookRow(sqlite::SqliteDb& db, const Hook& hook) {
  Result<sqlite::SqliteStatement> insert = db.Prepare(
      "INSERT INTO hooks (id, name, stream_name, triggers, event_codes, payload_format, partition_key, "
      "max_records, max_bytes, linger_ms, enabled, updated_at_ms, aggregation_enabled, "
      "aggregation_max_bytes, "
      "record_ttl_ms, shard_records_per_second, shard_bytes_per_second, created_at_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)");
  if (!insert.ok()) return insert.status();
  BindHookColumns(*insert, hook);
  insert->BindInt(18, hook.created_at_ms);
  Status run = insert->Run();
  if (run.code() == Status::Code::kAlreadyExists)
    return Status::AlreadyExists("a hook with id " + hook.id + " exists");
  return run;
}

Status UpdateHookRow(sqlite::SqliteDb& db, const Hook& hook) {
  Result<sqlite::SqliteStatement> update = db.Prepare(
      "UPDATE hooks SET name = ?2, stream_name = ?3, triggers = ?4, event_codes = ?5, payload_format = ?6, "
      "partition_key = ?7, max_records = ?8, max_bytes = ?9, linger_ms = ?10, enabled = ?11, "
      "updated_at_ms = ?12, aggregation_enabled = ?13, aggregation_max_bytes = ?14, record_ttl_ms = ?15, "
      "shard_records_per_second = ?16, shard_bytes_per_second = ?17 WHERE id = ?1");
  if (!update.ok()) return update.status();
  BindHookColumns(*update, hook);
  return RunOnExistingRow(db, *update, "no hook has id " + hook.id);
}

Status DeleteHookRow(sqlite::SqliteDb& db, std::string_view id) {
  Result<sqlite::SqliteStatement> del = db.Prepare("DELETE FROM hooks WHERE id = ?1");
  if (!del.ok()) return del.status();
  del->BindText(1, id);
  return RunOnExistingRow(db, *del, "no hook has id " + std::string(id));
}

Status InsertSourceRow(sqlite::SqliteDb& db, const SecretBox& box, const Source& source) {
  const std::string digest = box.Digest(source.write_key);
  Result<sqlite::SqliteStatement> existing =
      db.Prepare("SELECT id = ?1, write_key_digest = ?2 FROM sources WHERE id = ?1 OR write_key_digest = ?2");
  if (!existing.ok()) return existing.status();
  existing->BindText(1, source.id);
  existing->BindText(2, digest);
  Result<bool> clash = existing->Step();
  if (!clash.ok()) return clash.status();
  if (*clash) {
    if (existing->ColumnInt(1) != 0)
      return Status::AlreadyExists("another source already uses this write key");
    return Status::AlreadyExists("a source with id " + source.id + " exists");
  }
  Result<std::string> sealed = box.Seal(source.write_key, SourceWriteKeyContext(source.id));
  if (!sealed.ok()) return sealed.status();
  Result<sqlite::SqliteStatement> insert = db.Prepare(
      "INSERT INTO sources (id, name, write_key_sealed, write_key_digest, created_at_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert.ok()) return insert.status();
  insert->BindText(1, source.id);
  insert->BindText(2, source.name);
  insert->BindText(3, *sealed);
  insert->BindText(4, digest);
  insert->BindInt(5, source.created_at_ms);
  return insert->Run();
}

Status DeleteSourceRow(sqlite::SqliteDb& db, std::string_view id) {
  Result<sqlite::SqliteStatement> del = db.Prepare("DELETE FROM sources WHERE id = ?1");
  if (!del.ok()) return del.status();
  del->BindText(1, id);
  return RunOnExistingRow(db, *del, "no source has id " + std::string(id));
}

}  // namespace streamhook::config
