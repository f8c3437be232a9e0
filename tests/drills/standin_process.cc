#include "drills/standin_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <simdjson.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "common/encoding.h"
#include "e2e/http_client.h"

namespace streamhook::drills {
namespace {

constexpr std::string_view kListening = "kinesis-standin listening on";

std::string ReadLog(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

size_t CountOf(const std::string& text, std::string_view needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

// One control call on a fresh connection; /_records can be tens of MB, hence the long deadline.
e2e::HttpReply ControlCall(int port, std::string_view method, std::string_view target,
                           std::string_view body) {
  e2e::HttpClient client(port, std::chrono::seconds(60));
  return client.Call(method, target, body);
}

}  // namespace

StandinProcess::~StandinProcess() {
  if (process_) process_->Stop();
}

bool StandinProcess::Running() const {
  return process_ && process_->Running();
}

bool StandinProcess::Start() {
  const auto log = dir_.path() / "standin.log";
  const std::string script = (testing::SourceDir() / "tests/support/kinesis-standin.js").string();
  const bool first = port_ == 0;
  // A fresh port may be taken before node binds it; a reused one may still be held for a moment.
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (first) port_ = testing::FreeLoopbackPort();
    const size_t before = CountOf(ReadLog(log), kListening);
    process_ = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{"node", script, "--port", std::to_string(port_), "--shards",
                                 std::to_string(shards_)},
        std::map<std::string, std::string>{}, log);
    for (int i = 0; i < 300 && process_->Running(); ++i) {
      if (CountOf(ReadLog(log), kListening) > before) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    process_->Stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ADD_FAILURE() << "the Kinesis stand-in did not start on port " << port_ << ":\n" << ReadLog(log);
  return false;
}

void StandinProcess::Stop(const std::vector<std::string>& streams) {
  if (!Running()) return;
  // Down first: a request stored after the read below would be lost with the process.
  Control(R"({"down":true})");
  for (const std::string& stream : streams) {
    std::vector<AcceptedRecord> live = LiveRecords(stream);
    auto& kept = saved_[stream];
    kept.insert(kept.end(), std::make_move_iterator(live.begin()), std::make_move_iterator(live.end()));
  }
  process_->Signal(SIGTERM);
  if (process_->Wait(std::chrono::seconds(10)) == -1) process_->Stop();
}

bool StandinProcess::Control(const std::string& json) {
  const e2e::HttpReply reply = ControlCall(port_, "POST", "/_control", json);
  if (reply.status == 200) return true;
  ADD_FAILURE() << "the stand-in refused control " << json << ": HTTP " << reply.status << " " << reply.error
                << reply.body;
  return false;
}

std::vector<AcceptedRecord> StandinProcess::Records(const std::string& stream) {
  std::vector<AcceptedRecord> records;
  if (auto it = saved_.find(stream); it != saved_.end()) records = it->second;
  if (Running()) {
    std::vector<AcceptedRecord> live = LiveRecords(stream);
    records.insert(records.end(), std::make_move_iterator(live.begin()), std::make_move_iterator(live.end()));
  }
  return records;
}

std::vector<AcceptedRecord> StandinProcess::LiveRecords(const std::string& stream) {
  std::vector<AcceptedRecord> records;
  const e2e::HttpReply reply = ControlCall(port_, "GET", "/_records?stream=" + stream, "");
  simdjson::dom::parser parser;
  simdjson::dom::array list;
  if (reply.status != 200 || parser.parse(reply.body)["records"].get_array().get(list) != simdjson::SUCCESS) {
    ADD_FAILURE() << "GET /_records failed: HTTP " << reply.status << " " << reply.error
                  << reply.body.substr(0, 300);
    return records;
  }
  for (simdjson::dom::element item : list) {
    std::string_view shard, key, data;
    if (item["shardId"].get(shard) || item["partitionKey"].get(key) || item["data"].get(data)) {
      ADD_FAILURE() << "GET /_records: a record lacks a field: " << simdjson::to_string(item);
      continue;
    }
    std::optional<std::string> decoded = Base64Decode(data);
    if (!decoded) ADD_FAILURE() << "GET /_records: data is not base64: " << data;
    std::string_view access_key_id;
    if (item["accessKeyId"].get(access_key_id)) access_key_id = "";
    records.push_back(
        {std::string(shard), std::string(key), decoded.value_or(""), std::string(access_key_id)});
  }
  return records;
}

std::map<std::string, int64_t> StandinProcess::Stats() {
  std::map<std::string, int64_t> stats;
  const e2e::HttpReply reply = ControlCall(port_, "GET", "/_stats", "");
  simdjson::dom::parser parser;
  simdjson::dom::object counters;
  if (reply.status != 200 || parser.parse(reply.body).get_object().get(counters) != simdjson::SUCCESS) {
    ADD_FAILURE() << "GET /_stats failed: HTTP " << reply.status << " " << reply.error << reply.body;
    return stats;
  }
  for (auto [name, value] : counters) {
    int64_t n = 0;
    if (value.get_int64().get(n) == simdjson::SUCCESS) stats[std::string(name)] = n;
  }
  return stats;
}

}  // namespace streamhook::drills
