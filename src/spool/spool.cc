#include "spool/spool.h"

#include <fcntl.h>
#include <sys/file.h>

#include <algorithm>
#include <cerrno>
#include <future>

#include "spool/log_format.h"
#include "spool/recovery.h"

namespace streamhook::spool {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kLockFileName = "LOCK";

// Holds an exclusive flock on dir/LOCK so two processes never append to one spool.
Result<FileHandle> LockDirectory(const fs::path& dir) {
  const fs::path path = dir / kLockFileName;
  auto file = OpenFile(path, O_RDWR | O_CREAT);
  if (!file.ok()) return file.status();
  if (::flock(file->get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return Status::Unavailable("the spool directory " + dir.string() +
                                 " is in use by another streamhook process (or another Spool in this one)");
    }
    return ErrnoStatus("lock", path, errno);
  }
  return file;
}

}  // namespace

Result<std::unique_ptr<Spool>> Spool::Open(const SpoolOptions& options, RecoveryReport* report) {
  if (options.dir.empty()) return Status::InvalidArgument("the spool needs a directory");
  if (options.segment_bytes == 0 || options.max_bytes == 0) {
    return Status::InvalidArgument("the spool's segment size and size limit must be positive");
  }
  std::unique_ptr<Spool> spool(new Spool(options));
  RecoveryReport local_report;
  if (report) *report = RecoveryReport{};
  Status s = spool->Start(report ? report : &local_report);
  if (!s.ok()) return s;
  return spool;
}

Spool::Spool(SpoolOptions options) : options_(std::move(options)) {}

Spool::~Spool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  writer_wakeup_.notify_all();
  data_arrived_.notify_all();
  if (writer_.joinable()) writer_.join();
}

Status Spool::Start(RecoveryReport* report) {
  std::error_code ec;
  const bool created = fs::create_directories(options_.dir, ec);
  if (ec) {
    return Status::IoError("cannot create the spool directory " + options_.dir.string() + ": " +
                           ec.message());
  }
  if (created && options_.fsync) {
    // The new directory's own name must survive a crash too.
    fs::path absolute = fs::absolute(options_.dir, ec).lexically_normal();
    if (!absolute.has_filename()) absolute = absolute.parent_path();  // "dir/"
    Status s = SyncDir(absolute.parent_path());
    if (!s.ok()) return s;
  }
  auto lock = LockDirectory(options_.dir);
  if (!lock.ok()) return lock.status();
  lock_file_ = std::move(lock).value();
  fs::path leftover = options_.dir / kCursorsFileName;
  leftover += ".tmp";
  fs::remove(leftover, ec);  // an interrupted cursor commit; the cursors file itself is intact

  auto segments = RecoverSegments(options_.dir, options_.fsync, report);
  if (!segments.ok()) return segments.status();
  auto cursors = LoadCursors(options_.dir);
  if (!cursors.ok()) return cursors.status();
  cursors_ = std::move(cursors).value();
  segments_ = std::move(segments).value();
  for (const Segment& segment : segments_) bytes_on_disk_ += segment.size;

  Lsn end = segments_.empty() ? 1 : segments_.back().readable_end;
  Lsn highest_cursor = 0;
  for (const auto& [name, lsn] : cursors_) highest_cursor = std::max(highest_cursor, lsn);
  if (segments_.empty() || highest_cursor > end || !segments_.back().lost.empty()) {
    // No segments yet, or the last one is damaged (never write after damage: a later recovery
    // must find the same records where this one did), or records the cursors already passed are
    // gone (files removed by hand): never hand out an LSN twice, so continue in a fresh segment.
    end = std::max(end, highest_cursor);
    next_lsn_ = end;
    Status s = RollSegment();
    if (!s.ok()) return s;
  } else {
    const fs::path path = SegmentPath(segments_.back().first);
    auto file = OpenFile(path, O_WRONLY);
    if (!file.ok()) return file.status();
    active_file_ = std::move(file).value();
    active_first_ = segments_.back().first;
    active_size_ = segments_.back().size;
    next_lsn_ = end;
  }
  end_lsn_ = end;
  if (!cursors_.empty()) {
    std::lock_guard cursor_lock(cursor_mutex_);
    DeleteSegmentsBefore(LowestCursor());
  }
  writer_ = std::thread([this] { WriterLoop(); });
  return Status::Ok();
}

fs::path Spool::SegmentPath(Lsn first) const {
  return options_.dir / SegmentFileName(first);
}

