// Corruption drill: the server stops with undelivered records (Kinesis says the stream does not
// exist); bytes are flipped in the middle of one segment and another is cut in half; after a
// restart the damage is detected and logged with what was skipped, every record outside the damage
// (before it, after the damaged 32 KiB block, and in the intact segments) is delivered, and the
// server keeps serving.
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "drills/delivery_check.h"
#include "drills/drill_fixture.h"
#include "e2e/event_json.h"

namespace streamhook::drills {
namespace {
namespace fs = std::filesystem;

constexpr char kStream[] = "corruption-events";
constexpr int kBatches = 40;  // of 100 events: about 14 segments of 64 KB

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Where each logical record of an intact segment starts, read with the framing of
// src/spool/log_format.h (LevelDB's log: 32 KiB blocks, 7-byte fragment headers, FULL = 1 and
// FIRST = 2 begin a record) rather than with src/spool's reader. Also the fragment's data length.
struct RecordStart {
  uint64_t offset;
  uint32_t fragment_length;
};
std::vector<RecordStart> RecordStarts(const std::string& bytes) {
  constexpr uint64_t kBlock = 32768, kHeader = 7;
  std::vector<RecordStart> starts;
  uint64_t at = 0;
  while (at + kHeader <= bytes.size()) {
    const uint64_t left_in_block = kBlock - at % kBlock;
    if (left_in_block < kHeader) {  // zero-filled block trailer
      at += left_in_block;
      continue;
    }
    const uint32_t length = static_cast<uint8_t>(bytes[at + 4]) | static_cast<uint8_t>(bytes[at + 5]) << 8;
    const uint8_t type = static_cast<uint8_t>(bytes[at + 6]);
    if (type == 0) break;
    if (type == 1 || type == 2) starts.push_back({at, length});
    at += kHeader + length;
  }
  return starts;
}

// Inverts 16 bytes of the record's data, past its header; says where.
std::string FlipInside(const fs::path& path, const RecordStart& record) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  std::string bytes(16, '\0');
  file.seekg(record.offset + 8);
  file.read(bytes.data(), bytes.size());
  for (char& c : bytes) c = static_cast<char>(~c);
  file.seekp(record.offset + 8);
  file.write(bytes.data(), bytes.size());
  return "16 bytes flipped at offset " + std::to_string(record.offset + 8);
}

// The recovery summary of a start's log: [0] the line, [1] segments, [2] records, [3] bytes cut,
// [4] damaged places.
const std::regex kRecovered(
    R"(spool recovered: scanned (\d+) segments, recovered (\d+) records, cut (\d+) bytes, (\d+) damaged places)");

struct Damage {
  std::string segment;
  uint64_t first = 0;  // LSN of its first record
  size_t records = 0;  // in it before the damage
  size_t kept = 0;     // records before the damaged one
  size_t resume = 0;   // the first record read again after the damage (`records`: none is)
  std::string what;
};

class CorruptionDrill : public DrillTest {};

TEST_F(CorruptionDrill, DamageIsReportedAndRecordsBeforeItAreDelivered) {
  ASSERT_TRUE(StartAll(R"({"spool":{"segmentBytes":65536},"drainTimeoutMs":200})"));
  const std::string hook = CreateHook(kStream);
  ASSERT_FALSE(hook.empty());
  ASSERT_TRUE(standin().Control(R"({"streamError":"ResourceNotFoundException"})"));
  // One request at a time: the spool holds the events in this order, LSN after LSN.
  std::vector<std::string> acknowledged;
  for (int batch = 0; batch < kBatches; ++batch) {
    const std::vector<std::string> ids = e2e::NumberedIds("c" + std::to_string(batch) + "-", 100);
    const e2e::HttpReply reply =
        server().Post("/v1/batch", e2e::TrackBatchJson(ids, "user-", 50), write_key());
    ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
    acknowledged.insert(acknowledged.end(), ids.begin(), ids.end());
  }
  ASSERT_EQ(Metric("streamhook_records_delivered_total", hook), 0) << "the stream was supposed to be missing";
  const int stopped = server().Stop();
  ASSERT_TRUE(WIFEXITED(stopped) && WEXITSTATUS(stopped) == 0) << "SIGTERM exit status " << stopped;

  // Segments by name (= first LSN); every record is in one of them, in acknowledgement order.
  std::vector<fs::path> segments;
  for (const auto& entry : fs::directory_iterator(server().data_dir() / "spool"))
    if (entry.path().extension() == ".log") segments.push_back(entry.path());
  std::sort(segments.begin(), segments.end());
  ASSERT_GE(segments.size(), 5u) << "too few segments to damage two in the middle";
  std::vector<std::vector<RecordStart>> starts;
  size_t records_on_disk = 0;
  for (const fs::path& segment : segments) {
    starts.push_back(RecordStarts(ReadBytes(segment)));
    records_on_disk += starts.back().size();
  }
  ASSERT_EQ(records_on_disk, acknowledged.size())
      << "the segments do not hold exactly the acknowledged events";
  const uint64_t first_lsn = std::stoull(segments.front().stem().string());

  // Flip 16 bytes inside a record half-way through segment 1; cut segment 3 in the middle of a
  // record header. The newest segment stays intact (its damaged tail would be cut, not skipped).
  std::vector<Damage> damage;
  for (const auto& [index, flip] : {std::pair<size_t, bool>{1, true}, {3, false}}) {
    const fs::path& path = segments[index];
    const auto& records = starts[index];
    const uint64_t size = fs::file_size(path);
    size_t victim = 0;
    while (victim < records.size() &&
           (records[victim].offset < size / 2 || (flip && records[victim].fragment_length < 32)))
      ++victim;
    ASSERT_LT(victim, records.size());
    // After flipped bytes reading resumes at the first record starting in a later 32 KiB block
    // (log_format.h); after a cut nothing is read again.
    size_t resume = records.size();
    if (flip) {
      const uint64_t next_block = (records[victim].offset / 32768 + 1) * 32768;
      for (resume = victim; resume < records.size() && records[resume].offset < next_block;) ++resume;
    }
    Damage d{path.filename().string(), std::stoull(path.stem().string()), records.size(), victim, resume, ""};
    if (flip) {
      d.what = FlipInside(path, records[victim]);
    } else {
      fs::resize_file(path, records[victim].offset + 3);
      d.what =
          "cut to " + std::to_string(records[victim].offset + 3) + " of " + std::to_string(size) + " bytes";
    }
    std::printf("[drill] corruption: %s: %s, in record %zu of %zu\n", d.segment.c_str(), d.what.c_str(),
                victim + 1, records.size());
    damage.push_back(d);
  }

  const size_t mark = LogMark();
  ASSERT_TRUE(server().Start());
  ASSERT_TRUE(standin().Control(R"({"streamError":null})"));
  const std::string start_log = LogSince(mark);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(start_log, m, kRecovered)) << start_log;
  std::printf("[drill] corruption: restart: %s\n", m[0].str().c_str());
  EXPECT_EQ(m[4].str(), "2");
  EXPECT_EQ(m[3].str(), "0") << "the newest segment was not touched";
  std::vector<std::string> lost;  // messageIds of the records the damage took
  for (const Damage& d : damage) {
    const size_t skipped = d.resume - d.kept;
    // What the server says it skipped there, in its own words.
    const std::regex line("spool damage in " + d.segment +
                          R"( at offset \d+: [^\n]*\((\d+) records skipped\))");
    std::smatch said;
    if (std::regex_search(start_log, said, line)) {
      std::printf("[drill] corruption: the server logged: %s\n", said[0].str().c_str());
      EXPECT_EQ(std::stoull(said[1].str()), skipped) << d.segment;
    } else {
      ADD_FAILURE() << "no damage reported for " << d.segment << " in:\n" << start_log;
    }
    for (size_t i = d.kept; i < d.resume; ++i) lost.push_back(acknowledged[d.first - first_lsn + i]);
  }

