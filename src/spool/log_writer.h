// LogWriter: frames records into segment bytes (see log_format.h); pure encoding, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "spool/log_format.h"

namespace streamhook::spool::log {

class LogWriter {
 public:
  // Encodes records that will be written at byte `file_offset` of a segment (the block position
  // decides where fragments split).
  explicit LogWriter(uint64_t file_offset) : offset_(file_offset) {}

  // Appends the framed `record` to *out (which must receive everything this writer encodes, in
  // order) and advances offset().
  void AddRecord(std::string_view record, std::string* out);

  // The segment offset just past the bytes encoded so far.
  uint64_t offset() const { return offset_; }

 private:
  void EmitFragment(RecordType type, const char* data, size_t n, std::string* out);

  uint64_t offset_;
};

}  // namespace streamhook::spool::log
