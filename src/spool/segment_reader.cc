#include "spool/segment_reader.h"

#include <fcntl.h>

#include <algorithm>

#include "spool/crc32c.h"
#include "spool/log_format.h"

namespace streamhook::spool {

using log::kBlockSize;
using log::kHeaderSize;

Result<std::unique_ptr<SegmentReader>> SegmentReader::Open(const std::filesystem::path& path) {
  auto file = OpenFile(path, O_RDONLY);
  if (!file.ok()) return file.status();
  return std::unique_ptr<SegmentReader>(new SegmentReader(path, std::move(file).value()));
}

SegmentReader::SegmentReader(std::filesystem::path path, FileHandle file)
    : path_(std::move(path)), file_(std::move(file)), block_(kBlockSize, '\0') {}

bool SegmentReader::Load(uint64_t pos, size_t n, uint64_t limit, std::string* problem) {
  const uint64_t index = pos / kBlockSize;
  const size_t end_in_block = pos % kBlockSize + n;
  if (index == block_index_ && end_in_block <= block_valid_) return true;
  // (Re)read the block up to the limit: the tail of the active segment grows between calls.
  const uint64_t block_start = index * kBlockSize;
  const size_t want = static_cast<size_t>(std::min<uint64_t>(kBlockSize, limit - block_start));
  size_t got = 0;
  Status s = ReadAt(file_.get(), block_.data(), want, block_start, &got, path_);
  if (!s.ok()) {
    block_index_ = UINT64_MAX;
    *problem = s.message();
    return false;
  }
  block_index_ = index;
  block_valid_ = got;
  if (end_in_block > got) {
    short_read_ = true;
    *problem = "the file is shorter than expected";
    return false;
  }
  return true;
}

const char* SegmentReader::At(uint64_t pos) const {
  return block_.data() + pos % kBlockSize;
}

SegmentReader::Outcome SegmentReader::ReadRecord(uint64_t limit, std::string* record, std::string* problem) {
  record->clear();
  short_read_ = false;
  uint64_t pos = offset_;
  bool in_record = false;
  while (true) {
    const uint64_t block_left = kBlockSize - pos % kBlockSize;
    if (block_left < kHeaderSize) {  // trailer padding
      pos += block_left;
      continue;
    }
    stop_pos_ = pos;  // where reading stops unless a whole fragment is good
    if (pos + kHeaderSize > limit) return Outcome::kEnd;
    if (!Load(pos, kHeaderSize, limit, problem)) return short_read_ ? Outcome::kEnd : Outcome::kIoError;
    const auto* header = reinterpret_cast<const uint8_t*>(At(pos));
    const uint32_t stored_crc =
        header[0] | (header[1] << 8) | (header[2] << 16) | (uint32_t{header[3]} << 24);
    const size_t length = header[4] | (header[5] << 8);
    const uint8_t type = header[6];
    if (stored_crc == 0 && length == 0 && type == log::kZeroType) {
      *problem = "zero bytes where a record header should be (space that was never written)";
      return Outcome::kCorrupt;
    }
    if (length > block_left - kHeaderSize) {
      *problem = "record fragment length " + std::to_string(length) + " runs past the end of its block";
      return Outcome::kCorrupt;
    }
    if (pos + kHeaderSize + length > limit) return Outcome::kEnd;
    if (!Load(pos, kHeaderSize + length, limit, problem)) {
      return short_read_ ? Outcome::kEnd : Outcome::kIoError;
    }
    const char* data = At(pos) + kHeaderSize;
    const uint32_t actual_crc = crc32c::Extend(crc32c::Value(At(pos) + 6, 1), data, length);
    if (crc32c::Unmask(stored_crc) != actual_crc) {
      *problem = "checksum mismatch";
      return Outcome::kCorrupt;
    }
    const bool starts = type == log::kFullType || type == log::kFirstType;
    const bool continues = type == log::kMiddleType || type == log::kLastType;
    if (!starts && !continues) {
      *problem = "unknown record type " + std::to_string(type);
      return Outcome::kCorrupt;
    }
    if (starts == in_record) {
      *problem = in_record ? "a record starts inside another record" : "a record continues without a start";
      return Outcome::kCorrupt;
    }
    record->append(data, length);
    pos += kHeaderSize + length;
    if (type == log::kFullType || type == log::kLastType) {
      offset_ = pos;
      return Outcome::kRecord;
    }
    in_record = true;
  }
}

}  // namespace streamhook::spool
