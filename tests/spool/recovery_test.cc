// Recovery of torn tails, damaged segments and garbage.
#include <gtest/gtest.h>

#include <random>

#include "spool/log_writer.h"
#include "spool/spool.h"
#include "spool_test_util.h"
#include "support/test_env.h"

namespace streamhook::spool {
namespace {

using streamhook::testing::TempDir;
using testing::OpenOrDie;
using testing::ReadAll;
using testing::ReadFileBytes;
using testing::RecordBytes;
using testing::SegmentFiles;
using testing::WriteFileBytes;

// Cutting the last segment at every offset inside its last records keeps exactly the records
// that are complete before the cut, and appending continues right after them.
TEST(Recovery, TornTailAtEveryOffset) {
  // Sizes chosen so the last records straddle a block boundary (one becomes FIRST + LAST).
  const std::vector<size_t> sizes = {32261, 300, 900, 200};
  std::string segment;
  std::vector<uint64_t> ends;
  log::LogWriter writer(0);
  for (size_t i = 0; i < sizes.size(); ++i) {
    writer.AddRecord(RecordBytes(i, sizes[i]), &segment);
    ends.push_back(writer.offset());
  }
  ASSERT_GT(ends[2], log::kBlockSize);  // the third record crosses into the second block
  ASSERT_LT(ends[1], log::kBlockSize);

  // The bytes the spool writes must be exactly these (the test's model of the file).
  TempDir source;
  SpoolOptions options;
  options.dir = source.path();
  options.fsync = false;
  {
    auto spool = OpenOrDie(options);
    ASSERT_TRUE(spool);
    for (size_t i = 0; i < sizes.size(); ++i) ASSERT_TRUE(spool->AppendSync({RecordBytes(i, sizes[i])}).ok());
  }
  ASSERT_EQ(ReadFileBytes(source.path() / SegmentFileName(1)), segment);

  for (uint64_t cut = ends[0]; cut <= segment.size(); ++cut) {
    TempDir dir;
    options.dir = dir.path();
    WriteFileBytes(dir.path() / SegmentFileName(1), segment.substr(0, cut));
    size_t complete = 0;
    while (complete < ends.size() && ends[complete] <= cut) ++complete;
    RecoveryReport report;
    auto spool = OpenOrDie(options, &report);
    ASSERT_TRUE(spool) << "cut at " << cut;
    EXPECT_EQ(report.records_recovered, complete) << "cut at " << cut;
    EXPECT_EQ(report.bytes_cut, cut - ends[complete - 1]) << "cut at " << cut;
    EXPECT_TRUE(report.damaged.empty());
    Lsn lsn = 0;
    ASSERT_TRUE(spool->AppendSync({"next"}, &lsn).ok());
    ASSERT_EQ(lsn, complete + 1) << "cut at " << cut;
    const auto records = ReadAll(*spool, 1);
    ASSERT_EQ(records.size(), complete + 1);
    for (size_t i = 0; i < complete; ++i) ASSERT_TRUE(records[i].data == RecordBytes(i, sizes[i]));
    EXPECT_EQ(records.back().data, "next");
  }
}

struct Layout {
  std::vector<std::filesystem::path> files;
  std::vector<Lsn> firsts;
};

// 30 records of 3000 bytes in 10 KiB segments: several segments of 4 records each.
Layout WriteSegments(const SpoolOptions& options) {
  auto spool = OpenOrDie(options);
  for (int i = 0; i < 30; ++i) EXPECT_TRUE(spool->AppendSync({RecordBytes(i, 3000)}).ok());
  spool.reset();
  Layout layout;
  layout.files = SegmentFiles(options.dir);
  for (const auto& file : layout.files)
    layout.firsts.push_back(*ParseSegmentFileName(file.filename().string()));
  return layout;
}

TEST(Recovery, FlippedBytesInAMiddleSegment) {
  TempDir dir;
  SpoolOptions options;
  options.dir = dir.path();
  options.segment_bytes = 10 << 10;
  const Layout layout = WriteSegments(options);
  ASSERT_GE(layout.files.size(), 4u);
  ASSERT_EQ(layout.firsts[1], 5u);  // 4 records per segment
  // Damage the second segment's third record (LSN 7).
  const uint64_t record_size = log::kHeaderSize + 3000;
  std::string bytes = ReadFileBytes(layout.files[1]);
  bytes[2 * record_size + log::kHeaderSize + 100] ^= 0x40;
  WriteFileBytes(layout.files[1], bytes);

  RecoveryReport report;
  auto spool = OpenOrDie(options, &report);
  ASSERT_TRUE(spool);
  ASSERT_EQ(report.damaged.size(), 1u) << report.Summary();
  EXPECT_EQ(report.damaged[0].segment, layout.files[1].filename().string());
  EXPECT_EQ(report.damaged[0].offset, 2 * record_size);
  EXPECT_EQ(report.damaged[0].records_lost, 2u);
  EXPECT_EQ(report.damaged[0].problem, "checksum mismatch");
  EXPECT_EQ(report.records_recovered, 28u);
  EXPECT_EQ(report.bytes_cut, 0u);
  // The damaged segment is not cut: it is not the one being appended to.
  EXPECT_EQ(ReadFileBytes(layout.files[1]), bytes);

  uint64_t skipped = 0;
  const auto records = ReadAll(*spool, 1, &skipped);
  EXPECT_EQ(skipped, 2u);
  ASSERT_EQ(records.size(), 28u);
  size_t k = 0;
  for (Lsn lsn = 1; lsn <= 30; ++lsn) {
    if (lsn == 7 || lsn == 8) continue;
    EXPECT_EQ(records[k].lsn, lsn);
    EXPECT_TRUE(records[k].data == RecordBytes(lsn - 1, 3000)) << lsn;
    ++k;
  }
  // A reader starting inside the damage jumps to the next segment.
  const auto tail = ReadAll(*spool, 8);
  ASSERT_FALSE(tail.empty());
  EXPECT_EQ(tail.front().lsn, 9u);
  Lsn lsn = 0;
  ASSERT_TRUE(spool->AppendSync({"31"}, &lsn).ok());
  EXPECT_EQ(lsn, 31u);
}

TEST(Recovery, MissingMiddleSegmentIsAGap) {
  TempDir dir;
  SpoolOptions options;
  options.dir = dir.path();
  options.segment_bytes = 10 << 10;
  const Layout layout = WriteSegments(options);
  ASSERT_GE(layout.files.size(), 4u);
  // Damage the first segment's tail by cutting it short: it now ends before the next one begins.
  std::filesystem::resize_file(layout.files[0], log::kHeaderSize + 3000 + 10);
  std::filesystem::remove(layout.files[2]);
  RecoveryReport report;
  auto spool = OpenOrDie(options, &report);
  ASSERT_TRUE(spool);
  ASSERT_EQ(report.damaged.size(), 2u) << report.Summary();
  EXPECT_EQ(report.damaged[0].records_lost, 3u);
  EXPECT_EQ(report.damaged[1].records_lost, 4u);  // segment 2 "ends" where segment 4 begins
  uint64_t skipped = 0;
  const auto records = ReadAll(*spool, 1, &skipped);
  EXPECT_EQ(records.size(), 30u - 3 - 4);
  EXPECT_EQ(skipped, 7u);
}

TEST(Recovery, GarbageNeverCrashes) {
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    TempDir dir;
    SpoolOptions options;
    options.dir = dir.path();
    options.fsync = false;
    options.segment_bytes = 10 << 10;
    const Layout layout = WriteSegments(options);
    // Random damage: flips, zeroed ranges, random junk files and junk segment names.
    for (int n = 0; n < 5; ++n) {
      const auto& file = layout.files[rng() % layout.files.size()];
      std::string bytes = ReadFileBytes(file);
      if (bytes.empty()) continue;
      const size_t at = rng() % bytes.size();
      if (n % 2 == 0) {
        bytes[at] ^= static_cast<char>(1 + rng() % 255);
      } else {
        std::fill(bytes.begin() + at, bytes.begin() + std::min(bytes.size(), at + rng() % 50), '\0');
      }
      WriteFileBytes(file, bytes);
    }
    std::string junk(rng() % 70000, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    WriteFileBytes(dir.path() / SegmentFileName(1000 + rng() % 10), junk);
    WriteFileBytes(dir.path() / "not-a-segment.log", junk);
    RecoveryReport report;
    auto spool = OpenOrDie(options, &report);
    ASSERT_TRUE(spool);
    const Lsn end = spool->end_lsn();
    for (const auto& record : ReadAll(*spool, 1)) {
      ASSERT_LT(record.lsn, end);
      if (record.lsn <= 30) {
        EXPECT_TRUE(record.data == RecordBytes(record.lsn - 1, 3000)) << record.lsn;
      }
    }
    Lsn lsn = 0;
    ASSERT_TRUE(spool->AppendSync({"after garbage"}, &lsn).ok());
    EXPECT_EQ(lsn, end);
    spool.reset();
    spool = OpenOrDie(options, &report);
    ASSERT_TRUE(spool);
    EXPECT_EQ(spool->end_lsn(), end + 1);
  }
}

TEST(Recovery, DamagedCursorsFileFailsOpenWithAdvice) {
  TempDir dir;
  SpoolOptions options;
  options.dir = dir.path();
  {
    auto spool = OpenOrDie(options);
    ASSERT_TRUE(spool->OpenCursor("hook").ok());
  }
  std::string bytes = ReadFileBytes(dir.path() / "cursors");
  bytes[bytes.size() / 2] ^= 1;
  WriteFileBytes(dir.path() / "cursors", bytes);
  auto spool = Spool::Open(options);
  ASSERT_FALSE(spool.ok());
  EXPECT_EQ(spool.status().code(), Status::Code::kCorruption);
  EXPECT_NE(spool.status().message().find("remove it"), std::string::npos);
}

}  // namespace
}  // namespace streamhook::spool
