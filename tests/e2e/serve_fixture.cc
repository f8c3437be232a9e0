#include "e2e/serve_fixture.h"

#include <signal.h>
#include <simdjson.h>
#include <sys/wait.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace streamhook::e2e {
namespace fs = std::filesystem;
using testing::ChildProcess;
using testing::RunCommand;
using testing::SourceDir;
using testing::StreamhookBinary;

namespace {

constexpr std::string_view kListening = "streamhook listening on port ";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The port in this start's "streamhook listening on port N\n", once the whole line is there. Only
// digits directly followed by the newline count: a line cut by another write must not yield a port.
std::optional<int> ListeningPort(const std::string& log, size_t from) {
  const size_t at = log.find(kListening, from);
  if (at == std::string::npos) return std::nullopt;
  size_t end = at + kListening.size();
  int port = 0;
  while (end < log.size() && end - at - kListening.size() < 6 &&
         std::isdigit(static_cast<unsigned char>(log[end])))
    port = port * 10 + (log[end++] - '0');
  if (end == at + kListening.size() || end >= log.size() || log[end] != '\n' || port > 65535)
    return std::nullopt;
  return port;
}

std::map<std::string, std::string> Environment(std::map<std::string, std::string> extra) {
  extra["STREAMHOOK_ADMIN_TOKEN"] = std::string(kAdminToken);
  return extra;
}

std::string Tail(const std::string& text, size_t max_bytes) {
  return text.size() <= max_bytes ? text : "..." + text.substr(text.size() - max_bytes);
}

HttpReply OneCall(int port, std::string_view method, std::string_view target, std::string_view body,
                  const HeaderList& headers) {
  HttpClient client(port);
  return client.Call(method, target, body, headers);
}

}  // namespace

StreamhookServer::StreamhookServer(std::vector<std::string> extra_args,
                                   std::map<std::string, std::string> extra_env)
    : data_dir_(dir_.path() / "data"),
      log_path_(dir_.path() / "server.log"),
      extra_args_(std::move(extra_args)),
      extra_env_(std::move(extra_env)) {}

StreamhookServer::~StreamhookServer() {
  if (process_) process_->Stop();
}

bool StreamhookServer::Running() {
  return process_ && process_->Running();
}

std::string StreamhookServer::Log() const {
  return ReadFile(log_path_);
}

