#include "spool/spool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "spool_test_util.h"
#include "support/test_env.h"

namespace streamhook::spool {
namespace {

using streamhook::testing::TempDir;
using testing::OpenOrDie;
using testing::ReadAll;
using testing::RecordBytes;
using testing::SegmentFiles;

SpoolOptions Options(const TempDir& dir, uint64_t segment_bytes = 256 << 10) {
  SpoolOptions options;
  options.dir = dir.path() / "spool";
  options.segment_bytes = segment_bytes;
  return options;
}

TEST(Spool, RoundTripAcrossBlocksSegmentsAndReopen) {
  TempDir dir;
  const SpoolOptions options = Options(dir);
  std::mt19937 rng(1);
  std::vector<size_t> sizes = {0, 1, 7, 32761, 32762, 32768, 65536, 200000, 0, 3};
  for (int i = 0; i < 120; ++i) sizes.push_back(rng() % 4 == 0 ? rng() % 200001 : rng() % 2000);
  {
    auto spool = OpenOrDie(options);
    ASSERT_TRUE(spool);
    EXPECT_EQ(spool->end_lsn(), 1u);
    for (size_t i = 0; i < sizes.size();) {
      // Appends of one to three records, so multi-record Appends are covered too.
      std::vector<std::string> batch;
      const size_t first = i;
      for (size_t n = 1 + i % 3; n > 0 && i < sizes.size(); --n, ++i)
        batch.push_back(RecordBytes(i, sizes[i]));
      Lsn lsn = 0;
      ASSERT_TRUE(spool->AppendSync(std::move(batch), &lsn).ok());
      EXPECT_EQ(lsn, first + 1);
    }
    EXPECT_EQ(spool->end_lsn(), sizes.size() + 1);
    EXPECT_GT(spool->Stats().segments, 3u);
  }
  RecoveryReport report;
  auto spool = OpenOrDie(options, &report);
  ASSERT_TRUE(spool);
  EXPECT_EQ(report.records_recovered, sizes.size());
  EXPECT_EQ(report.bytes_cut, 0u);
  EXPECT_TRUE(report.damaged.empty());
  EXPECT_EQ(report.segments_scanned, SegmentFiles(options.dir).size());
  auto records = ReadAll(*spool, 1);
  ASSERT_EQ(records.size(), sizes.size());
  for (size_t i = 0; i < sizes.size(); ++i) {
    EXPECT_EQ(records[i].lsn, i + 1);
    EXPECT_TRUE(records[i].data == RecordBytes(i, sizes[i])) << "record " << i;
  }
  // Starting anywhere (with the checkpoint index) gives the same records.
  for (Lsn from : {2u, 57u, 130u}) {
    auto tail = ReadAll(*spool, from);
    ASSERT_EQ(tail.size(), sizes.size() + 1 - from);
    EXPECT_EQ(tail.front().lsn, from);
    EXPECT_TRUE(tail.front().data == RecordBytes(from - 1, sizes[from - 1]));
  }
  Lsn lsn = 0;
  ASSERT_TRUE(spool->AppendSync({"after reopen"}, &lsn).ok());
  EXPECT_EQ(lsn, sizes.size() + 1);
}

TEST(Spool, CheckpointsFindRecordsInLongSegments) {
  TempDir dir;
  auto spool = OpenOrDie(Options(dir, 64 << 20));
  ASSERT_TRUE(spool);
  std::vector<std::string> batch;
  for (int i = 0; i < 5000; ++i) batch.push_back("r" + std::to_string(i + 1));
  ASSERT_TRUE(spool->AppendSync(std::move(batch)).ok());
  for (Lsn from : {1u, 1024u, 1025u, 2049u, 4999u, 5000u}) {
    auto reader = spool->NewReader(from);
    std::vector<SpoolRecord> out;
    ASSERT_TRUE(reader->Read(2, 1 << 20, &out).ok());
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out[0].lsn, from);
    EXPECT_EQ(out[0].data, "r" + std::to_string(from));
  }
}

TEST(Spool, ReaderHonoursMaxRecordsAndMaxBytes) {
  TempDir dir;
  auto spool = OpenOrDie(Options(dir));
  ASSERT_TRUE(spool);
  ASSERT_TRUE(spool
                  ->AppendSync({std::string(100, 'a'), std::string(100, 'b'), std::string(100, 'c'),
                                std::string(1000, 'd'), std::string(10, 'e')})
                  .ok());
  auto reader = spool->NewReader(1);
  std::vector<SpoolRecord> out;
  ASSERT_TRUE(reader->Read(10, 250, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(reader->position(), 3u);
  out.clear();
  ASSERT_TRUE(reader->Read(10, 250, &out).ok());  // 'c' fits, the 1000-byte 'd' does not
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].lsn, 3u);
  EXPECT_EQ(reader->position(), 4u);
  out.clear();
  ASSERT_TRUE(reader->Read(10, 250, &out).ok());  // a record bigger than max_bytes comes alone
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data, std::string(1000, 'd'));
  out.clear();
  ASSERT_TRUE(reader->Read(1, 250, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].lsn, 5u);
  out.clear();
  ASSERT_TRUE(reader->Read(10, 250, &out).ok());
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(reader->position(), 6u);
}

