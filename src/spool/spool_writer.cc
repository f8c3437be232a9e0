// The spool's writer thread: group commit, segment rolls, and recovery from write errors.
#include <fcntl.h>
#include <unistd.h>

#include "spool/log_writer.h"
#include "spool/spool.h"

namespace streamhook::spool {
namespace fs = std::filesystem;

namespace {

// A group stops growing at this many (upper-bound) bytes, so one slow giant write does not hold
// back every waiting client; the rest goes in the next group right after.
constexpr uint64_t kMaxGroupBytes = 8ull << 20;

// A full disk (ENOSPC, EDQUOT: file_util.h reports those as ResourceExhausted) is a condition to
// wait out, not a fault: say so plainly, so ingest answers 503 with Retry-After.
Status DiskFullAware(const Status& s) {
  if (s.code() != Status::Code::kResourceExhausted) return s;
  return Status::ResourceExhausted("the disk holding the spool is full (" + s.message() +
                                   "); nothing was stored, retry later");
}

}  // namespace

void Spool::WriterLoop() {
  std::vector<AppendRequest> group;
  while (true) {
    group.clear();
    {
      std::unique_lock lock(mutex_);
      writer_wakeup_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is written
      uint64_t bytes = 0;
      while (!queue_.empty() && (group.empty() || bytes + queue_.front().reserved_bytes <= kMaxGroupBytes)) {
        bytes += queue_.front().reserved_bytes;
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    WriteGroup(group);
  }
}

// Writes the group with one write and one fsync per segment it lands in (normally one). Requests
// are never split across segments, so each one's outcome is all or nothing.
void Spool::WriteGroup(std::vector<AppendRequest>& group) {
  std::string buffer;
  std::vector<RecordPosition> checkpoints;
  std::vector<Lsn> firsts;
  size_t next = 0;
  while (next < group.size()) {
    Status s = PrepareActiveSegment();
    if (!s.ok()) return FailRequests(group, next, DiskFullAware(s));
    const size_t chunk_begin = next;
    log::LogWriter writer(active_size_);
    buffer.clear();
    checkpoints.clear();
    firsts.clear();
    Lsn lsn = next_lsn_;
    uint64_t reserved = 0;
    do {
      firsts.push_back(lsn);
      reserved += group[next].reserved_bytes;
      for (const std::string& record : group[next].records) {
        if ((lsn - active_first_) % kCheckpointInterval == 0) checkpoints.push_back({lsn, writer.offset()});
        writer.AddRecord(record, &buffer);
        ++lsn;
      }
      ++next;
    } while (next < group.size() && writer.offset() < options_.segment_bytes);

    const fs::path path = SegmentPath(active_first_);
    s = WriteAllAt(active_file_.get(), buffer, active_size_, path);
    if (s.ok() && options_.fsync) s = SyncFile(active_file_.get(), path);
    if (!s.ok()) {
      // Leave no partial record behind: cut back to the last good record so the segment stays
      // readable and the next group starts there. If even that fails, retry before the next write.
      needs_truncate_ = !TruncateFile(active_file_.get(), active_size_, path).ok();
      return FailRequests(group, chunk_begin, DiskFullAware(s));
    }
    {
      std::lock_guard lock(mutex_);
      Segment& segment = segments_.back();
      segment.positions.insert(segment.positions.end(), checkpoints.begin(), checkpoints.end());
      segment.size = writer.offset();
      segment.readable_end = lsn;
      bytes_on_disk_ += writer.offset() - active_size_;
      reserved_bytes_ -= reserved;
      end_lsn_ = lsn;
      ++counters_.groups;
      if (options_.fsync) ++counters_.fsyncs;
      counters_.records_appended += lsn - next_lsn_;
      counters_.last_write_failed = false;
      counters_.last_write_error.clear();
    }
    data_arrived_.notify_all();
    active_size_ = writer.offset();
    next_lsn_ = lsn;
    for (size_t i = chunk_begin; i < next; ++i) group[i].done(Status::Ok(), firsts[i - chunk_begin]);
  }
}

Status Spool::PrepareActiveSegment() {
  if (needs_truncate_) {
    Status s = TruncateFile(active_file_.get(), active_size_, SegmentPath(active_first_));
    if (!s.ok()) return s;
    needs_truncate_ = false;
  }
  if (active_size_ >= options_.segment_bytes && next_lsn_ > active_first_) return RollSegment();
  return Status::Ok();
}

Status Spool::RollSegment() {
  const fs::path path = SegmentPath(next_lsn_);
  auto file = OpenFile(path, O_WRONLY | O_CREAT | O_EXCL);
  if (!file.ok()) return file.status();
  if (options_.fsync) {
    // The new name must survive a crash, or records acknowledged in it would vanish with it.
    Status s = SyncDir(options_.dir);
    if (!s.ok()) {
      file->Reset();
      ::unlink(path.c_str());
      return s;
    }
  }
  {
    std::lock_guard lock(mutex_);
    segments_.push_back(Segment{next_lsn_, next_lsn_, 0, {}, {}});
  }
  active_file_ = std::move(file).value();
  active_first_ = next_lsn_;
  active_size_ = 0;
  return Status::Ok();
}

void Spool::FailRequests(std::vector<AppendRequest>& group, size_t from, const Status& status) {
  {
    std::lock_guard lock(mutex_);
    for (size_t i = from; i < group.size(); ++i) reserved_bytes_ -= group[i].reserved_bytes;
    counters_.write_errors += group.size() - from;
    counters_.last_write_failed = true;
    counters_.last_write_error = status.message();
  }
  for (size_t i = from; i < group.size(); ++i) group[i].done(status, 0);
}

}  // namespace streamhook::spool
