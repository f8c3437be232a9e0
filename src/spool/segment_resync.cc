// SegmentReader::FindResume: reading on after damage at the next 32 KiB block.
#include <algorithm>

#include "spool/log_format.h"
#include "spool/segment_reader.h"

namespace streamhook::spool {

using log::kBlockSize;
using log::kHeaderSize;

namespace {

struct Header {
  size_t length = 0;
  uint8_t type = 0;
};

Header ParseHeader(const char* at) {
  const auto* h = reinterpret_cast<const uint8_t*>(at);
  return {static_cast<size_t>(h[4] | (h[5] << 8)), h[6]};
}

bool Starts(uint8_t type) {
  return type == log::kFullType || type == log::kFirstType;
}
bool Continues(uint8_t type) {
  return type == log::kMiddleType || type == log::kLastType;
}

}  // namespace

Result<std::optional<SegmentReader::Resume>> SegmentReader::FindResume(uint64_t limit) {
  const uint64_t damaged = offset_;
  std::string record;
  std::string problem;
  uint64_t block = (stop_pos_ / kBlockSize + 1) * kBlockSize;
  while (block < limit) {
    uint64_t next_block = block + kBlockSize;
    const uint64_t end = std::min(next_block, limit);
    for (uint64_t pos = block; pos + kHeaderSize <= end;) {
      short_read_ = false;
      if (!Load(pos, kHeaderSize, limit, &problem)) {
        if (short_read_) break;
        offset_ = damaged;
        return Status::IoError(problem);
      }
      const Header header = ParseHeader(At(pos));
      if (header.length > next_block - pos - kHeaderSize) break;  // garbage: try the next block
      if (Continues(header.type)) {  // the rest of a record that began before this block
        pos += kHeaderSize + header.length;
        continue;
      }
      if (!Starts(header.type)) break;
      offset_ = pos;
      const Outcome outcome = ReadRecord(limit, &record, &problem);
      if (outcome == Outcome::kIoError) {
        offset_ = damaged;
        return Status::IoError(problem);
      }
      if (outcome == Outcome::kRecord) {
        Resume resume;
        resume.offset = pos;
        CountRecords(damaged, pos, limit, &resume);
        offset_ = pos;
        return std::optional<Resume>(resume);
      }
      // That record is damaged too (perhaps in a later block): go on after where it failed.
      next_block = std::max(next_block, (stop_pos_ / kBlockSize + 1) * kBlockSize);
      break;
    }
    block = next_block;
  }
  offset_ = damaged;
  return std::optional<Resume>();
}

void SegmentReader::CountRecords(uint64_t from, uint64_t to, uint64_t limit, Resume* resume) {
  // The checksums failed somewhere in [from, to), but a flipped data byte leaves the headers intact:
  // when they chain from `from` to exactly `to` as whole records, their count is the true one.
  uint64_t count = 0;
  bool in_record = false;
  bool chained = true;
  uint64_t pos = from;
  std::string problem;
  while (chained && pos < to) {
    const uint64_t block_left = kBlockSize - pos % kBlockSize;
    if (block_left < kHeaderSize) {  // trailer padding
      pos += block_left;
      continue;
    }
    if (pos + kHeaderSize > to || !Load(pos, kHeaderSize, limit, &problem)) break;
    const Header header = ParseHeader(At(pos));
    const bool starts = Starts(header.type);
    chained = header.length <= block_left - kHeaderSize && (starts || Continues(header.type)) &&
              starts != in_record;
    if (starts) ++count;
    in_record = header.type == log::kFirstType || header.type == log::kMiddleType;
    pos += kHeaderSize + header.length;
  }
  resume->exact = chained && pos == to && !in_record && count > 0;
  // Otherwise bound it: every record takes at least a header's bytes.
  resume->records_lost = resume->exact ? count : (to - from + kHeaderSize - 1) / kHeaderSize;
}

}  // namespace streamhook::spool
