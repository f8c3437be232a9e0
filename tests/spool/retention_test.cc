// Cursors, segment deletion and the size limit.
#include <gtest/gtest.h>

#include "spool/spool.h"
#include "spool_test_util.h"
#include "support/test_env.h"

namespace streamhook::spool {
namespace {

using streamhook::testing::TempDir;
using testing::OpenOrDie;
using testing::ReadAll;
using testing::RecordBytes;
using testing::SegmentFiles;

SpoolOptions SmallSegments(const TempDir& dir) {
  SpoolOptions options;
  options.dir = dir.path() / "spool";
  options.segment_bytes = 8 << 10;
  return options;
}

// Appends `n` records of 1000 bytes; their LSNs follow on from the spool's end.
void AppendThousands(Spool& spool, int n) {
  for (int i = 0; i < n; ++i) ASSERT_TRUE(spool.AppendSync({RecordBytes(i, 1000)}).ok());
}

TEST(Cursors, NewCursorStartsAtTheEndUnlessToldOtherwise) {
  TempDir dir;
  auto spool = OpenOrDie(SmallSegments(dir));
  ASSERT_TRUE(spool);
  AppendThousands(*spool, 5);
  EXPECT_EQ(*spool->OpenCursor("new-events"), 6u);
  EXPECT_EQ(*spool->OpenCursor("replay", 2), 2u);
  EXPECT_EQ(*spool->OpenCursor("clamped", 0), 1u);
  EXPECT_EQ(*spool->OpenCursor("future", 99), 6u);
  EXPECT_EQ(*spool->OpenCursor("replay", 4), 2u);  // existing: keeps its position
  EXPECT_FALSE(spool->OpenCursor("bad\nname").ok());
  EXPECT_EQ(spool->CommitCursor("missing", 3).code(), Status::Code::kNotFound);
  EXPECT_EQ(spool->CommitCursor("replay", 7).code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(spool->CommitCursor("replay", 1).ok());  // backwards is allowed while retained
  EXPECT_TRUE(spool->RemoveCursor("missing").ok());
}

TEST(Cursors, DurableAcrossReopen) {
  TempDir dir;
  const SpoolOptions options = SmallSegments(dir);
  {
    auto spool = OpenOrDie(options);
    ASSERT_TRUE(spool);
    ASSERT_TRUE(spool->OpenCursor("a", 1).ok());
    ASSERT_TRUE(spool->OpenCursor("b", 1).ok());
    ASSERT_TRUE(spool->OpenCursor("gone", 1).ok());
    AppendThousands(*spool, 10);
    ASSERT_TRUE(spool->CommitCursor("a", 4).ok());
    ASSERT_TRUE(spool->CommitCursor("b", 9).ok());
    ASSERT_TRUE(spool->RemoveCursor("gone").ok());
  }
  auto spool = OpenOrDie(options);
  ASSERT_TRUE(spool);
  EXPECT_EQ(spool->CursorPosition("a"), 4u);
  EXPECT_EQ(spool->CursorPosition("b"), 9u);
  EXPECT_FALSE(spool->CursorPosition("gone"));
  const SpoolStats stats = spool->Stats();
  ASSERT_EQ(stats.cursors.size(), 2u);
  EXPECT_EQ(stats.cursors[0].name, "a");
  EXPECT_EQ(stats.cursors[0].lag, 7u);
  EXPECT_EQ(stats.cursors[1].lag, 2u);
}

TEST(Cursors, SegmentsDeletedOnlyAfterEveryCursorPassedThem) {
  TempDir dir;
  const SpoolOptions options = SmallSegments(dir);
  auto spool = OpenOrDie(options);
  ASSERT_TRUE(spool);
  ASSERT_TRUE(spool->OpenCursor("fast", 1).ok());
  ASSERT_TRUE(spool->OpenCursor("slow", 1).ok());
  AppendThousands(*spool, 40);  // 8 records per 8 KiB segment
  const size_t segments = SegmentFiles(options.dir).size();
  ASSERT_GE(segments, 5u);
  const uint64_t bytes = spool->Stats().bytes_on_disk;

  ASSERT_TRUE(spool->CommitCursor("fast", spool->end_lsn()).ok());
  EXPECT_EQ(SegmentFiles(options.dir).size(), segments);  // "slow" still needs them all
  ASSERT_TRUE(spool->CommitCursor("slow", 10).ok());
  // Only segments whose every record is below 10 are gone.
  const auto files = SegmentFiles(options.dir);
  EXPECT_LT(files.size(), segments);
  ASSERT_FALSE(files.empty());
  const Lsn oldest = *ParseSegmentFileName(files.front().filename().string());
  EXPECT_LE(oldest, 10u);
  EXPECT_EQ(spool->first_lsn(), oldest);
  EXPECT_LT(spool->Stats().bytes_on_disk, bytes);
  auto records = ReadAll(*spool, 10);
  ASSERT_EQ(records.size(), 31u);
  EXPECT_EQ(records.front().lsn, 10u);

  // A reader behind the deleted segments jumps to the oldest record left and says so.
  uint64_t skipped = 0;
  records = ReadAll(*spool, 1, &skipped);
  EXPECT_EQ(records.front().lsn, oldest);
  EXPECT_EQ(skipped, oldest - 1);

  // Removing the slow cursor lets everything before the fast one go; the active segment stays.
  ASSERT_TRUE(spool->RemoveCursor("slow").ok());
  EXPECT_EQ(SegmentFiles(options.dir).size(), 1u);
  EXPECT_EQ(spool->Stats().segments, 1u);
}

TEST(Cursors, NoCursorsKeepsEverything) {
  TempDir dir;
  const SpoolOptions options = SmallSegments(dir);
  auto spool = OpenOrDie(options);
  ASSERT_TRUE(spool);
  AppendThousands(*spool, 30);
  spool.reset();
  spool = OpenOrDie(options);
  EXPECT_EQ(ReadAll(*spool, 1).size(), 30u);
}

TEST(SizeLimit, RefusesWhenFullKeepsEverythingAndRecovers) {
  TempDir dir;
  SpoolOptions options = SmallSegments(dir);
  options.max_bytes = 64 << 10;
  auto spool = OpenOrDie(options);
  ASSERT_TRUE(spool);
  ASSERT_TRUE(spool->OpenCursor("hook", 1).ok());
  int accepted = 0;
  Status refused;
  for (int i = 0; i < 1000 && refused.ok(); ++i) {
    refused = spool->AppendSync({RecordBytes(i, 1000)});
    if (refused.ok()) ++accepted;
  }
  ASSERT_EQ(refused.code(), Status::Code::kResourceExhausted) << refused.ToString();
  EXPECT_GT(accepted, 40);
  SpoolStats stats = spool->Stats();
  EXPECT_LE(stats.bytes_on_disk, options.max_bytes);
  EXPECT_EQ(stats.rejected_full, 1u);
  // Still full: refused again at once, and what was accepted is all there.
  EXPECT_EQ(spool->AppendSync({RecordBytes(0, 1000)}).code(), Status::Code::kResourceExhausted);
  auto records = ReadAll(*spool, 1);
  ASSERT_EQ(records.size(), static_cast<size_t>(accepted));
  for (int i = 0; i < accepted; ++i) EXPECT_TRUE(records[i].data == RecordBytes(i, 1000));
  // The hook catches up: segments go, space is free again.
  ASSERT_TRUE(spool->CommitCursor("hook", spool->end_lsn()).ok());
  EXPECT_LT(spool->Stats().bytes_on_disk, 16u << 10);
  Lsn lsn = 0;
  ASSERT_TRUE(spool->AppendSync({"after catching up"}, &lsn).ok());
  EXPECT_EQ(lsn, static_cast<Lsn>(accepted + 1));
  // A single Append bigger than the whole spool can never fit.
  EXPECT_EQ(spool->AppendSync({std::string(100 << 10, 'x')}).code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace streamhook::spool
