// Start, Stop and their failures: binding errors, draining in-flight requests, late responses.
#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <thread>

#include "server/http_server.h"
#include "server/server_test_util.h"
#include "server/test_client.h"
#include "support/test_env.h"

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

// Keeps the Respond of every request it gets, for the test to answer (or not) when it likes.
class ParkingHandler {
 public:
  HttpHandler Handler() {
    return [this](const HttpRequest&, Respond respond) {
      std::lock_guard lock(mu_);
      parked_.push_back(std::move(respond));
    };
  }
  size_t parked() {
    std::lock_guard lock(mu_);
    return parked_.size();
  }
  Respond Take(size_t i) {
    std::lock_guard lock(mu_);
    return parked_.at(i);
  }

 private:
  std::mutex mu_;
  std::vector<Respond> parked_;
};

TEST(ServerLifecycleTest, BindingAUsedPortFailsClearly) {
  auto first = StartServer(TestOptions());
  HttpServerOptions options = TestOptions();
  options.port = first->port();
  HttpServer second(options, testing::EchoHandler);
  Status status = second.Start();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), Status::Code::kUnavailable);
  EXPECT_NE(status.message().find("127.0.0.1:" + std::to_string(first->port())), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("already in use"), std::string::npos) << status.message();
  EXPECT_EQ(second.port(), 0);
}

TEST(ServerLifecycleTest, BadAddressesAndOptionsFailClearly) {
  HttpServerOptions options = TestOptions();
  options.host = "not a host!";
  Status status = HttpServer(options, testing::EchoHandler).Start();
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument) << status.ToString();
  EXPECT_NE(status.message().find("not a host!"), std::string::npos) << status.message();

  options = TestOptions();
  options.host = "192.0.2.1";  // TEST-NET-1: not an address of this machine
  status = HttpServer(options, testing::EchoHandler).Start();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("192.0.2.1"), std::string::npos) << status.message();

  options = TestOptions();
  options.port = 70000;
  status = HttpServer(options, testing::EchoHandler).Start();
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(status.message().find("70000"), std::string::npos);

  options = TestOptions();
  options.io_threads = 0;
  EXPECT_EQ(HttpServer(options, testing::EchoHandler).Start().code(), Status::Code::kInvalidArgument);
}

TEST(ServerLifecycleTest, StartsOnlyOnceAndListensOnGivenPort) {
  HttpServerOptions options = TestOptions();
  options.port = streamhook::testing::FreeLoopbackPort();
  auto server = StartServer(options);
  EXPECT_EQ(server->port(), options.port);
  EXPECT_FALSE(server->Start().ok());
  TestClient client(server->port());
  ClientResponse response;
  ASSERT_FALSE(client.Send(MakeRequest("GET", "/"), &response));
  server->Stop();
  server->Stop();  // idempotent
  EXPECT_FALSE(server->Start().ok());
}

TEST(ServerLifecycleTest, StopDrainsInFlightRequestAndClosesIdleConnections) {
  ParkingHandler parking;
  auto server = StartServer(TestOptions(), [&](const HttpRequest& request, Respond respond) {
    if (request.path == "/park") return parking.Handler()(request, std::move(respond));
    testing::EchoHandler(request, std::move(respond));
  });
  TestClient idle(server->port());
  ClientResponse response;
  ASSERT_FALSE(idle.Send(MakeRequest("GET", "/idle"), &response));

  TestClient busy(server->port());
  auto request = MakeRequest("POST", "/park", "event");
  ASSERT_FALSE(busy.Write(request));
  ASSERT_TRUE(Eventually([&] { return parking.parked() == 1; }));

  auto stopped = std::async(std::launch::async, [&] { server->Stop(); });
  // The idle connection is closed right away; Stop waits for the parked request.
  EXPECT_EQ(idle.ReadUntilClosed(10s), net::error::eof);
  EXPECT_EQ(stopped.wait_for(100ms), std::future_status::timeout);
  // No new connections are served while stopping.
  {
    TestClient late(server->port(), 2s);
    ClientResponse late_response;
    EXPECT_TRUE(late.connect_error() || late.Send(MakeRequest("GET", "/late"), &late_response) ||
                late_response.result_int() == 503);
  }

  HttpResponse answer;
  answer.body = "done";
  parking.Take(0)(answer);
  ASSERT_FALSE(busy.Read(&response));
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "done");
  EXPECT_FALSE(response.keep_alive());  // the server is going away
  EXPECT_EQ(stopped.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(busy.ReadUntilClosed(5s), net::error::eof);
  EXPECT_EQ(server->stats().connections_open, 0u);
}

TEST(ServerLifecycleTest, StopClosesRequestsUnansweredAfterDrainTimeout) {
  ParkingHandler parking;
  HttpServerOptions options = TestOptions();
  options.drain_timeout = 200ms;
  auto server = StartServer(options, parking.Handler());
  TestClient client(server->port());
  auto request = MakeRequest("GET", "/never");
  ASSERT_FALSE(client.Write(request));
  ASSERT_TRUE(Eventually([&] { return parking.parked() == 1; }));

  server->Stop();  // returns after the drain timeout although the handler never answered
  std::string data;
  EXPECT_NE(client.ReadUntilClosed(5s, &data), boost::beast::error::timeout);
  EXPECT_EQ(data, "");
  EXPECT_EQ(server->stats().connections_open, 0u);

  Respond late = parking.Take(0);
  late(HttpResponse{});  // after Stop: dropped, harmless
  server.reset();
  late(HttpResponse{});  // after destruction: still harmless
}

TEST(ServerLifecycleTest, RunBlocksUntilStop) {
  HttpServerOptions options = TestOptions();
  options.port = streamhook::testing::FreeLoopbackPort();
  HttpServer server(options, testing::EchoHandler);
  auto running = std::async(std::launch::async, [&] { return server.Run(); });
  ASSERT_TRUE(streamhook::testing::WaitForPort(options.port, 10s));
  {
    TestClient client(options.port);
    ClientResponse response;
    ASSERT_FALSE(client.Send(MakeRequest("GET", "/run"), &response));
    EXPECT_EQ(response.body(), "GET /run?|");
  }
  EXPECT_EQ(running.wait_for(50ms), std::future_status::timeout);
  server.Stop();
  ASSERT_EQ(running.wait_for(10s), std::future_status::ready);
  EXPECT_TRUE(running.get().ok());
}

}  // namespace
}  // namespace streamhook::server
