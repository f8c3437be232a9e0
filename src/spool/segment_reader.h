// SegmentReader: reads the logical records of one segment file in order (see log_format.h).
//
// Used by recovery (to validate a whole file) and by spool readers (to tail the active segment
// while the writer appends). It only reads bytes below a caller-given limit, so it never sees a
// write that is still in flight.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "common/status.h"
#include "spool/file_util.h"

namespace streamhook::spool {

class SegmentReader {
 public:
  enum class Outcome {
    kRecord,   // *record holds the next record and offset() moved past it
    kEnd,      // no complete record starts at offset() below the limit (yet)
    kCorrupt,  // the bytes at offset() are not a valid record; *problem says why
    kIoError,  // the file could not be read; *problem says why
  };

  // Opens `path` for reading from offset 0.
  static Result<std::unique_ptr<SegmentReader>> Open(const std::filesystem::path& path);

  // Reads the record starting at offset() that ends at or below byte `limit`. On anything but
  // kRecord, offset() stays at the start of the record that could not be read.
  Outcome ReadRecord(uint64_t limit, std::string* record, std::string* problem);

  // The offset where the next record starts.
  uint64_t offset() const { return offset_; }
  // Continues reading at `offset`, which must be where a record starts (or a block trailer).
  void Seek(uint64_t offset) { offset_ = offset; }

  const std::filesystem::path& path() const { return path_; }

 private:
  SegmentReader(std::filesystem::path path, FileHandle file);

  // Makes bytes [pos, pos + n) available in block_ (they lie in one block and below limit).
  // False with *problem set when they cannot be read.
  bool Load(uint64_t pos, size_t n, uint64_t limit, std::string* problem);
  const char* At(uint64_t pos) const;

  std::filesystem::path path_;
  FileHandle file_;
  uint64_t offset_ = 0;
  std::string block_;                  // a copy of (part of) one block of the file
  uint64_t block_index_ = UINT64_MAX;  // which block block_ holds
  size_t block_valid_ = 0;             // how many of its bytes
  bool short_read_ = false;            // the file ended before the limit
};

}  // namespace streamhook::spool