  // The server keeps serving: new events are accepted and delivered after the damaged ones.
  const std::vector<std::string> after = e2e::NumberedIds("after-", 100);
  const e2e::HttpReply reply =
      server().Post("/v1/batch", e2e::TrackBatchJson(after, "user-", 50), write_key());
  ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
  const auto waiting = Clock::now();
  ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(90)));
  const double drain_seconds = SecondsSince(waiting);

  std::vector<std::string> expected;
  std::sort(lost.begin(), lost.end());
  for (const std::string& id : acknowledged)
    if (!std::binary_search(lost.begin(), lost.end(), id)) expected.push_back(id);
  expected.insert(expected.end(), after.begin(), after.end());
  const std::vector<AcceptedRecord> records = standin().Records(kStream);
  const DeliveryCheck check = CheckDelivery(expected, records);
  const DeliveryCheck of_lost = CheckDelivery(lost, records);
  std::printf(
      "[drill] corruption: %zu of %zu acknowledged events sat after the damage; %zu of those delivered\n",
      lost.size(), acknowledged.size(), lost.size() - of_lost.missing);
  std::printf("[drill] corruption: delivered %.0f records in %.2f s after the restart\n",
              Metric("streamhook_records_delivered_total", hook), drain_seconds);
  PrintCheck("corruption (events outside the damage)", check);
  EXPECT_EQ(check.missing, 0u) << "first missing: "
                               << (check.missing_examples.empty() ? "" : check.missing_examples.front());
  EXPECT_EQ(check.foreign, 0u) << "a damaged record reached the stream";
  EXPECT_EQ(check.order_violations, 0u) << check.order_example;
  EXPECT_TRUE(server().Running());
}

