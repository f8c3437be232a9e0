#include "spool/cursor_store.h"

#include <charconv>
#include <cstdio>

#include "spool/crc32c.h"
#include "spool/file_util.h"

namespace streamhook::spool {
namespace {

constexpr std::string_view kMagic = "streamhook-spool-cursors 1\n";
constexpr std::string_view kCrcPrefix = "crc32c ";

Status Damaged(std::string_view why) {
  return Status::Corruption(std::string("the spool's cursors file is damaged (") + std::string(why) +
                            "); restore it from a backup, or remove it to start every hook at the newest "
                            "events (older undelivered events are then skipped)");
}

}  // namespace

Status CheckCursorName(std::string_view name) {
  if (name.empty() || name.size() > 1024) {
    return Status::InvalidArgument("a cursor name must have 1 to 1024 bytes, got " +
                                   std::to_string(name.size()));
  }
  if (name.find_first_of(std::string_view("\n\r\0", 3)) != std::string_view::npos) {
    return Status::InvalidArgument("a cursor name must not contain line breaks or NUL bytes");
  }
  return Status::Ok();
}

std::string EncodeCursors(const CursorMap& cursors) {
  std::string text(kMagic);
  for (const auto& [name, lsn] : cursors) {
    text += std::to_string(lsn);
    text += ' ';
    text += name;
    text += '\n';
  }
  char crc[16];
  std::snprintf(crc, sizeof crc, "%08x", crc32c::Value(text));
  text += kCrcPrefix;
  text += crc;
  text += '\n';
  return text;
}

Result<CursorMap> DecodeCursors(std::string_view text) {
  if (!text.starts_with(kMagic)) return Damaged("unknown header");
  if (text.size() < kMagic.size() + kCrcPrefix.size() + 9 || text.back() != '\n') return Damaged("truncated");
  const size_t crc_line = text.rfind('\n', text.size() - 2) + 1;
  const std::string_view body = text.substr(0, crc_line);
  std::string_view crc_text = text.substr(crc_line, text.size() - 1 - crc_line);
  if (!crc_text.starts_with(kCrcPrefix)) return Damaged("no checksum line");
  crc_text.remove_prefix(kCrcPrefix.size());
  uint32_t stored = 0;
  const auto [end, ec] = std::from_chars(crc_text.data(), crc_text.data() + crc_text.size(), stored, 16);
  if (ec != std::errc() || end != crc_text.data() + crc_text.size() || crc_text.size() != 8) {
    return Damaged("unreadable checksum");
  }
  if (stored != crc32c::Value(body)) return Damaged("checksum mismatch");

  CursorMap cursors;
  std::string_view rest = body.substr(kMagic.size());
  while (!rest.empty()) {
    const size_t eol = rest.find('\n');
    const std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol + 1);
    const size_t space = line.find(' ');
    Lsn lsn = 0;
    const auto [num_end, num_ec] = std::from_chars(line.data(), line.data() + line.size(), lsn);
    if (space == std::string_view::npos || num_ec != std::errc() || num_end != line.data() + space) {
      return Damaged("unreadable line");
    }
    cursors[std::string(line.substr(space + 1))] = lsn;
  }
  return cursors;
}

Result<CursorMap> LoadCursors(const std::filesystem::path& dir) {
  auto text = ReadWholeFile(dir / kCursorsFileName);
  if (!text.ok()) {
    if (text.status().code() == Status::Code::kNotFound) return CursorMap{};
    return text.status();
  }
  return DecodeCursors(*text);
}

Status SaveCursors(const std::filesystem::path& dir, const CursorMap& cursors, bool sync) {
  return WriteFileAtomically(dir / kCursorsFileName, EncodeCursors(cursors), sync);
}

}  // namespace streamhook::spool
