// Crash safety with real processes: kill -9 in the middle of appends, and a full disk.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "spool/spool.h"
#include "spool_test_util.h"
#include "support/test_env.h"

namespace streamhook::spool {
namespace {

using streamhook::testing::TempDir;
using testing::OpenOrDie;
using testing::ReadAll;
using testing::RecordBytes;

struct Ack {
  uint64_t lsn;
  uint64_t seed;
  uint64_t size;
};

uint64_t SizeFor(uint64_t seed) {
  return (seed * 7919) % 9000;
}

// The child: 4 threads append forever and report every acknowledged record on the pipe.
[[noreturn]] void AppendUntilKilled(const SpoolOptions& options, int ack_fd, uint64_t seed_base) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  auto spool = Spool::Open(options);
  if (!spool.ok()) ::_exit(3);
  std::vector<std::thread> threads;
  for (uint64_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t i = 0;; ++i) {
        const uint64_t seed = seed_base + t * 1000000 + i;
        Lsn lsn = 0;
        if (!(*spool)->AppendSync({RecordBytes(seed, SizeFor(seed))}, &lsn).ok()) ::_exit(4);
        const Ack ack{lsn, seed, SizeFor(seed)};
        if (::write(ack_fd, &ack, sizeof ack) != sizeof ack) ::_exit(5);  // atomic: < PIPE_BUF
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ::_exit(0);
}

TEST(Crash, AcknowledgedRecordsSurviveKill9) {
  TempDir dir;
  SpoolOptions options;
  options.dir = dir.path() / "spool";
  options.segment_bytes = 64 << 10;
  std::vector<Ack> acked;
  for (int round = 0; round < 4; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(fds[0]);
      AppendUntilKilled(options, fds[1], static_cast<uint64_t>(round) * 100000000);
    }
    ::close(fds[1]);
    // Let it acknowledge a varying number of records, then kill it mid-flight.
    const size_t target = acked.size() + 100 + round * 70;
    Ack ack;
    while (acked.size() < target && ::read(fds[0], &ack, sizeof ack) == sizeof ack) acked.push_back(ack);
    ASSERT_EQ(::kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child failed on its own with exit code " << WEXITSTATUS(status);
    while (::read(fds[0], &ack, sizeof ack) == sizeof ack) acked.push_back(ack);  // acks in the pipe
    ::close(fds[0]);

    RecoveryReport report;
    auto spool = OpenOrDie(options, &report);
    ASSERT_TRUE(spool);
    EXPECT_TRUE(report.damaged.empty()) << report.Summary();
    const auto records = ReadAll(*spool, 1);
    ASSERT_EQ(records.size() + 1, spool->end_lsn());  // no gaps
    for (const Ack& a : acked) {
      ASSERT_LE(a.lsn, records.size());
      EXPECT_TRUE(records[a.lsn - 1].data == RecordBytes(a.seed, a.size)) << "LSN " << a.lsn;
    }
    std::printf("round %d: %zu records acknowledged so far, %zu on disk, %llu bytes cut\n", round,
                acked.size(), records.size(), static_cast<unsigned long long>(report.bytes_cut));
  }
}

// A tiny tmpfs stands in for a full disk: a failed write leaves no trace, and freeing space
// (a cursor passing old segments) makes appends work again.
TEST(DiskFull, WriteErrorsLeaveNoCorruptSegment) {
  TempDir dir;
  const auto mount_point = dir.path() / "small";
  std::filesystem::create_directory(mount_point);
  if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=1m") != 0) {
    GTEST_SKIP() << "cannot mount a 1 MiB tmpfs to simulate a full disk (needs root and mount permission): "
                 << std::strerror(errno);
  }
  struct Unmount {
    std::filesystem::path path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{mount_point};

  SpoolOptions options;
  options.dir = mount_point / "spool";
  options.segment_bytes = 64 << 10;
  options.max_bytes = 64 << 20;  // far above the disk: the disk fills first
  {
    auto spool = OpenOrDie(options);
    ASSERT_TRUE(spool);
    ASSERT_TRUE(spool->OpenCursor("hook", 1).ok());
    Status failure;
    int accepted = 0;
    for (int i = 0; i < 1000 && failure.ok(); ++i) {
      failure = spool->AppendSync({RecordBytes(i, 10000)});
      if (failure.ok()) ++accepted;
    }
    // A full disk is a retryable refusal (ingest answers 503 + Retry-After), not an I/O fault.
    ASSERT_EQ(failure.code(), Status::Code::kResourceExhausted) << failure.ToString();
    EXPECT_NE(failure.message().find("No space left"), std::string::npos) << failure.message();
    EXPECT_NE(failure.message().find("disk holding the spool is full"), std::string::npos)
        << failure.message();
    EXPECT_GT(accepted, 50);
    // Nothing of the failed append is on disk: the files hold exactly the accounted bytes.
    SpoolStats stats = spool->Stats();
    EXPECT_GE(stats.write_errors, 1u);
    EXPECT_TRUE(stats.last_write_failed);
    EXPECT_NE(stats.last_write_error.find("No space left"), std::string::npos) << stats.last_write_error;
    // Still full: the next append fails the same way and leaves nothing behind either.
    EXPECT_EQ(spool->AppendSync({RecordBytes(4242, 10000)}).code(), Status::Code::kResourceExhausted);
    uint64_t on_disk = 0;
    for (const auto& file : testing::SegmentFiles(options.dir)) on_disk += std::filesystem::file_size(file);
    EXPECT_EQ(on_disk, stats.bytes_on_disk);
    auto records = ReadAll(*spool, 1);
    ASSERT_EQ(records.size(), static_cast<size_t>(accepted));
    // Free space: the hook passed everything, old segments go, appends work again.
    ASSERT_TRUE(spool->CommitCursor("hook", spool->end_lsn()).ok());
    Lsn lsn = 0;
    Status again = spool->AppendSync({RecordBytes(424242, 10000)}, &lsn);
    ASSERT_TRUE(again.ok()) << again.ToString();
    EXPECT_EQ(lsn, static_cast<Lsn>(accepted + 1));
    EXPECT_FALSE(spool->Stats().last_write_failed) << "a successful write clears it";
    EXPECT_TRUE(spool->Stats().last_write_error.empty());
  }
  RecoveryReport report;
  auto spool = OpenOrDie(options, &report);
  ASSERT_TRUE(spool);
  EXPECT_EQ(report.bytes_cut, 0u);
  EXPECT_TRUE(report.damaged.empty()) << report.Summary();
  const auto records = ReadAll(*spool, *spool->CursorPosition("hook"));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0].data == RecordBytes(424242, 10000));
}

}  // namespace
}  // namespace streamhook::spool