// Flipped bytes in the middle of the newest segment (with the default 64 MB segments usually the
// only one) are damage, not a torn tail: recovery reports a damaged place and cuts nothing, so the
// acknowledged, intact records after the damaged block survive.
TEST_F(CorruptionDrill, DamageInTheNewestSegmentIsReportedNotCut) {
  ASSERT_TRUE(StartAll(R"({"drainTimeoutMs":200})"));
  const std::string hook = CreateHook(kStream);
  ASSERT_FALSE(hook.empty());
  ASSERT_TRUE(standin().Control(R"({"streamError":"ResourceNotFoundException"})"));
  std::vector<std::string> acknowledged;
  for (int batch = 0; batch < 20; ++batch) {
    const std::vector<std::string> ids = e2e::NumberedIds("n" + std::to_string(batch) + "-", 100);
    const e2e::HttpReply reply =
        server().Post("/v1/batch", e2e::TrackBatchJson(ids, "user-", 50), write_key());
    ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
    acknowledged.insert(acknowledged.end(), ids.begin(), ids.end());
  }
  const int stopped = server().Stop();
  ASSERT_TRUE(WIFEXITED(stopped) && WEXITSTATUS(stopped) == 0) << "SIGTERM exit status " << stopped;
  std::vector<fs::path> segments;
  for (const auto& entry : fs::directory_iterator(server().data_dir() / "spool"))
    if (entry.path().extension() == ".log") segments.push_back(entry.path());
  std::sort(segments.begin(), segments.end());
  ASSERT_FALSE(segments.empty());
  const fs::path& newest = segments.back();
  const std::vector<RecordStart> records = RecordStarts(ReadBytes(newest));
  size_t victim = records.size() / 2;
  while (victim < records.size() && records[victim].fragment_length < 32) ++victim;
  ASSERT_LT(victim, records.size());
  std::printf("[drill] corruption: %s: %s, in record %zu of %zu\n", newest.filename().c_str(),
              FlipInside(newest, records[victim]).c_str(), victim + 1, records.size());

  const size_t mark = LogMark();
  ASSERT_TRUE(server().Start());
  const std::string start_log = LogSince(mark);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(start_log, m, kRecovered)) << start_log;
  std::printf("[drill] corruption: restart: %s\n", m[0].str().c_str());
  EXPECT_EQ(m[4].str(), "1") << "the damage is not reported as a damaged place";
  EXPECT_EQ(m[3].str(), "0") << "intact acknowledged records after the damage were cut off the disk";
}

}  // namespace
}  // namespace streamhook::drills
