#include "spool/recovery.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "spool/file_util.h"
#include "spool/segment_reader.h"

namespace streamhook::spool {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kBoundNote =
    "; its headers are damaged too, so the records lost are an upper bound";

struct ScanResult {
  Segment segment;
  uint64_t file_size = 0;
  uint64_t stop_offset = 0;           // where the readable records end: file_size when nothing follows them
  std::string problem;                // why reading stopped there
  std::vector<DamagedPlace> damaged;  // damage that intact records follow, in file order
  std::vector<bool> exact;            // per place: false when its records_lost is an upper bound
};

// Reads every record of the segment, resuming after damage wherever an intact record follows it;
// the records after a damaged place are numbered as if it held records_lost records.
Result<ScanResult> ScanSegment(const fs::path& path, Lsn first) {
  std::error_code ec;
  const uint64_t size = fs::file_size(path, ec);
  if (ec) return Status::IoError("cannot stat segment " + path.string() + ": " + ec.message());
  auto opened = SegmentReader::Open(path);
  if (!opened.ok()) return opened.status();
  SegmentReader& reader = **opened;
  ScanResult scan;
  scan.segment.first = first;
  scan.file_size = size;
  Lsn lsn = first;
  std::string record;
  while (true) {
    const uint64_t offset = reader.offset();
    scan.problem.clear();
    const auto outcome = reader.ReadRecord(size, &record, &scan.problem);
    if (outcome == SegmentReader::Outcome::kIoError) return Status::IoError(scan.problem);
    if (outcome == SegmentReader::Outcome::kRecord) {
      scan.segment.NoteRecord(lsn, offset);
      ++lsn;
      continue;
    }
    if (offset >= size) break;
    auto resume = reader.FindResume(size);
    if (!resume.ok()) return resume.status();
    if (!*resume) break;  // nothing intact follows: the damage is the tail
    const auto& [resume_offset, lost, exact] = **resume;
    std::string problem = scan.problem.empty() ? "incomplete record" : scan.problem;
    if (!exact) problem += kBoundNote;
    scan.damaged.push_back({path.filename().string(), offset, std::move(problem), lost});
    scan.exact.push_back(exact);
    scan.segment.NoteResume(lsn, lsn + lost, resume_offset);
    lsn += lost;
  }
  scan.stop_offset = reader.offset();
  if (scan.stop_offset < size && scan.problem.empty()) scan.problem = "incomplete record at the end";
  scan.segment.readable_end = lsn;
  scan.segment.size = size;
  return scan;
}

// When a damaged place's count is only an upper bound (and those after it are exact) and the
// segment reads to its end, the next segment's first LSN says exactly where this one's LSNs end:
// number the records after that place back from there instead.
void AnchorToNextSegment(ScanResult* scan, Lsn next_first) {
  Segment& segment = scan->segment;
  const auto inexact = std::find(scan->exact.rbegin(), scan->exact.rend(), false);
  if (inexact == scan->exact.rend() || scan->stop_offset < scan->file_size) return;
  // Every place's count is at least 1, so place k made lost range k.
  const size_t k = static_cast<size_t>(scan->exact.rend() - inexact) - 1;
  LostRange& range = segment.lost[k];
  const Lsn lsns_after = segment.readable_end - range.to;  // records and exact losses after it
  if (next_first < range.from + lsns_after + 1) return;    // fewer LSNs than records: names are off
  const Lsn new_to = next_first - lsns_after;
  const auto shift = [&](Lsn lsn) { return lsn >= range.to ? lsn - range.to + new_to : lsn; };
  for (RecordPosition& position : segment.positions) position.lsn = shift(position.lsn);
  for (size_t i = k + 1; i < segment.lost.size(); ++i)
    segment.lost[i] = {shift(segment.lost[i].from), shift(segment.lost[i].to)};
  range.to = new_to;
  segment.readable_end = next_first;
  DamagedPlace& place = scan->damaged[k];
  place.records_lost = new_to - range.from;
  if (const size_t at = place.problem.find(kBoundNote); at != std::string::npos) {
    place.problem.replace(at, kBoundNote.size(),
                          "; its headers are damaged too, so the records lost are counted from the next "
                          "segment's first LSN");
  }
}

// Readable records of the segment: its LSNs minus the lost ones.
uint64_t CountReadable(const Segment& segment) {
  uint64_t count = segment.readable_end - segment.first;
  for (const LostRange& range : segment.lost)
    count -= std::min(range.to, segment.readable_end) - std::min(range.from, segment.readable_end);
  return count;
}

Status CutTail(const fs::path& path, const ScanResult& scan, bool sync) {
  auto file = OpenFile(path, O_WRONLY);
  if (!file.ok()) return file.status();
  Status s = TruncateFile(file->get(), scan.stop_offset, path);
  if (s.ok() && sync) s = SyncFile(file->get(), path);
  return s;
}

}  // namespace

