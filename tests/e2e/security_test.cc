// Security, as an attacker or a careless operator would probe it: requests without a valid write
// key or admin token are refused; secrets never appear in the log, /metrics, API answers or in
// plain text on disk; abusive clients (oversized bodies, slowloris, a connection flood) are cut off
// within the configured bounds while a well-behaved client keeps being served.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "e2e/event_json.h"
#include "e2e/serve_fixture.h"

namespace streamhook::e2e {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kConnectorSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";  // the fixture's

std::string FileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// A raw loopback TCP connection, for clients no HTTP library would write.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval tv{0, 200'000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return connected_; }
  bool Send(std::string_view bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  // Reads what is there (waits up to 200 ms); "closed" once the peer closed.
  std::string Read() {
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n == 0) closed_ = true;
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
  }
  bool closed() const { return closed_; }

 private:
  int fd_;
  bool connected_ = false;
  bool closed_ = false;
};

class SecurityTest : public ServeTest {};

TEST_F(SecurityTest, WithoutAValidWriteKeyOrAdminTokenNothingIsAccepted) {
  ASSERT_TRUE(StartAll({}));
  const std::string body = R"({"userId":"u1","event":"Probe"})";
  for (std::string_view key : {std::string_view(""), std::string_view("not-a-write-key")}) {
    for (std::string_view path :
         {"/v1/track", "/v1/batch", "/v1/identify", "/v1/events", "/v1/message-logs"}) {
      const HttpReply reply = server().Post(path, body, key);
      EXPECT_EQ(reply.status, 401) << path << " with key '" << key << "': " << reply.body;
    }
  }
  for (std::optional<std::string_view> token :
       {std::optional<std::string_view>(""),
        std::optional<std::string_view>("wrong-admin-token-0123456789")}) {
    for (auto [method, path] :
         std::vector<std::pair<std::string_view, std::string_view>>{{"GET", "/admin/v1/hooks"},
                                                                    {"GET", "/admin/v1/sources"},
                                                                    {"GET", "/admin/v1/connectors/kinesis"},
                                                                    {"POST", "/admin/v1/sources"},
                                                                    {"DELETE", "/admin/v1/hooks/x"}}) {
      const HttpReply reply = server().Admin(method, path, R"({"name":"x"})", token);
      EXPECT_EQ(reply.status, 401) << method << " " << path << ": " << reply.body;
    }
  }
  EXPECT_EQ(server().Metric("streamhook_events_accepted_total").value_or(0), 0);
}

TEST_F(SecurityTest, SecretsNeverReachTheLogMetricsAnswersOrTheDiskInPlainText) {
  ASSERT_TRUE(StartAll({{"sec-events", 1}}));
  const std::string own_key = "own-write-key-for-the-security-test-0123";
  HttpReply created =
      server().Admin("POST", "/admin/v1/sources", R"({"name":"own","writeKey":")" + own_key + "\"}");
  ASSERT_EQ(created.status, 201) << created.body;
  // Everything that can answer or log: configuration reads, events, bad keys and tokens, errors.
  std::vector<std::string> answers;
  for (const char* path : {"/admin/v1/connectors/kinesis", "/admin/v1/sources", "/admin/v1/hooks"})
    answers.push_back(server().Admin("GET", path).body);
  const std::string hook = CreateHook(R"({"name":"h","streamName":"sec-missing","triggers":["TRACK"]})");
  ASSERT_FALSE(hook.empty());
  answers.push_back(server().Admin("GET", "/admin/v1/hooks/" + hook).body);
  answers.push_back(Post("/v1/track", R"({"userId":"u1","event":"Signed Up"})").body);
  answers.push_back(server().Post("/v1/track", R"({"userId":"u1","event":"x"})", own_key).body);
  answers.push_back(
      server().Post("/v1/track", R"({"userId":"u1","event":"x"})", "guessed-write-key-777").body);
  answers.push_back(server().Admin("GET", "/admin/v1/hooks", {}, "guessed-admin-token-888888").body);
  answers.push_back(server()
                        .Admin("PUT", "/admin/v1/connectors/kinesis",
                               R"({"region":"us-east-1","accessKeyId":"AKIDBROKEN","secretAccessKey":"x"})")
                        .body);  // refused: too short a secret, must not be echoed either
  std::this_thread::sleep_for(std::chrono::seconds(2));  // the hook meets its missing stream and logs it
  answers.push_back(server().Get("/metrics").body);
  answers.push_back(server().Get("/readyz").body);
  ASSERT_EQ(server().Stop(), 0);

  const std::string log = server().Log();
  const std::string config_db = FileBytes(server().data_dir() / "config.db");
  const std::vector<std::string> secrets = {
      std::string(kConnectorSecret), own_key, write_key(), std::string(kAdminToken), "guessed-write-key-777",
      "guessed-admin-token-888888"};
  for (const std::string& secret : secrets) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "in the log: " << secret;
    for (const std::string& answer : answers)
      EXPECT_EQ(answer.find(secret), std::string::npos) << secret << " in " << answer;
  }
  for (const std::string& secret : {std::string(kConnectorSecret), own_key, write_key()})
    EXPECT_EQ(config_db.find(secret), std::string::npos) << "config.db holds in plain text: " << secret;
  std::printf(
      "[e2e] security: %zu secrets grepped in %zu bytes of log, %zu answers and %zu bytes of config.db: none "
      "found\n",
      secrets.size(), log.size(), answers.size(), config_db.size());
}