bool StreamhookServer::Start() {
  const size_t log_start = Log().size();  // the log file collects every start; look at this one's part
  const std::string listen = "127.0.0.1:" + std::to_string(port_);
  std::vector<std::string> argv = {StreamhookBinary().string(), "serve", "--listen", listen, "--data-dir",
                                   data_dir_.string()};
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  ++starts_;
  // A port freed by a killed server can take a moment to bind again: retry a few times.
  for (int attempt = 0; attempt < 20; ++attempt) {
    process_ = std::make_unique<ChildProcess>(argv, Environment(extra_env_), log_path_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string log = Log();
      if (const std::optional<int> port = ListeningPort(log, log_start)) {
        port_ = *port;
        return true;
      }
      if (!process_->Running()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const std::string log = Log();
    const bool port_busy = log.find("already in use", log_start) != std::string::npos;
    if (!port_busy || port_ == 0) break;
    process_->Stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  process_->Stop();
  ADD_FAILURE() << "streamhook serve (start " << starts_ << ") did not come up; its log:\n"
                << Tail(Log(), 8000);
  return false;
}

void StreamhookServer::Kill9() {
  if (!process_) return;
  process_->Signal(SIGKILL);
  process_->Wait(std::chrono::seconds(10));
}

bool StreamhookServer::Restart() {
  if (Running()) Kill9();
  return Start();
}

int StreamhookServer::Stop() {
  if (!process_) return -1;
  process_->Signal(SIGTERM);
  return process_->Wait(std::chrono::seconds(30));
}

HttpReply StreamhookServer::Admin(std::string_view method, std::string_view path, std::string_view body,
                                  std::optional<std::string_view> token) const {
  HeaderList headers;
  const std::string_view use = token.value_or(kAdminToken);
  if (!use.empty()) headers.emplace_back("Authorization", "Bearer " + std::string(use));
  return OneCall(port_, method, path, body, headers);
}

HttpReply StreamhookServer::Post(std::string_view path, std::string_view body,
                                 std::string_view write_key) const {
  HeaderList headers;
  if (!write_key.empty()) headers.emplace_back("Authorization", BasicAuth(write_key));
  return OneCall(port_, "POST", path, body, headers);
}

HttpReply StreamhookServer::Get(std::string_view path) const {
  return OneCall(port_, "GET", path, {}, {});
}

std::optional<double> StreamhookServer::Metric(std::string_view name, std::string_view hook) const {
  const HttpReply reply = Get("/metrics");
  if (reply.status != 200) return std::nullopt;
  std::string series(name);
  if (!hook.empty()) series += "{hook=\"" + std::string(hook) + "\"}";
  series += ' ';
  std::istringstream lines(reply.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(series)) return std::stod(line.substr(series.size()));
  }
  return std::nullopt;
}

std::vector<StreamRecord> ReadStream(const testing::KinesisEmulator& emulator, const std::string& stream) {
  std::string out;
  const int rc = RunCommand(
      {"/usr/bin/python3", (SourceDir() / "tests/e2e/read_stream.py").string(), emulator.endpoint(), stream},
      &out, {}, /*merge_stderr=*/false);
  std::vector<StreamRecord> records;
  if (rc != 0) {
    ADD_FAILURE() << "read_stream.py " << stream << " exited " << rc << ": " << Tail(out, 2000);
    return records;
  }
  simdjson::dom::parser parser;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    simdjson::dom::element e;
    if (parser.parse(line).get(e) != simdjson::SUCCESS) {
      ADD_FAILURE() << "read_stream.py printed a line that is not JSON: " << line;
      continue;
    }
    StreamRecord r;
    r.shard = std::string(e["shard"].get_string().value());
    r.sequence = std::string(e["seq"].get_string().value());
    r.partition_key = std::string(e["partitionKey"].get_string().value());
    r.data = std::string(e["data"].get_string().value());
    records.push_back(std::move(r));
  }
  return records;
}

bool SequenceLess(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

void ServeTest::TearDown() {
  if (HasFailure() && server_) {
    std::printf("---- streamhook serve log (%s) ----\n%s\n---- end of log ----\n",
                server_->data_dir().c_str(), Tail(server_->Log(), 60000).c_str());
  }
  if (server_ && server_->Running()) {
    const int status = server_->Stop();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "SIGTERM exit status " << status;
  }
}

bool ServeTest::StartAll(const std::map<std::string, int>& streams, std::vector<std::string> extra_args) {
  emulator_ = std::make_unique<testing::KinesisEmulator>(testing::KinesisEmulator::Kind::kKinesalite);
  if (!emulator_->ok()) return false;
  for (const auto& [name, shards] : streams) {
    if (!emulator_->CreateStream(name, shards)) return false;
  }
  server_ = std::make_unique<StreamhookServer>(std::move(extra_args));
  if (!server_->Start()) return false;
  const HttpReply source = server_->Admin("POST", "/admin/v1/sources", R"({"name":"e2e"})");
  if (source.status != 201) {
    ADD_FAILURE() << "POST /admin/v1/sources: " << source.status << " " << source.error << source.body;
    return false;
  }
  simdjson::dom::parser parser;
  std::string_view key;
  if (parser.parse(source.body).at_key("writeKey").get(key) != simdjson::SUCCESS || key.empty()) {
    ADD_FAILURE() << "no writeKey in " << source.body;
    return false;
  }
  write_key_ = std::string(key);
  return PutConnector(true);
}

bool ServeTest::PutConnector(bool active) {
  const std::string body = R"({"region":"us-east-1","accessKeyId":"AKIDEXAMPLE",)"
                           R"("secretAccessKey":"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY","endpoint":")" +
                           emulator_->endpoint() + R"(","active":)" + (active ? "true" : "false") + "}";
  const HttpReply reply = server_->Admin("PUT", "/admin/v1/connectors/kinesis", body);
  EXPECT_EQ(reply.status, 200) << reply.error << reply.body;
  return reply.status == 200;
}

std::string ServeTest::CreateHook(std::string_view json) {
  const HttpReply reply = server_->Admin("POST", "/admin/v1/hooks", json);
  simdjson::dom::parser parser;
  std::string_view id;
  if (reply.status != 201 || parser.parse(reply.body).at_key("id").get(id) != simdjson::SUCCESS) {
    ADD_FAILURE() << "POST /admin/v1/hooks " << json << ": " << reply.status << " " << reply.error
                  << reply.body;
    return {};
  }
  return std::string(id);
}

bool ServeTest::WaitForMetric(std::string_view name, std::string_view hook, double want,
                              std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::optional<double> value;
  while (std::chrono::steady_clock::now() < deadline) {
    value = server_->Metric(name, hook);
    if (value == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << name << "{hook=\"" << hook << "\"} is "
                << (value ? std::to_string(*value) : std::string("absent")) << ", expected " << want;
  return false;
}

bool WaitForDelivery(StreamhookServer& server, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  static const std::regex kLag(R"(^streamhook_hook_lag_records\{hook="[^"]*"\} (\d+)$)");
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    const HttpReply reply = server.Get("/metrics");
    if (reply.status == 200) {
      last = reply.body;
      int hooks = 0, lagging = 0;
      std::istringstream lines(reply.body);
      for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (!std::regex_match(line, m, kLag)) continue;
        ++hooks;
        if (m[1] != "0") ++lagging;
      }
      if (hooks > 0 && lagging == 0) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "delivery did not catch up (server " << (server.Running() ? "running" : "not running")
                << " on port " << server.port() << "); last /metrics:\n"
                << Tail(last, 6000);
  return false;
}

bool ServeTest::WaitForDelivery(std::chrono::milliseconds timeout) {
  return e2e::WaitForDelivery(*server_, timeout);
}

}  // namespace streamhook::e2e
