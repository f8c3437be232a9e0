// Disk-full drill: the data directory is a 4 MB filesystem. With Kinesis refusing the stream
// nothing leaves the spool, so ingest fills the disk until the server refuses events; a kill -9 and
// restart on the full disk finds no damaged segment; once space frees up (a filler file deleted,
// later delivered segments deleted) ingest accepts again, and nothing acknowledged is lost.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <regex>
#include <thread>

#include "drills/delivery_check.h"
#include "drills/drill_fixture.h"
#include "drills/load_sender.h"
#include "drills/small_filesystem.h"

namespace streamhook::drills {
namespace {

constexpr char kStream[] = "disk-full-events";
constexpr uint64_t kFilesystemBytes = 4 << 20;
constexpr uint64_t kLeftByFiller = 1 << 20;

// Sets an environment variable for the scope (the fixture's server reads STREAMHOOK_BIN at start).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::string Refusals(const LoadSender& load) {
  std::string text;
  for (const auto& [status, count] : load.refusals()) {
    text += (text.empty() ? "" : ", ") + std::to_string(count) + " x " + std::to_string(status);
  }
  return text.empty() ? "none" : text;
}

class DiskFullDrill : public DrillTest {};

TEST_F(DiskFullDrill, FullDiskRefusesEventsAndRecovers) {
  ASSERT_TRUE(StartStandin());
  // Small segments, so that delivered ones can be deleted while the last one is still written.
  MakeServer(R"({"spool":{"segmentBytes":262144}})");
  SmallFilesystem small(server().data_dir(), kFilesystemBytes);
  if (!small.ok()) GTEST_SKIP() << "cannot mount a small filesystem here: " << small.problem();
  std::printf("[drill] disk full: a %llu-byte tmpfs over the data directory, in a %s\n",
              static_cast<unsigned long long>(kFilesystemBytes), small.how().c_str());
  const ScopedEnv launcher("STREAMHOOK_BIN", small.launcher().string());
  ASSERT_TRUE(StartServer());
  const std::string hook = CreateHook(kStream);
  ASSERT_FALSE(hook.empty());
  // Kinesis says the stream is gone: the hook retries and nothing leaves the spool.
  ASSERT_TRUE(standin().Control(R"({"streamError":"ResourceNotFoundException"})"));

  // 1. A filler file takes all but 1 MB; the spool fills the rest.
  const auto filler = small.Path(server().data_dir() / "filler");
  {
    std::ofstream out(filler, std::ios::binary);
    const std::string block(1 << 16, 'x');
    for (uint64_t left = small.FreeBytes() - kLeftByFiller; left >= block.size(); left -= block.size())
      out.write(block.data(), block.size());
    ASSERT_TRUE(out.good()) << "cannot write the filler file " << filler;
  }
  LoadSender load(server().port(), write_key(),
                  {.id_prefix = "full-b",
                   .pause = std::chrono::milliseconds(5),
                   .pause_after_refusal = std::chrono::milliseconds(100)});
  load.Start();
  ASSERT_TRUE(load.WaitForRefused(3, std::chrono::seconds(60))) << "the server never refused an event";
  load.Stop();
  std::printf(
      "[drill] disk full: %zu events acknowledged until the disk was full; refusals: %s; free %llu bytes\n",
      load.acknowledged_ids().size(), Refusals(load).c_str(),
      static_cast<unsigned long long>(small.FreeBytes()));
  for (const auto& [status, count] : load.refusals()) {
    std::printf("[drill] disk full: a %d answer said: %s\n", status, load.last_refusal_body(status).c_str());
    EXPECT_EQ(status, 503) << "a full disk is a retryable refusal: 503 with Retry-After";
  }
  const int ready_status = server().Get("/readyz").status;
  std::printf("[drill] disk full: spool write errors %.0f, refused as full %.0f; /readyz answers %d\n",
              Metric("streamhook_spool_write_errors_total"), Metric("streamhook_spool_rejected_full_total"),
              ready_status);
  EXPECT_EQ(ready_status, 503) << "a server that cannot store events is not ready";
  ASSERT_TRUE(server().Running()) << "the server died on the full disk";
  const std::string log = server().Log();
  if (const size_t at = log.find("storing events failed"); at != std::string::npos)
    std::printf("[drill] disk full: the server logged: %s\n",
                log.substr(at, log.find('\n', at) - at).c_str());

  // 2. kill -9 and restart on the full disk: the segments written up to the failures are intact.
  const size_t mark = LogMark();
  const auto killed_at = Clock::now();
  server().Kill9();
  ASSERT_TRUE(server().Start()) << "the server does not start on a full disk";
  const double restart_seconds = SecondsSince(killed_at);
  const std::string start_log = LogSince(mark);
  std::smatch m;
  static const std::regex kRecovered(
      R"(spool recovered: scanned (\d+) segments, recovered (\d+) records, cut (\d+) bytes, (\d+) damaged places)");
  ASSERT_TRUE(std::regex_search(start_log, m, kRecovered)) << start_log;
  std::printf("[drill] disk full: restart on the full disk took %.2f s: %s\n", restart_seconds,
              m[0].str().c_str());
  EXPECT_EQ(m[3].str(), "0") << "bytes cut: a failed write left a torn record";
  EXPECT_EQ(m[4].str(), "0") << "damaged places";
  EXPECT_GE(std::stoull(m[2].str()), load.acknowledged_ids().size()) << "acknowledged records are gone";

  // 3. Delete the filler: ingest accepts again.
  std::filesystem::remove(filler);
  const auto freed_at = Clock::now();
  LoadSender again(server().port(), write_key(),
                   {.id_prefix = "again-b",
                    .pause = std::chrono::milliseconds(5),
                    .pause_after_refusal = std::chrono::milliseconds(100)});
  again.Start();
  ASSERT_TRUE(again.WaitForAcknowledged(1, std::chrono::seconds(30)))
      << "still refused after the filler went";
  std::printf("[drill] disk full: first event accepted %.2f s after the filler was deleted\n",
              SecondsSince(freed_at));

  // 4. The spool alone fills the disk again; then Kinesis takes the stream back, delivered segments
  // are deleted, and ingest accepts again by itself.
  ASSERT_TRUE(again.WaitForRefused(3, std::chrono::seconds(120))) << "the spool never filled the disk";
  const size_t acknowledged_when_full = again.acknowledged_batches();
  ASSERT_TRUE(standin().Control(R"({"streamError":null})"));
  const auto delivering_at = Clock::now();
  ASSERT_TRUE(again.WaitForAcknowledged(acknowledged_when_full + 5, std::chrono::seconds(120)))
      << "ingest does not accept again after delivery freed segments";
  const double reopen_seconds = SecondsSince(delivering_at);
  again.Stop();
  ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(120)));
  std::printf(
      "[drill] disk full: filled again with %zu events; ingest accepted again %.2f s after Kinesis came back "
      "(refusals: %s); delivered %.0f records\n",
      acknowledged_when_full * 100, reopen_seconds, Refusals(again).c_str(),
      Metric("streamhook_records_delivered_total", hook));

  std::vector<std::string> acknowledged = load.acknowledged_ids();
  const std::vector<std::string> later = again.acknowledged_ids();
  acknowledged.insert(acknowledged.end(), later.begin(), later.end());
  const DeliveryCheck check = CheckDelivery(acknowledged, standin().Records(kStream));
  PrintCheck("disk full", check);
  EXPECT_EQ(check.missing, 0u) << "first missing: "
                               << (check.missing_examples.empty() ? "" : check.missing_examples.front());
  EXPECT_EQ(check.order_violations, 0u) << check.order_example;
  EXPECT_EQ(check.foreign, 0u);
  const int status = server().Stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "SIGTERM exit status " << status;
}

}  // namespace
}  // namespace streamhook::drills