void Spool::Append(std::vector<std::string> records, AppendCallback done) {
  if (!done) done = [](Status, Lsn) {};
  if (records.empty()) {
    done(Status::Ok(), end_lsn());
    return;
  }
  uint64_t reserve = 0;
  for (const std::string& record : records) reserve += log::MaxEncodedSize(record.size());
  Status refusal;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      refusal = Status::Unavailable("the spool is shutting down");
    } else if (reserve > options_.max_bytes) {
      refusal = Status::InvalidArgument(std::to_string(reserve) +
                                        " bytes of records exceed the spool's size limit of " +
                                        std::to_string(options_.max_bytes) + " bytes");
    } else if (bytes_on_disk_ + reserved_bytes_ + reserve > options_.max_bytes) {
      ++counters_.rejected_full;
      refusal = Status::ResourceExhausted(
          "the spool is full (" + std::to_string(bytes_on_disk_ + reserved_bytes_) + " of " +
          std::to_string(options_.max_bytes) + " bytes used) because hooks are behind; retry later");
    } else {
      reserved_bytes_ += reserve;
      ++counters_.appends;
      queue_.push_back({std::move(records), std::move(done), reserve});
    }
  }
  if (!refusal.ok()) {
    done(refusal, 0);
    return;
  }
  writer_wakeup_.notify_one();
}

Status Spool::AppendSync(std::vector<std::string> records, Lsn* first) {
  std::promise<std::pair<Status, Lsn>> outcome;
  auto future = outcome.get_future();
  Append(std::move(records), [&outcome](Status s, Lsn lsn) { outcome.set_value({std::move(s), lsn}); });
  auto [status, lsn] = future.get();
  if (first && status.ok()) *first = lsn;
  return status;
}

Lsn Spool::end_lsn() const {
  std::lock_guard lock(mutex_);
  return end_lsn_;
}

Lsn Spool::first_lsn() const {
  std::lock_guard lock(mutex_);
  return segments_.front().first;
}

std::unique_ptr<Reader> Spool::NewReader(Lsn from) const {
  return std::unique_ptr<Reader>(new Reader(this, std::max<Lsn>(from, 1)));  // LSNs start at 1
}

bool Spool::WaitForRecords(Lsn lsn, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  data_arrived_.wait_for(lock, timeout, [&] { return end_lsn_ > lsn || stopping_; });
  return end_lsn_ > lsn;
}

SegmentView Spool::ViewSegmentFor(Lsn lsn) const {
  std::lock_guard lock(mutex_);
  auto it = std::upper_bound(segments_.begin(), segments_.end(), lsn,
                             [](Lsn value, const Segment& segment) { return value < segment.first; });
  if (it != segments_.begin()) --it;  // else lsn is older than every segment: start at the oldest
  SegmentView view;
  view.first = it->first;
  view.readable_end = it->readable_end;
  view.size = it->size;
  if (std::next(it) != segments_.end()) view.next_first = std::next(it)->first;
  view.run_end = it->readable_end;
  for (const LostRange& range : it->lost) {
    if (lsn >= it->readable_end) break;  // past the segment (its end may cut a range short)
    if (lsn < range.from) {
      view.run_end = std::min(range.from, it->readable_end);
      break;
    }
    if (lsn < range.to) {
      view.lost_to = std::min(range.to, it->readable_end);
      break;
    }
  }
  view.checkpoint_lsn = it->first;
  auto position = std::upper_bound(it->positions.begin(), it->positions.end(), lsn,
                                   [](Lsn value, const RecordPosition& p) { return value < p.lsn; });
  if (position != it->positions.begin()) {
    --position;
    view.checkpoint_lsn = position->lsn;
    view.checkpoint_offset = position->offset;
  }
  return view;
}

SpoolStats Spool::Stats() const {
  std::lock_guard cursor_lock(cursor_mutex_);
  std::lock_guard lock(mutex_);
  SpoolStats stats = counters_;
  stats.bytes_on_disk = bytes_on_disk_;
  stats.max_bytes = options_.max_bytes;
  stats.segments = segments_.size();
  stats.first_lsn = segments_.front().first;
  stats.end_lsn = end_lsn_;
  for (const auto& [name, next] : cursors_) {
    stats.cursors.push_back({name, next, end_lsn_ > next ? end_lsn_ - next : 0});
  }
  return stats;
}

}  // namespace streamhook::spool
