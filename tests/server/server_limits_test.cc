// Misbehaving clients: oversized, malformed, slow and idle ones, and too many of them. Each is
// answered or disconnected while a well-behaved client keeps being served.
#include <gtest/gtest.h>

#include "server/http_server.h"
#include "server/server_test_util.h"
#include "server/test_client.h"

namespace streamhook::server {
namespace {
namespace net = boost::asio;
using testing::ClientResponse;
using testing::Eventually;
using testing::MakeRequest;
using testing::StartServer;
using testing::TestClient;
using testing::TestOptions;
using namespace std::chrono_literals;

// A request on a fresh connection succeeds: the server still serves others.
void ExpectServes(const HttpServer& server) {
  TestClient client(server.port());
  ClientResponse response;
  ASSERT_FALSE(client.Send(MakeRequest("GET", "/alive"), &response));
  EXPECT_EQ(response.body(), "GET /alive?|");
}

TEST(ServerLimitsTest, BodyOverLimitGets413AndClose) {
  HttpServerOptions options = TestOptions();
  options.body_limit = 1024;
  auto server = StartServer(options);
  {
    TestClient client(server->port());
    ClientResponse response;
    ASSERT_FALSE(client.Send(MakeRequest("POST", "/big", std::string(1024, 'x')), &response));
    EXPECT_EQ(response.result_int(), 200);  // exactly at the limit is fine
    ASSERT_FALSE(client.Send(MakeRequest("POST", "/big", std::string(4096, 'x')), &response));
    EXPECT_EQ(response.result_int(), 413);
    EXPECT_EQ(response[boost::beast::http::field::content_type], "application/json");
    EXPECT_NE(response.body().find(R"("code":"payload_too_large")"), std::string::npos);
    EXPECT_NE(response.body().find("1024 bytes"), std::string::npos) << response.body();
    EXPECT_FALSE(response.keep_alive());
    EXPECT_EQ(client.ReadUntilClosed(5s), net::error::eof);
  }
  {  // chunked: the limit is found while reading the body
    TestClient client(server->port());
    ASSERT_FALSE(client.WriteRaw("POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
    const std::string chunk = "400\r\n" + std::string(1024, 'y') + "\r\n";
    ASSERT_FALSE(client.WriteRaw(chunk + chunk));
    ClientResponse response;
    ASSERT_FALSE(client.Read(&response));
    EXPECT_EQ(response.result_int(), 413);
  }
  {  // with Expect: 100-continue the body is refused before it is sent
    TestClient client(server->port());
    ASSERT_FALSE(client.WriteRaw(
        "POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n"));
    ClientResponse response;
    ASSERT_FALSE(client.Read(&response));
    EXPECT_EQ(response.result_int(), 413);
  }
  EXPECT_EQ(server->stats().bodies_too_large, 3u);
  ExpectServes(*server);
}

TEST(ServerLimitsTest, HeadersOverLimitGet431AndClose) {
  HttpServerOptions options = TestOptions();
  options.header_limit = 1024;
  auto server = StartServer(options);
  TestClient client(server->port());
  auto request = MakeRequest("GET", "/h");
  request.set("X-Huge", std::string(2000, 'h'));
  ClientResponse response;
  ASSERT_FALSE(client.Send(request, &response));
  EXPECT_EQ(response.result_int(), 431);
  EXPECT_NE(response.body().find(R"("code":"headers_too_large")"), std::string::npos);
  EXPECT_NE(response.body().find("1024 bytes"), std::string::npos) << response.body();
  EXPECT_EQ(client.ReadUntilClosed(5s), net::error::eof);
  EXPECT_EQ(server->stats().headers_too_large, 1u);
  ExpectServes(*server);
}

TEST(ServerLimitsTest, MalformedRequestsGet400AndClose) {
  auto server = StartServer(TestOptions());
  const char* malformed[] = {
      "GARBAGE\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
      "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
      "GET / HTTP/1.1\r\nBad Header Name: x\r\n\r\n",
  };
  for (const char* bytes : malformed) {
    TestClient client(server->port());
    ASSERT_FALSE(client.WriteRaw(bytes));
    ClientResponse response;
    ASSERT_FALSE(client.Read(&response)) << bytes;
    EXPECT_EQ(response.result_int(), 400) << bytes;
    EXPECT_NE(response.body().find(R"("code":"bad_request")"), std::string::npos);
    EXPECT_EQ(client.ReadUntilClosed(5s), net::error::eof) << bytes;
  }
  EXPECT_EQ(server->stats().malformed_requests, std::size(malformed));
  ExpectServes(*server);
}

TEST(ServerLimitsTest, SlowlorisIsClosedAtReadTimeout) {
  HttpServerOptions options = TestOptions();
  options.read_timeout = 300ms;
  auto server = StartServer(options);
  TestClient slow(server->port());
  ASSERT_FALSE(slow.WriteRaw("GET / HTTP/1.1\r\nHost: x\r\n"));  // never finished
  ExpectServes(*server);                                         // others are served meanwhile
  std::string data;
  EXPECT_EQ(slow.ReadUntilClosed(10s, &data), net::error::eof);
  EXPECT_EQ(data, "");  // closed without an answer
  EXPECT_TRUE(Eventually([&] { return server->stats().read_timeouts == 1; }));
}

TEST(ServerLimitsTest, TricklingClientIsClosedAtReadTimeoutNotPerByte) {
  HttpServerOptions options = TestOptions();
  options.read_timeout = 300ms;
  auto server = StartServer(options);
  TestClient slow(server->port());
  // One header byte every 50 ms would keep a per-read timeout happy forever; the deadline covers
  // the whole request, so writes start failing (or the close is seen) well before 100 bytes.
  bool closed = false;
  for (int i = 0; i < 100 && !closed; ++i) {
    closed = static_cast<bool>(slow.WriteRaw(i == 0 ? "GET / HTTP/1.1\r\nX: " : "a"));
    if (!closed) closed = slow.PeerClosed(50ms);
  }
  EXPECT_TRUE(closed);
  EXPECT_TRUE(Eventually([&] { return server->stats().read_timeouts == 1; }));
}

TEST(ServerLimitsTest, IdleKeepAliveConnectionIsClosed) {
  HttpServerOptions options = TestOptions();
  options.idle_timeout = 200ms;
  options.read_timeout = 60s;  // so a close can only come from the idle timeout
  auto server = StartServer(options);
  TestClient client(server->port());
  ClientResponse response;
  ASSERT_FALSE(client.Send(MakeRequest("GET", "/once"), &response));
  EXPECT_TRUE(response.keep_alive());
  EXPECT_EQ(client.ReadUntilClosed(20s), net::error::eof);
  EXPECT_TRUE(Eventually([&] { return server->stats().idle_timeouts == 1; }));
  EXPECT_TRUE(Eventually([&] { return server->stats().connections_open == 0; }));
}

TEST(ServerLimitsTest, ConnectionsBeyondLimitGet503) {
  HttpServerOptions options = TestOptions();
  options.max_connections = 2;
  auto server = StartServer(options);
  TestClient first(server->port());
  TestClient second(server->port());
  ClientResponse response;
  ASSERT_FALSE(first.Send(MakeRequest("GET", "/1"), &response));
  ASSERT_FALSE(second.Send(MakeRequest("GET", "/2"), &response));
  {
    TestClient third(server->port());
    ASSERT_FALSE(third.connect_error());  // accepted by the kernel, then refused by the server
    ASSERT_FALSE(third.Read(&response));
    EXPECT_EQ(response.result_int(), 503);
    EXPECT_EQ(response["Retry-After"], "1");
    EXPECT_NE(response.body().find(R"("code":"unavailable")"), std::string::npos);
    EXPECT_EQ(third.ReadUntilClosed(5s), net::error::eof);
  }
  EXPECT_EQ(server->stats().connections_rejected, 1u);
  // The admitted connections keep working, and a slot frees up when one closes.
  ASSERT_FALSE(first.Send(MakeRequest("GET", "/1again"), &response));
  EXPECT_EQ(response.result_int(), 200);
  second.Close();
  ASSERT_TRUE(Eventually([&] { return server->stats().connections_open == 1; }));
  ExpectServes(*server);
}

}  // namespace
}  // namespace streamhook::server
