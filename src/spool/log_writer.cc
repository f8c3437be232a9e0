#include "spool/log_writer.h"

#include "spool/crc32c.h"

namespace streamhook::spool::log {

void LogWriter::AddRecord(std::string_view record, std::string* out) {
  const char* data = record.data();
  size_t left = record.size();
  // An empty record is still one (empty) FULL fragment, so it has an LSN like any other.
  bool begin = true;
  while (true) {
    const size_t block_left = kBlockSize - offset_ % kBlockSize;
    if (block_left < kHeaderSize) {
      out->append(block_left, '\0');  // trailer: too small for a header
      offset_ += block_left;
      continue;
    }
    const size_t avail = kBlockSize - offset_ % kBlockSize - kHeaderSize;
    const size_t fragment = left < avail ? left : avail;
    const bool end = fragment == left;
    const RecordType type = begin && end ? kFullType : begin ? kFirstType : end ? kLastType : kMiddleType;
    EmitFragment(type, data, fragment, out);
    data += fragment;
    left -= fragment;
    begin = false;
    if (end) break;
  }
}

void LogWriter::EmitFragment(RecordType type, const char* data, size_t n, std::string* out) {
  char header[kHeaderSize];
  header[4] = static_cast<char>(n & 0xff);
  header[5] = static_cast<char>(n >> 8);
  header[6] = static_cast<char>(type);
  const char type_byte = static_cast<char>(type);
  uint32_t crc = crc32c::Mask(crc32c::Extend(crc32c::Value(&type_byte, 1), data, n));
  for (int i = 0; i < 4; ++i) header[i] = static_cast<char>((crc >> (8 * i)) & 0xff);
  out->append(header, kHeaderSize);
  out->append(data, n);
  offset_ += kHeaderSize + n;
}

}  // namespace streamhook::spool::log
