// How the model maps onto config.db rows: one function per read or write, each a single statement
// or two, so SqliteConfigStore only composes them inside transactions.
#pragma once

#include <memory>
#include <string_view>

#include "common/status.h"
#include "config/model.h"
#include "config/secret_box.h"
#include "sqlite/sqlite_db.h"

namespace streamhook::config {

// Reads everything (decrypting the secrets) into a snapshot whose version is the stored revision.
Result<std::shared_ptr<const ConfigSnapshot>> ReadSnapshotRows(sqlite::SqliteDb& db, const SecretBox& box);

// Increments the stored revision; call inside the transaction of every change.
Status BumpRevision(sqlite::SqliteDb& db);

// Stores a check value sealed with the master key on first use; later, PermissionDenied when the
// current key cannot open it (config.db was created with another master key).
Status CheckMasterKey(sqlite::SqliteDb& db, const SecretBox& box);

Status WriteConnectorRow(sqlite::SqliteDb& db, const SecretBox& box, const KinesisConnector& connector);

// AlreadyExists when the id is taken.
Status InsertHookRow(sqlite::SqliteDb& db, const Hook& hook);
// Replaces every column except id and created_at_ms; NotFound when there is no such hook.
Status UpdateHookRow(sqlite::SqliteDb& db, const Hook& hook);
// NotFound when there is no such hook.
Status DeleteHookRow(sqlite::SqliteDb& db, std::string_view id);

// AlreadyExists when the id or the write key is taken (the message says which).
Status InsertSourceRow(sqlite::SqliteDb& db, const SecretBox& box, const Source& source);
// NotFound when there is no such source.
Status DeleteSourceRow(sqlite::SqliteDb& db, std::string_view id);

}  // namespace streamhook::config
