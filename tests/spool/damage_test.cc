// Damage that intact records follow: recovery and readers resume at the next 32 KiB block, lose
// only the damaged block's records, keep every other record under its own LSN, and never append
// after the damage.
#include <gtest/gtest.h>

#include "spool/log_format.h"
#include "spool/spool.h"
#include "spool_test_util.h"
#include "support/test_env.h"

namespace streamhook::spool {
namespace {

using log::kBlockSize;
using log::kHeaderSize;
using streamhook::testing::TempDir;
using testing::OpenOrDie;
using testing::ReadAll;
using testing::ReadFileBytes;
using testing::RecordBytes;
using testing::SegmentFiles;
using testing::WriteFileBytes;

constexpr size_t kRecordSize = 1000;

// Where each of `count` records of kRecordSize bytes, appended one by one from offset 0, starts:
// after the previous one, or at the next block when fewer than a header's bytes are left.
std::vector<uint64_t> RecordStarts(size_t count) {
  std::vector<uint64_t> starts;
  uint64_t at = 0;
  for (size_t i = 0; i < count; ++i) {
    if (kBlockSize - at % kBlockSize < kHeaderSize) at += kBlockSize - at % kBlockSize;
    starts.push_back(at);
    uint64_t left = kRecordSize;
    do {  // one fragment per block touched
      if (kBlockSize - at % kBlockSize < kHeaderSize) at += kBlockSize - at % kBlockSize;
      const uint64_t fragment = std::min<uint64_t>(left, kBlockSize - at % kBlockSize - kHeaderSize);
      at += kHeaderSize + fragment;
      left -= fragment;
    } while (left > 0);
  }
  return starts;
}

// The index of the first record starting at or after `offset`.
size_t FirstAtOrAfter(const std::vector<uint64_t>& starts, uint64_t offset) {
  return std::lower_bound(starts.begin(), starts.end(), offset) - starts.begin();
}

void Append(Spool& spool, Lsn first, size_t count) {
  for (size_t i = 0; i < count; ++i)
    ASSERT_TRUE(spool.AppendSync({RecordBytes(first + i, kRecordSize)}).ok());
}

void FlipByte(const std::filesystem::path& path, uint64_t offset) {
  std::string bytes = ReadFileBytes(path);
  ASSERT_LT(offset, bytes.size());
  bytes[offset] ^= 0x5a;
  WriteFileBytes(path, bytes);
}

// The records read from LSN 1 below `end` are exactly LSNs [1, end) minus [lost_from, lost_to),
// each with the bytes it was appended with.
void ExpectRecords(const Spool& spool, Lsn end, Lsn lost_from, Lsn lost_to) {
  uint64_t skipped = 0;
  auto records = ReadAll(spool, 1, &skipped);
  std::erase_if(records, [end](const SpoolRecord& record) { return record.lsn >= end; });
  EXPECT_EQ(skipped, lost_to - lost_from);
  ASSERT_EQ(records.size(), end - 1 - (lost_to - lost_from));
  size_t k = 0;
  for (Lsn lsn = 1; lsn < end; ++lsn) {
    if (lsn >= lost_from && lsn < lost_to) continue;
    ASSERT_EQ(records[k].lsn, lsn);
    ASSERT_TRUE(records[k].data == RecordBytes(lsn, kRecordSize)) << "LSN " << lsn;
    ++k;
  }
}

// 200 records of 1000 bytes (about 6 blocks) in the only segment; 16 bytes of one record's data in
// the second block flipped, as a disk fault would.
TEST(Damage, InTheNewestSegmentKeepsTheRecordsAfterTheDamagedBlock) {
  TempDir dir;
  SpoolOptions options;
  options.dir = dir.path();
  constexpr size_t kCount = 200;
  {
    auto spool = OpenOrDie(options);
    ASSERT_TRUE(spool);
    Append(*spool, 1, kCount);
  }
  const auto starts = RecordStarts(kCount);
  const std::filesystem::path segment = dir.path() / SegmentFileName(1);
  ASSERT_EQ(std::filesystem::file_size(segment), starts.back() + kHeaderSize + kRecordSize);
  const size_t victim = FirstAtOrAfter(starts, 40000);  // in the second block
  const size_t resume = FirstAtOrAfter(starts, 2 * kBlockSize);
  ASSERT_LT(starts[victim], 2 * kBlockSize);
  for (int i = 0; i < 16; ++i) FlipByte(segment, starts[victim] + kHeaderSize + 8 + i);
  const Lsn lost_from = victim + 1;
  const Lsn lost_to = resume + 1;

  for (int open = 0; open < 2; ++open) {  // a second restart finds the same
    RecoveryReport report;
    auto spool = OpenOrDie(options, &report);
    ASSERT_TRUE(spool);
    ASSERT_EQ(report.damaged.size(), 1u) << report.Summary();
    EXPECT_EQ(report.damaged[0].segment, SegmentFileName(1));
    EXPECT_EQ(report.damaged[0].offset, starts[victim]);
    EXPECT_EQ(report.damaged[0].problem, "checksum mismatch");
    EXPECT_EQ(report.damaged[0].records_lost, lost_to - lost_from);
    EXPECT_EQ(report.bytes_cut, 0u) << "intact acknowledged records were cut";
    EXPECT_EQ(report.records_recovered, kCount - (lost_to - lost_from) + open);
    EXPECT_EQ(spool->end_lsn(), kCount + 1 + open);
    ExpectRecords(*spool, kCount + 1, lost_from, lost_to);
    // A reader starting inside the damage resumes after it.
    const auto tail = ReadAll(*spool, lost_from + 1);
    ASSERT_FALSE(tail.empty());
    EXPECT_EQ(tail.front().lsn, lost_to);
    if (open == 0) {
      // New records go to a new segment, under fresh LSNs.
      Lsn lsn = 0;
      ASSERT_TRUE(spool->AppendSync({"after the damage"}, &lsn).ok());
      EXPECT_EQ(lsn, kCount + 1);
      ASSERT_EQ(SegmentFiles(dir.path()).size(), 2u);
      EXPECT_EQ(SegmentFiles(dir.path()).back().filename().string(), SegmentFileName(kCount + 1));
    }
    const auto last = ReadAll(*spool, kCount + 1);
    ASSERT_EQ(last.size(), 1u);
    EXPECT_EQ(last[0].lsn, kCount + 1);
    EXPECT_EQ(last[0].data, "after the damage");
  }
  // The damaged file itself was never written to.
  EXPECT_EQ(std::filesystem::file_size(segment), starts.back() + kHeaderSize + kRecordSize);
}

// A damaged header: the records lost cannot be counted, so the LSNs after them are moved up by an
// upper bound (never down: no LSN is handed out twice), and stay put across restarts.
TEST(Damage, DamagedHeaderInTheNewestSegmentNeverReusesAnLsn) {
  TempDir dir;
  SpoolOptions options;
  options.dir = dir.path();
  constexpr size_t kCount = 200;
  {
    auto spool = OpenOrDie(options);
    ASSERT_TRUE(spool);
    Append(*spool, 1, kCount);
  }
  const auto starts = RecordStarts(kCount);
  const size_t victim = FirstAtOrAfter(starts, 40000);
  const size_t resume = FirstAtOrAfter(starts, 2 * kBlockSize);
  FlipByte(dir.path() / SegmentFileName(1), starts[victim] + 6);  // the type: headers no longer chain

  std::vector<SpoolRecord> first_read;
  Lsn appended = 0;
  for (int open = 0; open < 2; ++open) {
    RecoveryReport report;
    auto spool = OpenOrDie(options, &report);
    ASSERT_TRUE(spool);
    ASSERT_EQ(report.damaged.size(), 1u) << report.Summary();
    EXPECT_GE(report.damaged[0].records_lost, resume - victim);
    // Once a segment follows, its name bounds the damaged one's LSNs (and confirms the estimate).
    EXPECT_NE(report.damaged[0].problem.find(open == 0 ? "upper bound" : "next segment's first LSN"),
              std::string::npos)
        << report.damaged[0].problem;
    EXPECT_EQ(report.bytes_cut, 0u);
    EXPECT_EQ(report.records_recovered, kCount - (resume - victim) + open);
    const auto records = ReadAll(*spool, 1);
    ASSERT_EQ(records.size(), kCount - (resume - victim) + open);
    for (size_t i = 0; i < victim; ++i) EXPECT_EQ(records[i].lsn, i + 1);
    for (size_t i = victim; i < records.size() - open; ++i) {
      const size_t original = resume + (i - victim);  // index of the record appended
      EXPECT_GE(records[i].lsn, original + 1);
      ASSERT_TRUE(records[i].data == RecordBytes(original + 1, kRecordSize));
    }
    if (open == 0) {
      first_read = records;
      ASSERT_TRUE(spool->AppendSync({"after"}, &appended).ok());
      EXPECT_GT(appended, records.back().lsn);
      EXPECT_GE(appended, kCount + 1);
    } else {
      ASSERT_EQ(records.size(), first_read.size() + 1);
      for (size_t i = 0; i < first_read.size(); ++i) EXPECT_EQ(records[i].lsn, first_read[i].lsn);
      EXPECT_EQ(records.back().lsn, appended);
      EXPECT_EQ(spool->end_lsn(), appended + 1);
    }
  }
}

// Damage in an older, multi-block segment loses only the damaged block's records. When its headers
// are damaged too, the next segment's name still tells how many.
TEST(Damage, InAnOlderSegmentLosesOnlyTheDamagedBlock) {
  for (const bool header : {false, true}) {
    SCOPED_TRACE(header ? "damaged header" : "damaged data");
    TempDir dir;
    SpoolOptions options;
    options.dir = dir.path();
    options.segment_bytes = 100 << 10;  // about 4 blocks
    constexpr size_t kCount = 150;
    {
      auto spool = OpenOrDie(options);
      ASSERT_TRUE(spool);
      Append(*spool, 1, kCount);
    }
    const auto files = SegmentFiles(dir.path());
    ASSERT_EQ(files.size(), 2u);
    const Lsn second = *ParseSegmentFileName(files[1].filename().string());
    const auto starts = RecordStarts(second - 1);  // the first segment's records
    const size_t victim = FirstAtOrAfter(starts, kBlockSize + 5000);
    const size_t resume = FirstAtOrAfter(starts, 2 * kBlockSize);
    ASSERT_LT(resume + 10, second - 1) << "intact records must follow the damaged block";
    FlipByte(files[0], starts[victim] + (header ? 6 : kHeaderSize + 100));

    RecoveryReport report;
    auto spool = OpenOrDie(options, &report);
    ASSERT_TRUE(spool);
    ASSERT_EQ(report.damaged.size(), 1u) << report.Summary();
    EXPECT_EQ(report.damaged[0].offset, starts[victim]);
    EXPECT_EQ(report.damaged[0].records_lost, resume - victim) << report.damaged[0].problem;
    EXPECT_EQ(report.damaged[0].problem.find("next segment's first LSN") != std::string::npos, header)
        << report.damaged[0].problem;
    EXPECT_EQ(report.records_recovered, kCount - (resume - victim));
    ExpectRecords(*spool, kCount + 1, victim + 1, resume + 1);
    Lsn lsn = 0;
    ASSERT_TRUE(spool->AppendSync({"more"}, &lsn).ok());
    EXPECT_EQ(lsn, kCount + 1);
  }
}

// Damage that appears after recovery checked the segment: the reader resumes at the next block too,
// losing the same records recovery would.
TEST(Damage, AfterRecoveryTheReaderResumesAtTheNextBlock) {
  TempDir dir;
  SpoolOptions options;
  options.dir = dir.path();
  options.segment_bytes = 100 << 10;
  constexpr size_t kCount = 150;
  auto spool = OpenOrDie(options);
  ASSERT_TRUE(spool);
  Append(*spool, 1, kCount);
  const auto files = SegmentFiles(dir.path());
  ASSERT_EQ(files.size(), 2u);
  const Lsn second = *ParseSegmentFileName(files[1].filename().string());
  const auto starts = RecordStarts(second - 1);
  const size_t victim = FirstAtOrAfter(starts, kBlockSize + 5000);
  const size_t resume = FirstAtOrAfter(starts, 2 * kBlockSize);
  FlipByte(files[0], starts[victim] + kHeaderSize + 100);
  ExpectRecords(*spool, kCount + 1, victim + 1, resume + 1);
  spool.reset();
  RecoveryReport report;
  spool = OpenOrDie(options, &report);
  ASSERT_TRUE(spool);
  ASSERT_EQ(report.damaged.size(), 1u);
  EXPECT_EQ(report.damaged[0].records_lost, resume - victim);
}

// Damage that no intact record follows in the newest segment is a torn tail: cut, as before,
// and appending continues right after the last good record.
TEST(Damage, DamageInTheLastBlockOfTheNewestSegmentIsCut) {
  TempDir dir;
  SpoolOptions options;
  options.dir = dir.path();
  constexpr size_t kCount = 120;  // about 4 blocks
  {
    auto spool = OpenOrDie(options);
    ASSERT_TRUE(spool);
    Append(*spool, 1, kCount);
  }
  const auto starts = RecordStarts(kCount);
  const std::filesystem::path segment = dir.path() / SegmentFileName(1);
  const uint64_t size = std::filesystem::file_size(segment);
  const size_t victim = FirstAtOrAfter(starts, (size / kBlockSize) * kBlockSize + 1000);
  ASSERT_LT(victim + 3, kCount);
  FlipByte(segment, starts[victim] + kHeaderSize + 10);

  RecoveryReport report;
  auto spool = OpenOrDie(options, &report);
  ASSERT_TRUE(spool);
  EXPECT_TRUE(report.damaged.empty()) << report.Summary();
  EXPECT_EQ(report.bytes_cut, size - starts[victim]);
  EXPECT_EQ(report.records_recovered, victim);
  Lsn lsn = 0;
  ASSERT_TRUE(spool->AppendSync({RecordBytes(victim + 1, kRecordSize)}, &lsn).ok());
  EXPECT_EQ(lsn, victim + 1);
  EXPECT_EQ(SegmentFiles(dir.path()).size(), 1u) << "a cut tail is appended to in place";
  ExpectRecords(*spool, victim + 2, 1, 1);
}

}  // namespace
}  // namespace streamhook::spool