std::string RecoveryReport::Summary() const {
  return "scanned " + std::to_string(segments_scanned) + " segments, recovered " +
         std::to_string(records_recovered) + " records, cut " + std::to_string(bytes_cut) + " bytes, " +
         std::to_string(damaged.size()) + " damaged places";
}

Result<std::deque<Segment>> RecoverSegments(const fs::path& dir, bool sync, RecoveryReport* report) {
  std::map<Lsn, fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto first = ParseSegmentFileName(it->path().filename().string());
    std::error_code type_ec;
    if (first && it->is_regular_file(type_ec)) files.emplace(*first, it->path());
  }
  if (ec) return Status::IoError("cannot list spool directory " + dir.string() + ": " + ec.message());

  std::deque<Segment> segments;
  for (auto it = files.begin(); it != files.end(); ++it) {
    const auto& [first, path] = *it;
    const auto next = std::next(it);
    const bool last = next == files.end();
    auto scanned = ScanSegment(path, first);
    if (!scanned.ok()) return scanned.status();
    ScanResult& scan = *scanned;
    ++report->segments_scanned;
    const std::string name = path.filename().string();
    if (last) {
      if (scan.stop_offset < scan.file_size) {
        // No intact record follows: a crash mid-write left a torn record, and nothing after the
        // last good record was ever acknowledged (acknowledgement waits for fsync), so cut it.
        Status s = CutTail(path, scan, sync);
        if (!s.ok()) return s;
        spdlog::warn("spool: cut {} bytes at offset {} of {} ({})", scan.file_size - scan.stop_offset,
                     scan.stop_offset, name, scan.problem);
        report->bytes_cut += scan.file_size - scan.stop_offset;
        scan.segment.size = scan.stop_offset;
      }
    } else {
      const Lsn next_first = next->first;
      AnchorToNextSegment(&scan, next_first);
      if (scan.segment.readable_end > next_first) {
        // Names overlap: trust the later segment for the overlapping LSNs.
        scan.damaged.push_back({name, scan.file_size, "holds records past the next segment's first LSN", 0});
        scan.segment.readable_end = next_first;
      } else if (scan.stop_offset < scan.file_size || scan.segment.readable_end < next_first) {
        if (scan.problem.empty()) scan.problem = "segment ends before the next segment's first LSN";
        scan.damaged.push_back(
            {name, scan.stop_offset, scan.problem, next_first - scan.segment.readable_end});
      }
    }
    for (const DamagedPlace& d : scan.damaged) {
      spdlog::error("spool: damaged segment {} at offset {}: {}; {} records skipped", name, d.offset,
                    d.problem, d.records_lost);
    }
    report->damaged.insert(report->damaged.end(), scan.damaged.begin(), scan.damaged.end());
    report->records_recovered += CountReadable(scan.segment);
    segments.push_back(std::move(scan.segment));
  }
  return segments;
}

}  // namespace streamhook::spool
