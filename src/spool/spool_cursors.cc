// The spool's cursors and the retention they drive.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "spool/spool.h"

namespace streamhook::spool {

Result<Lsn> Spool::OpenCursor(std::string_view name, std::optional<Lsn> start) {
  Status s = CheckCursorName(name);
  if (!s.ok()) return s;
  std::lock_guard cursor_lock(cursor_mutex_);
  if (auto it = cursors_.find(name); it != cursors_.end()) return it->second;
  Lsn position;
  {
    std::lock_guard lock(mutex_);
    position = start ? std::clamp(*start, segments_.front().first, end_lsn_) : end_lsn_;
  }
  CursorMap updated = cursors_;
  updated.emplace(name, position);
  s = SaveCursors(options_.dir, updated, options_.fsync);
  if (!s.ok()) return s;
  cursors_ = std::move(updated);
  cursors_dirty_ = false;
  return position;
}

Status Spool::CommitCursor(std::string_view name, Lsn next) {
  std::lock_guard cursor_lock(cursor_mutex_);
  auto it = cursors_.find(name);
  if (it == cursors_.end()) return Status::NotFound("no spool cursor named '" + std::string(name) + "'");
  if (it->second == next && !cursors_dirty_) return Status::Ok();
  Lsn first, end;
  {
    std::lock_guard lock(mutex_);
    first = segments_.front().first;
    end = end_lsn_;
  }
  if (next > end || next < first) {
    return Status::InvalidArgument("spool cursor '" + std::string(name) + "' cannot move to LSN " +
                                   std::to_string(next) + ": the spool holds LSNs " + std::to_string(first) +
                                   " to " + std::to_string(end) + " (exclusive)");
  }
  CursorMap updated = cursors_;
  updated.find(name)->second = next;
  Status s = SaveCursors(options_.dir, updated, options_.fsync);
  cursors_ = std::move(updated);
  if (s.ok()) {
    cursors_dirty_ = false;
    DeleteSegmentsBefore(LowestCursor());
    return Status::Ok();
  }
  // A full disk cannot take the new cursors file, and nothing frees space until a cursor moves.
  // Deleting the passed segments first is safe: everything before `next` is delivered, so a crash
  // before the file is saved only means fewer records are delivered twice.
  spdlog::warn("spool: {}; deleting passed segments first and retrying", s.message());
  cursors_dirty_ = true;
  DeleteSegmentsBefore(LowestCursor());
  s = SaveCursors(options_.dir, cursors_, options_.fsync);
  if (s.ok()) cursors_dirty_ = false;
  return s;
}

Status Spool::RemoveCursor(std::string_view name) {
  std::lock_guard cursor_lock(cursor_mutex_);
  auto it = cursors_.find(name);
  if (it == cursors_.end()) return Status::Ok();  // already gone: removing is idempotent
  CursorMap updated = cursors_;
  updated.erase(std::string(name));
  Status s = SaveCursors(options_.dir, updated, options_.fsync);
  if (!s.ok()) return s;
  cursors_ = std::move(updated);
  cursors_dirty_ = false;
  if (!cursors_.empty()) DeleteSegmentsBefore(LowestCursor());
  return Status::Ok();
}

std::optional<Lsn> Spool::CursorPosition(std::string_view name) const {
  std::lock_guard cursor_lock(cursor_mutex_);
  auto it = cursors_.find(name);
  if (it == cursors_.end()) return std::nullopt;
  return it->second;
}

Lsn Spool::LowestCursor() const {
  Lsn lowest = UINT64_MAX;
  for (const auto& [name, lsn] : cursors_) lowest = std::min(lowest, lsn);
  return lowest;
}

void Spool::DeleteSegmentsBefore(Lsn lowest_cursor) {
  std::vector<Lsn> doomed;
  {
    std::lock_guard lock(mutex_);
    // A segment's records end where the next segment begins; the active segment always stays.
    while (segments_.size() > 1 && segments_[1].first <= lowest_cursor) {
      doomed.push_back(segments_.front().first);
      bytes_on_disk_ -= segments_.front().size;
      ++counters_.segments_deleted;
      segments_.pop_front();
    }
  }
  if (doomed.empty()) return;
  // Readers still reading a deleted segment keep it open; unlinking does not disturb them.
  for (Lsn first : doomed) {
    const std::filesystem::path path = SegmentPath(first);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      spdlog::warn("spool: cannot delete segment {}: {}", path.string(), std::strerror(errno));
    }
  }
  if (options_.fsync) {
    Status s = SyncDir(options_.dir);
    if (!s.ok()) spdlog::warn("spool: {}", s.message());
  }
}

}  // namespace streamhook::spool
