// SegmentReader: reads the logical records of one segment file in order (see log_format.h).
//
// Used by recovery (to validate a whole file) and by spool readers (to tail the active segment
// while the writer appends). It only reads bytes below a caller-given limit, so it never sees a
// write that is still in flight.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
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

  // Where reading resumes after damage (see FindResume).
  struct Resume {
    uint64_t offset = 0;        // the first intact record after the damage starts here
    uint64_t records_lost = 0;  // records that start between the damaged one and it (at least 1)
    bool exact = false;         // false: records_lost is an upper bound (the headers are damaged too)
  };

  // After ReadRecord failed to read the record at offset(), finds the first intact record from the
  // block after the one where reading failed on, skipping the continuation of a record that began
  // earlier (LevelDB's resync: fixed blocks are what let a reader start again after damage). On
  // success offset() is there; nullopt (offset() unchanged) when no intact record follows below
  // `limit`: the damage is the segment's tail.
  Result<std::optional<Resume>> FindResume(uint64_t limit);

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
  // Counts the records starting in [from, to) by their headers alone (see Resume::exact).
  void CountRecords(uint64_t from, uint64_t to, uint64_t limit, Resume* resume);

  std::filesystem::path path_;
  FileHandle file_;
  uint64_t offset_ = 0;
  std::string block_;                  // a copy of (part of) one block of the file
  uint64_t block_index_ = UINT64_MAX;  // which block block_ holds
  size_t block_valid_ = 0;             // how many of its bytes
  bool short_read_ = false;            // the file ended before the limit
  uint64_t stop_pos_ = 0;              // where the last ReadRecord without a record stopped
};

}  // namespace streamhook::spool