TEST(Spool, GroupCommitSharesFsyncs) {
  TempDir dir;
  auto spool = OpenOrDie(Options(dir, 1 << 20));
  ASSERT_TRUE(spool);
  constexpr int kThreads = 8;
  constexpr int kAppendsPerThread = 150;
  std::atomic<int> succeeded{0};
  std::vector<std::vector<Lsn>> lsns(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppendsPerThread; ++i) {
        Lsn lsn = 0;
        if (spool->AppendSync({RecordBytes(t * 100000 + i, 200 + i)}, &lsn).ok()) {
          ++succeeded;
          lsns[t].push_back(lsn);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(succeeded.load(), kThreads * kAppendsPerThread);
  const SpoolStats stats = spool->Stats();
  EXPECT_EQ(stats.appends, static_cast<uint64_t>(kThreads * kAppendsPerThread));
  EXPECT_EQ(stats.records_appended, stats.appends);
  EXPECT_GT(stats.fsyncs, 0u);
  EXPECT_LT(stats.fsyncs, stats.appends);
  EXPECT_EQ(stats.fsyncs, stats.groups);
  std::printf("group commit: %llu appends, %llu fsyncs, %.1f%% of fsyncs saved\n",
              static_cast<unsigned long long>(stats.appends), static_cast<unsigned long long>(stats.fsyncs),
              100.0 * stats.FsyncSavedShare());
  // Every acknowledged record is where its LSN says, and each thread's LSNs increase.
  const auto records = ReadAll(*spool, 1);
  ASSERT_EQ(records.size(), static_cast<size_t>(kThreads * kAppendsPerThread));
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kAppendsPerThread; ++i) {
      const Lsn lsn = lsns[t][i];
      if (i > 0) {
        EXPECT_GT(lsn, lsns[t][i - 1]);
      }
      EXPECT_TRUE(records[lsn - 1].data == RecordBytes(t * 100000 + i, 200 + i));
    }
  }
}

TEST(Spool, AsyncAppendsCallBackInOrderOnce) {
  TempDir dir;
  auto spool = OpenOrDie(Options(dir));
  ASSERT_TRUE(spool);
  constexpr int kAppends = 500;
  std::mutex mu;
  std::vector<Lsn> firsts;
  std::atomic<int> failures{0};
  for (int i = 0; i < kAppends; ++i) {
    spool->Append({"x" + std::to_string(i), "y"}, [&](Status s, Lsn first) {
      if (!s.ok()) ++failures;
      std::lock_guard lock(mu);
      firsts.push_back(first);
    });
  }
  ASSERT_TRUE(spool->WaitForRecords(2 * kAppends, std::chrono::seconds(60)));
  spool.reset();  // drains: every callback has run
  EXPECT_EQ(failures.load(), 0);
  ASSERT_EQ(firsts.size(), static_cast<size_t>(kAppends));
  for (int i = 0; i < kAppends; ++i) EXPECT_EQ(firsts[i], static_cast<Lsn>(2 * i + 1));
}

TEST(Spool, EmptyAppendAndSecondOpenOfTheSameDirectory) {
  TempDir dir;
  auto spool = OpenOrDie(Options(dir));
  ASSERT_TRUE(spool);
  Lsn first = 0;
  EXPECT_TRUE(spool->AppendSync({}, &first).ok());
  EXPECT_EQ(first, 1u);
  EXPECT_EQ(spool->end_lsn(), 1u);
  auto second = Spool::Open(Options(dir));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kUnavailable);
  EXPECT_FALSE(Spool::Open(SpoolOptions{}).ok());
}

TEST(Spool, ReaderWaitsAndWakesOnAppend) {
  TempDir dir;
  auto spool = OpenOrDie(Options(dir));
  ASSERT_TRUE(spool);
  auto reader = spool->NewReader(spool->end_lsn());
  EXPECT_FALSE(reader->Wait(std::chrono::milliseconds(20)));
  std::atomic<bool> woke{false};
  std::thread waiter([&] { woke = reader->Wait(std::chrono::seconds(30)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(spool->AppendSync({"wake up"}).ok());
  waiter.join();
  EXPECT_TRUE(woke.load());
  std::vector<SpoolRecord> out;
  ASSERT_TRUE(reader->Read(10, 1 << 20, &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].data, "wake up");
}

TEST(Spool, ConcurrentAppendsReadsAndCommits) {
  TempDir dir;
  SpoolOptions options = Options(dir, 16 << 10);
  options.fsync = false;
  auto spool = OpenOrDie(options);
  ASSERT_TRUE(spool);
  ASSERT_TRUE(spool->OpenCursor("hook", 1).ok());
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 400;
  std::vector<std::thread> writers;
  for (int t = 0; t < kWriters; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPerWriter; ++i)
        EXPECT_TRUE(spool->AppendSync({RecordBytes(t, 50 + i % 500)}).ok());
    });
  }
  // The hook: read, "deliver", commit, wait; segments get deleted behind it meanwhile.
  auto reader = spool->NewReader(*spool->CursorPosition("hook"));
  size_t seen = 0;
  while (seen < kWriters * kPerWriter) {
    std::vector<SpoolRecord> out;
    ASSERT_TRUE(reader->Read(50, 64 << 10, &out).ok());
    for (const auto& record : out) EXPECT_EQ(record.lsn, ++seen);
    if (out.empty()) {
      reader->Wait(std::chrono::milliseconds(100));
    } else {
      ASSERT_TRUE(spool->CommitCursor("hook", reader->position()).ok());
    }
  }
  for (auto& writer : writers) writer.join();
  EXPECT_EQ(reader->records_skipped(), 0u);
  const SpoolStats stats = spool->Stats();
  EXPECT_GT(stats.segments_deleted, 0u);
  ASSERT_EQ(stats.cursors.size(), 1u);
  EXPECT_EQ(stats.cursors[0].lag, 0u);
}

}  // namespace
}  // namespace streamhook::spool
