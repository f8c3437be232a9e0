// Fuzzes spool recovery and reading: fuzzed bytes become segment files, Spool::Open recovers them,
// and a Reader reads everything back. Input:
//   [k = 1 + byte % 3 segments][k bytes: LSN gap before each segment's first LSN]
//   [k - 1 two-byte LE lengths of all but the last segment][the segments' bytes, the last takes the rest]
// An independent parser of the log format (below) gives each segment's good prefix (the records
// before the first bad byte) and every record with valid CRCs that a reader resynchronizing at a
// block could reach. Properties: Open succeeds and reading never fails; LSNs rise and stay inside
// their segment's range; the good prefix comes back exactly, at LSNs first, first + 1, ...; every
// other record returned is CRC-valid in the file (never damaged bytes); the newest segment keeps at
// least its good prefix; an append lands at end_lsn(); and after a second Open (nothing more to
// cut) the same records read back, plus the append. One temporary directory per process.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "spool/crc32c.h"
#include "spool/log_format.h"
#include "spool/segment.h"
#include "spool/spool.h"

namespace {

namespace fs = std::filesystem;
namespace spool = streamhook::spool;
namespace log = streamhook::spool::log;

struct Header {
  uint32_t masked_crc = 0;
  size_t length = 0;
  uint8_t type = 0;
};

Header ParseHeader(std::string_view file, uint64_t pos) {
  const auto* h = reinterpret_cast<const uint8_t*>(file.data() + pos);
  return {h[0] | h[1] << 8 | h[2] << 16 | uint32_t{h[3]} << 24, static_cast<size_t>(h[4] | h[5] << 8), h[6]};
}

// The record starting at *pos when all its fragments are complete, CRC-valid (checked with the
// portable CRC code) and typed in order; *pos then moves past it.
std::optional<std::string> ParseRecord(std::string_view file, uint64_t* pos) {
  std::string record;
  bool in_record = false;
  uint64_t p = *pos;
  while (true) {
    const uint64_t block_left = log::kBlockSize - p % log::kBlockSize;
    if (block_left < log::kHeaderSize) {  // trailer padding
      p += block_left;
      continue;
    }
    if (p + log::kHeaderSize > file.size()) return std::nullopt;
    const Header h = ParseHeader(file, p);
    if (h.length > block_left - log::kHeaderSize || p + log::kHeaderSize + h.length > file.size()) {
      return std::nullopt;
    }
    const char* data = file.data() + p + log::kHeaderSize;
    const uint32_t crc = spool::crc32c::ExtendPortable(
        spool::crc32c::ExtendPortable(0, file.data() + p + 6, 1), data, h.length);
    if (spool::crc32c::Unmask(h.masked_crc) != crc) return std::nullopt;
    const bool starts = h.type == log::kFullType || h.type == log::kFirstType;
    const bool continues = h.type == log::kMiddleType || h.type == log::kLastType;
    if (starts == continues || starts == in_record) return std::nullopt;
    record.append(data, h.length);
    p += log::kHeaderSize + h.length;
    if (h.type == log::kFullType || h.type == log::kLastType) break;
    in_record = true;
  }
  *pos = p;
  return record;
}

struct Expected {
  std::vector<std::string> prefix;  // the good records before the first bad byte
  uint64_t prefix_bytes = 0;        // where the first bad (or incomplete) record starts
  std::set<std::string> valid;      // every CRC-valid record a resynchronizing reader could reach
};

Expected ParseSegment(std::string_view file) {
  Expected out;
  uint64_t pos = 0;
  while (auto record = ParseRecord(file, &pos)) {
    out.valid.insert(*record);
    out.prefix.push_back(std::move(*record));
    out.prefix_bytes = pos;
  }
  // From every block start, every header chained by length that starts a record, and the valid
  // records following it: a superset of where LevelDB-style resynchronization can resume.
  std::set<uint64_t> tried;
  for (uint64_t block = log::kBlockSize; block < file.size(); block += log::kBlockSize) {
    for (uint64_t p = block;
         p + log::kHeaderSize <= std::min<uint64_t>(file.size(), block + log::kBlockSize);) {
      const Header h = ParseHeader(file, p);
      if (h.length > log::kBlockSize - p % log::kBlockSize - log::kHeaderSize) break;
      if ((h.type == log::kFullType || h.type == log::kFirstType) && tried.insert(p).second) {
        uint64_t q = p;
        while (auto record = ParseRecord(file, &q)) out.valid.insert(std::move(*record));
      }
      p += log::kHeaderSize + h.length;
    }
  }
  return out;
}

// Created on first use and removed at exit; never destroyed, so the exit handler can still use it.
const fs::path& ProcessDir() {
  static const fs::path* dir = [] {
    std::string pattern = (fs::temp_directory_path() / "spool_fuzzer.XXXXXX").string();
    FUZZ_CHECK(::mkdtemp(pattern.data()) != nullptr);
    return new fs::path(pattern);
  }();
  static const bool cleanup_registered = std::atexit([] {
                                           std::error_code ec;
                                           fs::remove_all(*dir, ec);
                                         }) == 0;
  (void)cleanup_registered;
  return *dir;
}

struct SegmentInput {
  spool::Lsn first = 0;
  std::string_view bytes;
  Expected expected;
};

// Reads every record from LSN 1 on; the reader must not fail.
std::vector<spool::SpoolRecord> ReadAll(const spool::Spool& s) {
  std::vector<spool::SpoolRecord> out;
  auto reader = s.NewReader(1);
  while (true) {
    const size_t before = out.size();
    FUZZ_CHECK(reader->Read(64, 1 << 20, &out).ok());
    if (out.size() == before) return out;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // recovery logs every damaged place it finds
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (in.empty()) return 0;
  const size_t k = 1 + static_cast<uint8_t>(in[0]) % 3;
  if (in.size() < 1 + k + 2 * (k - 1)) return 0;
  std::vector<SegmentInput> segments(k);
  spool::Lsn first = 0;
  for (size_t i = 0; i < k; ++i) {
    first += 1 + static_cast<uint8_t>(in[1 + i]);
    segments[i].first = first;
  }
  size_t pos = 1 + k + 2 * (k - 1);
  for (size_t i = 0; i < k; ++i) {
    size_t length = in.size() - pos;
    if (i + 1 < k) {
      const auto* l = reinterpret_cast<const uint8_t*>(in.data() + 1 + k + 2 * i);
      length = std::min<size_t>(length, l[0] | l[1] << 8);
    }
    segments[i].bytes = in.substr(pos, length);
    segments[i].expected = ParseSegment(segments[i].bytes);
    pos += length;
  }

  const fs::path dir = ProcessDir();
  for (const auto& entry : fs::directory_iterator(dir)) fs::remove_all(entry.path());
  for (const SegmentInput& segment : segments) {
    std::ofstream(dir / spool::SegmentFileName(segment.first), std::ios::binary)
        .write(segment.bytes.data(), static_cast<std::streamsize>(segment.bytes.size()));
  }
  const SegmentInput& last = segments.back();
  const fs::path last_path = dir / spool::SegmentFileName(last.first);

  const spool::SpoolOptions options{.dir = dir, .fsync = false};
  std::vector<spool::SpoolRecord> first_read;
  spool::Lsn appended = 0;
  {
    spool::RecoveryReport report;
    auto opened = spool::Spool::Open(options, &report);
    FUZZ_CHECK(opened.ok());
    spool::Spool& s = **opened;
    FUZZ_CHECK(report.segments_scanned == k);
    const uint64_t kept = fs::file_size(last_path);
    FUZZ_CHECK(kept >= last.expected.prefix_bytes && kept <= last.bytes.size());
    FUZZ_CHECK(report.bytes_cut == last.bytes.size() - kept);

    first_read = ReadAll(s);
    size_t next = 0;  // index into first_read
    spool::Lsn previous = 0;
    for (size_t i = 0; i < k; ++i) {
      const spool::Lsn end = i + 1 < k ? segments[i + 1].first : UINT64_MAX;
      const auto& prefix = segments[i].expected.prefix;
      for (size_t j = 0; j < prefix.size() && segments[i].first + j < end; ++j, ++next) {
        FUZZ_CHECK(next < first_read.size());
        FUZZ_CHECK(first_read[next].lsn == segments[i].first + j);
        FUZZ_CHECK(first_read[next].data == prefix[j]);
      }
      for (; next < first_read.size() && first_read[next].lsn < end; ++next) {
        FUZZ_CHECK(first_read[next].lsn >= segments[i].first);
        FUZZ_CHECK(segments[i].expected.valid.count(first_read[next].data) == 1);
      }
    }
    FUZZ_CHECK(next == first_read.size());
    for (const spool::SpoolRecord& record : first_read) {
      FUZZ_CHECK(record.lsn > previous);
      previous = record.lsn;
    }
    FUZZ_CHECK(report.records_recovered == first_read.size());

    const spool::Lsn end = s.end_lsn();
    FUZZ_CHECK(end > previous);
    FUZZ_CHECK(s.AppendSync({"appended after recovery"}, &appended).ok());
    FUZZ_CHECK(appended == end);
  }
  // Reopened: nothing more to cut, and the same records plus the append.
  spool::RecoveryReport report;
  auto reopened = spool::Spool::Open(options, &report);
  FUZZ_CHECK(reopened.ok());
  FUZZ_CHECK(report.bytes_cut == 0);
  const std::vector<spool::SpoolRecord> got = ReadAll(**reopened);
  FUZZ_CHECK(got.size() == first_read.size() + 1);
  for (size_t i = 0; i < first_read.size(); ++i) {
    FUZZ_CHECK(got[i].lsn == first_read[i].lsn && got[i].data == first_read[i].data);
  }
  FUZZ_CHECK(got.back().lsn == appended && got.back().data == "appended after recovery");
  return 0;
}
