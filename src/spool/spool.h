// Spool: the durable, append-only log between ingest and the hooks.
//
// Ingest appends accepted events and answers the client only when they are on disk; each hook
// reads the log from its own named cursor and commits the cursor after delivering. Segments are
// deleted once every cursor has passed them. With no cursors at all nothing is deleted (the
// server always holds one cursor per hook; a spool without readers just fills up to max_bytes and
// then refuses appends).
//
// Durability: an Append's callback reports OK only after its records were written and fsync'd.
// Group commit: Appends from many threads queue up while the writer thread is busy; the writer
// then writes and fsyncs everything queued with one write and one fsync.
//
// Thread safety: every method may be called from any thread. Readers must be destroyed before
// the Spool.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"
#include "spool/cursor_store.h"
#include "spool/file_util.h"
#include "spool/reader.h"
#include "spool/segment.h"
#include "spool/spool_types.h"

namespace streamhook::spool {

class Spool {
 public:
  // Called once per Append with OK and the LSN of its first record, or with the error. Runs on the
  // spool's writer thread (or inline when the Append is refused at once): keep it short, and do
  // not call AppendSync from it.
  using AppendCallback = std::function<void(Status, Lsn first)>;

  // Opens (creating when missing) the spool in options.dir and recovers it (see recovery.h);
  // *report, when given, receives what recovery found. Fails when the directory is in use by
  // another Spool, cannot be read or written, or its cursors file is damaged.
  static Result<std::unique_ptr<Spool>> Open(const SpoolOptions& options, RecoveryReport* report = nullptr);

  // Writes whatever Appends are queued, then stops.
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Appends `records` (consecutive LSNs, in order) and calls `done` once they are durable.
  // Fails at once with ResourceExhausted when they would take the spool past max_bytes (nothing
  // already accepted is dropped; retry once hooks catch up), and later when writing fails, with
  // ResourceExhausted when the disk is full and IoError otherwise (nothing of this Append stays on
  // disk; later Appends try again; Stats().last_write_failed says so until one succeeds).
  void Append(std::vector<std::string> records, AppendCallback done);

  // Append, waiting for the outcome. *first gets the first record's LSN.
  Status AppendSync(std::vector<std::string> records, Lsn* first = nullptr);

  // One past the newest durable record: the LSN the next appended record gets.
  Lsn end_lsn() const;
  // The oldest LSN still on disk.
  Lsn first_lsn() const;

  // The position ("next LSN to process") of cursor `name`, creating it when new at `start`
  // (clamped to [first_lsn(), end_lsn()]), by default end_lsn(): a new hook sees new events only.
  // An existing cursor keeps its position and `start` is ignored.
  Result<Lsn> OpenCursor(std::string_view name, std::optional<Lsn> start = std::nullopt);
  // Durably moves cursor `name` to `next` (any LSN in [first_lsn(), end_lsn()], backwards too),
  // then deletes segments every cursor has passed. NotFound for an unknown cursor. The caller must
  // have processed everything before `next`: when the disk is too full to save the cursors file,
  // passed segments are deleted first to make room (and the move holds in memory even when saving
  // still fails; retrying the same commit saves it).
  Status CommitCursor(std::string_view name, Lsn next);
  // Forgets cursor `name` (a hook was deleted), which may let segments be deleted.
  Status RemoveCursor(std::string_view name);
  // The position of cursor `name`, or nullopt when there is none.
  std::optional<Lsn> CursorPosition(std::string_view name) const;

  // A reader of durable records from LSN `from` on (see reader.h).
  std::unique_ptr<Reader> NewReader(Lsn from) const;

  // Waits until record `lsn` is durable (end_lsn() > lsn); false on time-out or shutdown.
  bool WaitForRecords(Lsn lsn, std::chrono::milliseconds timeout) const;

  // Counters and state; last_write_failed tells whether appends are failing right now (readiness).
  SpoolStats Stats() const;
  const SpoolOptions& options() const { return options_; }

 private:
  friend class Reader;

  struct AppendRequest {
    std::vector<std::string> records;
    AppendCallback done;
    uint64_t reserved_bytes = 0;  // an upper bound of their size on disk, held against max_bytes
  };

  explicit Spool(SpoolOptions options);
  Status Start(RecoveryReport* report);
  std::filesystem::path SegmentPath(Lsn first) const;
  // Where a reader finds `lsn`: the segment holding it, or the first segment after it.
  SegmentView ViewSegmentFor(Lsn lsn) const;

  // Writer thread (spool_writer.cc).
  void WriterLoop();
  void WriteGroup(std::vector<AppendRequest>& group);
  Status PrepareActiveSegment();
  Status RollSegment();
  void FailRequests(std::vector<AppendRequest>& group, size_t from, const Status& status);

  // Retention (spool_cursors.cc), with cursor_mutex_ held: deletes the segments whose records all
  // lie before `lowest_cursor`, never the active one.
  Lsn LowestCursor() const;
  void DeleteSegmentsBefore(Lsn lowest_cursor);

  const SpoolOptions options_;
  FileHandle lock_file_;

  mutable std::mutex mutex_;  // guards everything below up to the writer-only state
  std::condition_variable writer_wakeup_;
  mutable std::condition_variable data_arrived_;
  std::deque<Segment> segments_;  // oldest first; the last one is being appended to
  Lsn end_lsn_ = 1;
  uint64_t bytes_on_disk_ = 0;
  uint64_t reserved_bytes_ = 0;  // queued Appends' upper bounds
  std::deque<AppendRequest> queue_;
  bool stopping_ = false;
  SpoolStats counters_;  // the counter fields and last_write_failed / last_write_error only

  // Guards cursors_ and the cursors file. Taken before mutex_, never while holding it.
  mutable std::mutex cursor_mutex_;
  CursorMap cursors_;
  bool cursors_dirty_ = false;  // cursors_ moved on but the file could not be saved

  // Writer-thread state (set up by Start before the thread runs).
  FileHandle active_file_;
  Lsn active_first_ = 0;
  uint64_t active_size_ = 0;     // bytes of the active segment known good
  Lsn next_lsn_ = 1;             // the writer's copy of end_lsn_
  bool needs_truncate_ = false;  // a failed write may have left bytes past active_size_
  std::thread writer_;
};

}  // namespace streamhook::spool
