// Helpers shared by the spool tests: deterministic record contents and whole-spool reads.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "spool/spool.h"

namespace streamhook::spool::testing {

// `size` bytes that depend on `seed` and the position, so a record read back under the wrong LSN
// or with a shifted byte does not compare equal.
inline std::string RecordBytes(uint64_t seed, size_t size) {
  std::string out(size, '\0');
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    out[i] = static_cast<char>(x);
  }
  return out;
}

// Every record from `from` on, in order, read in batches.
inline std::vector<SpoolRecord> ReadAll(const Spool& spool, Lsn from, uint64_t* skipped = nullptr) {
  std::vector<SpoolRecord> records;
  auto reader = spool.NewReader(from);
  while (true) {
    const size_t before = records.size();
    Status s = reader->Read(37, 1 << 20, &records);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!s.ok() || records.size() == before) break;
  }
  if (skipped) *skipped = reader->records_skipped();
  return records;
}

inline std::string ReadFileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void WriteFileBytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// The segment files in `dir`, oldest first.
inline std::vector<std::filesystem::path> SegmentFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (ParseSegmentFileName(entry.path().filename().string())) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

inline std::unique_ptr<Spool> OpenOrDie(const SpoolOptions& options, RecoveryReport* report = nullptr) {
  auto spool = Spool::Open(options, report);
  EXPECT_TRUE(spool.ok()) << spool.status().ToString();
  return spool.ok() ? std::move(spool).value() : nullptr;
}

}  // namespace streamhook::spool::testing