TEST_F(SecurityTest, AbusiveClientsAreCutOffWhileAWellBehavedOneIsServed) {
  const testing::TempDir config_dir;
  const auto config = config_dir.path() / "serve.json";
  std::ofstream(config) << R"({"http": {"bodyLimit": 65536, "readTimeoutMs": 1500, "idleTimeoutMs": 1500,
                                        "maxConnections": 48}})";
  ASSERT_TRUE(StartAll({}, {"--config", config.string()}));
  const int port = server().port();

  HttpClient good(port);  // connected before the abuse starts, then keeps its keep-alive connection
  int good_ok = 0, good_failed = 0;
  auto post_good = [&] {
    const std::vector<std::string> ids =
        NumberedIds("good-" + std::to_string(good_ok + good_failed) + "-", 10);
    const HttpReply reply = good.Call("POST", "/v1/batch", TrackBatchJson(ids, "user-", 3),
                                      {{"Authorization", BasicAuth(write_key())}});
    (reply.status == 200 ? good_ok : good_failed)++;
  };
  post_good();

  // An oversized body: 413 and a close, without reading the whole body.
  RawConnection big(port);
  ASSERT_TRUE(big.connected());
  big.Send(
      "POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
      "10000000\r\n\r\n");
  big.Send(std::string(100000, ' '));
  std::string answer;
  for (int i = 0; i < 20 && answer.find("\r\n\r\n") == std::string::npos; ++i) answer += big.Read();
  EXPECT_NE(answer.find(" 413 "), std::string::npos) << answer.substr(0, 200);

  // Slowloris: 16 connections sending a header byte every 100 ms; a flood of 80 silent connections.
  std::vector<std::unique_ptr<RawConnection>> slow, flood;
  for (int i = 0; i < 16; ++i) slow.push_back(std::make_unique<RawConnection>(port));
  for (int i = 0; i < 80; ++i) flood.push_back(std::make_unique<RawConnection>(port));
  const auto abuse_start = Clock::now();
  const std::string header = "POST /v1/batch HTTP/1.1\r\nHost: slow\r\nX-Padding: aaaaaaaaaaaaaaaaaaaaaaaa";
  size_t sent = 0;
  while (Clock::now() - abuse_start < std::chrono::seconds(4)) {
    for (auto& c : slow) c->Send(std::string_view(header).substr(sent % header.size(), 1));
    ++sent;
    post_good();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // Refused flood connections got 503 or were closed; every slow and silent one is cut by now.
  size_t refused = 0, cut = 0;
  for (auto& c : flood) {
    const std::string got = c->Read();
    if (got.find(" 503 ") != std::string::npos) ++refused;
    if (c->closed() || !got.empty()) ++cut;
  }
  size_t slow_cut = 0;
  for (auto& c : slow) {
    c->Read();
    if (c->closed() || !c->Send("a")) ++slow_cut;
  }
  // After the abuse a new client connects and is served.
  const HttpReply fresh =
      server().Post("/v1/batch", TrackBatchJson(NumberedIds("fresh-", 5), "user-", 2), write_key());
  std::printf(
      "[e2e] abuse: good client %d ok / %d failed during 4 s; flood: %zu of 80 answered 503, %zu cut; "
      "slowloris: %zu of 16 cut\n",
      good_ok, good_failed, refused, cut, slow_cut);
  EXPECT_EQ(good_failed, 0);
  EXPECT_GE(good_ok, 20);
  EXPECT_GT(refused, 0u) << "maxConnections was not enforced";
  EXPECT_EQ(cut, flood.size()) << "silent connections outlived the read timeout";
  EXPECT_EQ(slow_cut, slow.size()) << "slowloris connections outlived the read timeout";
  EXPECT_EQ(fresh.status, 200) << fresh.error << fresh.body;
}

}  // namespace
}  // namespace streamhook::e2e
