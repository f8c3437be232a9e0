// The cursors file: the durable "next LSN to process" of every named cursor (one per hook).
//
// The whole set is small, so every commit rewrites one file atomically (write a temporary file,
// fsync, rename, fsync the directory): after a crash the file holds either the old or the new set,
// never a mix. Its text is checksummed, so a damaged file is detected instead of misread:
//
//   streamhook-spool-cursors 1
//   <next-lsn> <name>
//   ...
//   crc32c <8 hex digits of the CRC-32C of all lines above>
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "common/status.h"
#include "spool/spool_types.h"

namespace streamhook::spool {

using CursorMap = std::map<std::string, Lsn, std::less<>>;

// The cursors file's name inside the spool directory.
inline constexpr std::string_view kCursorsFileName = "cursors";

// InvalidArgument unless `name` can name a cursor: 1 to 1024 bytes, no line breaks or NUL bytes.
Status CheckCursorName(std::string_view name);

// The cursors saved in `dir`; empty when there is no cursors file yet. Corruption when the file
// is damaged.
Result<CursorMap> LoadCursors(const std::filesystem::path& dir);

// Replaces the saved cursors with `cursors`, atomically; durably when `sync`.
Status SaveCursors(const std::filesystem::path& dir, const CursorMap& cursors, bool sync);

// The file contents for `cursors` and the inverse (exposed for tests).
std::string EncodeCursors(const CursorMap& cursors);
Result<CursorMap> DecodeCursors(std::string_view text);

}  // namespace streamhook::spool
