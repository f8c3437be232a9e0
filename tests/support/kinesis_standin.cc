#include "support/kinesis_standin.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/encoding.h"

namespace streamhook::testing {
namespace {

// How long one control call may take; generous because the machine is shared and /_records can
// carry many records.
constexpr int kControlTimeoutSeconds = 30;

bool WriteAll(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Splits "HTTP/1.1 200 OK\r\n...\r\n\r\nbody" into status and body (cut to Content-Length).
StandinReply ParseResponse(const std::string& raw) {
  StandinReply reply;
  const size_t head_end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos || raw.size() < 12) return reply;
  reply.status = std::atoi(raw.c_str() + 9);
  reply.body = raw.substr(head_end + 4);
  std::string head = raw.substr(0, head_end);
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (const size_t at = head.find("\r\ncontent-length:"); at != std::string::npos) {
    const size_t length = std::strtoul(head.c_str() + at + 17, nullptr, 10);
    if (length < reply.body.size()) reply.body.resize(length);
  }
  return reply;
}

// One request on a fresh connection to 127.0.0.1:port, read until the server closes it.
StandinReply Exchange(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {};
  timeval timeout{kControlTimeoutSeconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  std::string raw;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && WriteAll(fd, request)) {
    char buffer[65536];
    for (;;) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      raw.append(buffer, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return ParseResponse(raw);
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

size_t CountOf(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

StandinOptions WithShards(int shards) {
  StandinOptions options;
  options.shards = shards;
  return options;
}

}  // namespace

KinesisStandin::KinesisStandin(int shards) : KinesisStandin(WithShards(shards)) {}

KinesisStandin::KinesisStandin(const StandinOptions& options) {
  tls_ = !options.tls_cert_file.empty();
  const auto log = dir_.path() / "standin.log";
  const std::string script = (SourceDir() / "tests/support/kinesis-standin.js").string();
  // A port free a moment ago may be taken by the time node binds it: then node exits and we retry.
  for (int attempt = 0; attempt < 3 && !ok_; ++attempt) {
    port_ = FreeLoopbackPort();
    control_port_ = tls_ ? FreeLoopbackPort() : port_;
    std::vector<std::string> argv = {
        "node", script, "--port", std::to_string(port_), "--shards", std::to_string(options.shards)};
    if (options.strict) argv.push_back("--strict");
    if (tls_) {
      argv.insert(argv.end(), {"--tls-cert", options.tls_cert_file, "--tls-key", options.tls_key_file,
                               "--plain-port", std::to_string(control_port_)});
    }
    const size_t listening_before = CountOf(ReadFile(log), "kinesis-standin listening on");
    process_ = std::make_unique<ChildProcess>(argv, std::map<std::string, std::string>{}, log);
    // Waiting for node's own "listening" lines (not just an open port) rules out talking to
    // whatever else took the port.
    const size_t wanted = listening_before + (tls_ ? 2 : 1);
    for (int i = 0; i < 300 && process_->Running(); ++i) {
      if (CountOf(ReadFile(log), "kinesis-standin listening on") >= wanted) {
        ok_ = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!ok_) process_->Stop();
  }
  if (!ok_) ADD_FAILURE() << "the Kinesis stand-in did not start:\n" << ReadFile(log);
}

KinesisStandin::~KinesisStandin() {
  if (process_) process_->Stop();
}

std::string KinesisStandin::endpoint() const {
  return std::string(tls_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

StandinReply KinesisStandin::Send(const std::string& method, const std::string& path, const std::string& body,
                                  const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string request = method + " " + path +
                        " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(control_port_) +
                        "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  request += "\r\n" + body;
  return Exchange(control_port_, request);
}

bool KinesisStandin::Control(const std::string& json) {
  const StandinReply reply = Send("POST", "/_control", json);
  if (reply.status == 200) return true;
  ADD_FAILURE() << "the stand-in refused control " << json << ": HTTP " << reply.status << " " << reply.body;
  return false;
}

std::vector<StandinRecord> KinesisStandin::Records(const std::string& stream) {
  std::vector<StandinRecord> records;
  std::string query;
  for (unsigned char c : stream) {
    static const char* kHex = "0123456789ABCDEF";
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      query.push_back(static_cast<char>(c));
    } else {
      query += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  const StandinReply reply = Send("GET", "/_records?stream=" + query, "");
  simdjson::dom::parser parser;
  simdjson::dom::array list;
  if (reply.status != 200 || parser.parse(reply.body)["records"].get_array().get(list) != simdjson::SUCCESS) {
    ADD_FAILURE() << "GET /_records failed: HTTP " << reply.status << " " << reply.body.substr(0, 300);
    return records;
  }
  for (simdjson::dom::element item : list) {
    std::string_view shard, sequence, key, data;
    if (item["shardId"].get(shard) || item["sequenceNumber"].get(sequence) || item["partitionKey"].get(key) ||
        item["data"].get(data)) {
      ADD_FAILURE() << "GET /_records: a record lacks a field: " << simdjson::to_string(item);
      continue;
    }
    auto decoded = Base64Decode(data);
    if (!decoded) ADD_FAILURE() << "GET /_records: data is not base64: " << data;
    records.push_back({std::string(shard), std::string(sequence), std::string(key), decoded.value_or("")});
  }
  return records;
}

std::map<std::string, int64_t> KinesisStandin::Stats() {
  std::map<std::string, int64_t> stats;
  const StandinReply reply = Send("GET", "/_stats", "");
  simdjson::dom::parser parser;
  simdjson::dom::object counters;
  if (reply.status != 200 || parser.parse(reply.body).get_object().get(counters) != simdjson::SUCCESS) {
    ADD_FAILURE() << "GET /_stats failed: HTTP " << reply.status << " " << reply.body;
    return stats;
  }
  for (auto [name, value] : counters) {
    int64_t n = 0;
    if (value.get_int64().get(n) == simdjson::SUCCESS) stats[std::string(name)] = n;
  }
  return stats;
}

void KinesisStandin::Reset() {
  const StandinReply reply = Send("POST", "/_reset", "");
  if (reply.status != 200) ADD_FAILURE() << "POST /_reset failed: HTTP " << reply.status << " " << reply.body;
}

}  // namespace streamhook::testing
