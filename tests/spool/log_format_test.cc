#include "spool/log_format.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "spool/crc32c.h"
#include "spool/cursor_store.h"
#include "spool/log_writer.h"
#include "spool/segment.h"
#include "spool/segment_reader.h"
#include "spool_test_util.h"
#include "support/test_env.h"

namespace streamhook::spool {
namespace {

using streamhook::testing::TempDir;

TEST(Crc32c, KnownValues) {
  // From RFC 3720 section B.4 and LevelDB's crc32c_test.
  EXPECT_EQ(crc32c::Value("123456789"), 0xe3069283u);
  std::string bytes(32, '\0');
  EXPECT_EQ(crc32c::Value(bytes), 0x8a9136aau);
  bytes.assign(32, '\xff');
  EXPECT_EQ(crc32c::Value(bytes), 0x62a8ab43u);
  for (int i = 0; i < 32; ++i) bytes[i] = static_cast<char>(i);
  EXPECT_EQ(crc32c::Value(bytes), 0x46dd794eu);
  for (int i = 0; i < 32; ++i) bytes[i] = static_cast<char>(31 - i);
  EXPECT_EQ(crc32c::Value(bytes), 0x113fdb5cu);
}

TEST(Crc32c, ExtendAndHardwareAgreeWithPortable) {
  const std::string data = testing::RecordBytes(7, 5000);
  for (size_t split : {0, 1, 3, 8, 999, 4999, 5000}) {
    const uint32_t a = crc32c::Value(data.data(), split);
    EXPECT_EQ(crc32c::Extend(a, data.data() + split, data.size() - split), crc32c::Value(data));
    EXPECT_EQ(crc32c::ExtendPortable(a, data.data() + split, data.size() - split), crc32c::Value(data));
  }
  // Unaligned starts exercise the hardware path's byte-wise prologue.
  for (size_t start = 0; start < 9; ++start) {
    EXPECT_EQ(crc32c::Value(data.data() + start, 77), crc32c::ExtendPortable(0, data.data() + start, 77));
  }
  std::printf("crc32c hardware accelerated: %s\n", crc32c::HardwareAccelerated() ? "yes" : "no");
}

TEST(Crc32c, MaskRoundTripsAndDiffers) {
  const uint32_t crc = crc32c::Value("foo");
  EXPECT_NE(crc32c::Mask(crc), crc);
  EXPECT_NE(crc32c::Mask(crc32c::Mask(crc)), crc);
  EXPECT_EQ(crc32c::Unmask(crc32c::Mask(crc)), crc);
  EXPECT_EQ(crc32c::Unmask(crc32c::Unmask(crc32c::Mask(crc32c::Mask(crc)))), crc);
}

TEST(LogWriter, FragmentsNeverCrossBlocksAndBoundIsKept) {
  log::LogWriter writer(0);
  std::string out;
  // A record that leaves exactly 6 bytes in the block forces a zero trailer before the next one.
  writer.AddRecord(std::string(log::kBlockSize - 2 * log::kHeaderSize + 1, 'a'), &out);
  EXPECT_EQ(writer.offset() % log::kBlockSize, log::kBlockSize - (log::kHeaderSize - 1));
  const uint64_t before = writer.offset();
  writer.AddRecord("bc", &out);
  EXPECT_EQ(out.substr(before, log::kHeaderSize - 1), std::string(log::kHeaderSize - 1, '\0'));
  EXPECT_EQ(writer.offset(), log::kBlockSize + log::kHeaderSize + 2);
  for (uint64_t size : {0ull, 1ull, 32761ull, 32762ull, 70000ull, 200000ull}) {
    for (uint64_t start : {0ull, 5ull, 32700ull, 32762ull}) {
      log::LogWriter w(start);
      std::string bytes;
      w.AddRecord(std::string(size, 'x'), &bytes);
      EXPECT_EQ(bytes.size(), w.offset() - start);
      EXPECT_LE(bytes.size(), log::MaxEncodedSize(size)) << size << " at " << start;
    }
  }
}

TEST(SegmentReader, ReadsWhatLogWriterWroteAndStopsAtTheLimit) {
  TempDir dir;
  std::mt19937 rng(42);
  std::vector<std::string> records;
  std::string file;
  std::vector<uint64_t> ends;
  log::LogWriter writer(0);
  for (int i = 0; i < 60; ++i) {
    records.push_back(testing::RecordBytes(i, rng() % 3 == 0 ? rng() % 100000 : rng() % 300));
    writer.AddRecord(records.back(), &file);
    ends.push_back(writer.offset());
  }
  const auto path = dir.path() / "seg.log";
  testing::WriteFileBytes(path, file);
  auto reader = SegmentReader::Open(path);
  ASSERT_TRUE(reader.ok());
  std::string record, problem;
  for (size_t i = 0; i < records.size(); ++i) {
    // With the limit one byte short of the record's end the record is not there yet.
    EXPECT_EQ((*reader)->ReadRecord(ends[i] - 1, &record, &problem), SegmentReader::Outcome::kEnd);
    ASSERT_EQ((*reader)->ReadRecord(ends[i], &record, &problem), SegmentReader::Outcome::kRecord) << problem;
    EXPECT_EQ(record, records[i]);
    EXPECT_EQ((*reader)->offset(), ends[i]);
  }
  EXPECT_EQ((*reader)->ReadRecord(file.size(), &record, &problem), SegmentReader::Outcome::kEnd);
}

TEST(SegmentReader, ReportsCorruption) {
  TempDir dir;
  std::string file;
  log::LogWriter writer(0);
  writer.AddRecord("first", &file);
  const uint64_t second = writer.offset();
  writer.AddRecord("second", &file);
  file[second + log::kHeaderSize + 2] ^= 0x01;
  const auto path = dir.path() / "seg.log";
  testing::WriteFileBytes(path, file);
  auto reader = SegmentReader::Open(path);
  ASSERT_TRUE(reader.ok());
  std::string record, problem;
  ASSERT_EQ((*reader)->ReadRecord(file.size(), &record, &problem), SegmentReader::Outcome::kRecord);
  EXPECT_EQ((*reader)->ReadRecord(file.size(), &record, &problem), SegmentReader::Outcome::kCorrupt);
  EXPECT_EQ(problem, "checksum mismatch");
  EXPECT_EQ((*reader)->offset(), second);
  // Zeros where a header belongs (a file extended but never written).
  testing::WriteFileBytes(path, std::string(100, '\0'));
  reader = SegmentReader::Open(path);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->ReadRecord(100, &record, &problem), SegmentReader::Outcome::kCorrupt);
}

TEST(SegmentFileName, RoundTripsAndRejectsOtherNames) {
  EXPECT_EQ(SegmentFileName(42), "00000000000000000042.log");
  EXPECT_EQ(ParseSegmentFileName(SegmentFileName(42)), 42u);
  EXPECT_EQ(ParseSegmentFileName(SegmentFileName(UINT64_MAX)), UINT64_MAX);
  for (const char* bad : {"00000000000000000000.log", "0000000000000000004.log", "0000000000000000004x.log",
                          "00000000000000000042.tmp", "cursors", "LOCK", "-0000000000000000042.log"}) {
    EXPECT_FALSE(ParseSegmentFileName(bad)) << bad;
  }
}

TEST(CursorFile, RoundTripsAndDetectsDamage) {
  CursorMap cursors{{"hook-1", 17}, {"hook with spaces", 1}, {"ünïcode", 123456789012ull}};
  const std::string text = EncodeCursors(cursors);
  auto decoded = DecodeCursors(text);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, cursors);
  EXPECT_TRUE(DecodeCursors(EncodeCursors({})).ok());
  for (size_t i = 0; i < text.size(); ++i) {
    std::string damaged = text;
    damaged[i] ^= 0x04;
    EXPECT_FALSE(DecodeCursors(damaged).ok()) << "flip at " << i;
    EXPECT_FALSE(DecodeCursors(text.substr(0, i)).ok()) << "cut at " << i;
  }
  EXPECT_FALSE(CheckCursorName("").ok());
  EXPECT_FALSE(CheckCursorName("a\nb").ok());
  EXPECT_FALSE(CheckCursorName(std::string(1025, 'a')).ok());
  EXPECT_TRUE(CheckCursorName("hook:My Hook").ok());
}

}  // namespace
}  // namespace streamhook::spool
