#include "spool/recovery.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <string>

#include "spool/file_util.h"
#include "spool/segment_reader.h"

namespace streamhook::spool {
namespace fs = std::filesystem;

namespace {

struct ScanResult {
  Segment segment;
  uint64_t file_size = 0;
  uint64_t stop_offset = 0;  // where reading stopped: file_size when every byte was good
  std::string problem;       // why it stopped early
};

Result<ScanResult> ScanSegment(const fs::path& path, Lsn first) {
  std::error_code ec;
  const uint64_t size = fs::file_size(path, ec);
  if (ec) return Status::IoError("cannot stat segment " + path.string() + ": " + ec.message());
  auto reader = SegmentReader::Open(path);
  if (!reader.ok()) return reader.status();
  ScanResult scan;
  scan.segment.first = first;
  scan.file_size = size;
  Lsn lsn = first;
  std::string record;
  while (true) {
    const uint64_t offset = (*reader)->offset();
    const auto outcome = (*reader)->ReadRecord(size, &record, &scan.problem);
    if (outcome == SegmentReader::Outcome::kIoError) return Status::IoError(scan.problem);
    if (outcome != SegmentReader::Outcome::kRecord) break;
    scan.segment.NoteRecord(lsn, offset);
    ++lsn;
  }
  scan.stop_offset = (*reader)->offset();
  if (scan.stop_offset < size && scan.problem.empty()) scan.problem = "incomplete record at the end";
  scan.segment.readable_end = lsn;
  scan.segment.size = size;
  return scan;
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
        // A crash mid-write leaves a torn record: nothing after the last good record was ever
        // acknowledged (acknowledgement waits for fsync), so cut it and append from there.
        Status s = CutTail(path, scan, sync);
        if (!s.ok()) return s;
        spdlog::warn("spool: cut {} bytes at offset {} of {} ({})", scan.file_size - scan.stop_offset,
                     scan.stop_offset, name, scan.problem);
        report->bytes_cut += scan.file_size - scan.stop_offset;
        scan.segment.size = scan.stop_offset;
      }
    } else {
      const Lsn next_first = next->first;
      if (scan.segment.readable_end > next_first) {
        // Names overlap: trust the later segment for the overlapping LSNs.
        report->damaged.push_back(
            {name, scan.file_size, "holds records past the next segment's first LSN", 0});
        scan.segment.readable_end = next_first;
      } else if (scan.stop_offset < scan.file_size || scan.segment.readable_end < next_first) {
        if (scan.problem.empty()) scan.problem = "segment ends before the next segment's first LSN";
        report->damaged.push_back(
            {name, scan.stop_offset, scan.problem, next_first - scan.segment.readable_end});
      }
    }
    if (!report->damaged.empty() && report->damaged.back().segment == name) {
      const DamagedPlace& d = report->damaged.back();
      spdlog::error("spool: damaged segment {} at offset {}: {}; {} records skipped", name, d.offset,
                    d.problem, d.records_lost);
    }
    report->records_recovered += scan.segment.readable_end - scan.segment.first;
    segments.push_back(std::move(scan.segment));
  }
  return segments;
}

}  // namespace streamhook::spool
