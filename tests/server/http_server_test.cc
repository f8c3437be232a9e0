// Serving behaviour over real sockets: keep-alive, pipelining, concurrency, late responses.
#include "server/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "server/server_test_util.h"
#include "server/test_client.h"

namespace streamhook::server {
namespace {
namespace http = boost::beast::http;
using testing::ClientResponse;
using testing::Eventually;
using testing::MakeRequest;
using testing::StartServer;
using testing::TestClient;
using testing::TestOptions;

HttpResponse Answer(int status, std::string body = {},
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

TEST(HttpServerTest, ConvertsRequestAndResponse) {
  HttpRequest seen;
  auto server = StartServer(TestOptions(), [&](const HttpRequest& request, Respond respond) {
    seen = request;
    HttpResponse response;
    response.status = 202;
    response.content_type = "application/json";
    response.headers = {{"Retry-After", "3"}, {"X-Bad", "a\r\nInjected: yes"}, {"Content-Length", "999"}};
    response.body = R"({"ok":true})";
    respond(std::move(response));
  });
  TestClient client(server->port());
  ASSERT_FALSE(client.connect_error());
  auto request = MakeRequest("POST", "/v1/batch?write_key=abc&x=1", R"({"batch":[]})");
  request.set("X-Custom-Header", "Value");
  ClientResponse response;
  ASSERT_FALSE(client.Send(request, &response));

  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.path, "/v1/batch");
  EXPECT_EQ(seen.query, "write_key=abc&x=1");
  EXPECT_EQ(seen.body, R"({"batch":[]})");
  EXPECT_EQ(seen.Header("x-custom-header"), "Value");
  EXPECT_EQ(seen.Header("content-type"), "application/json");
  EXPECT_EQ(seen.remote.rfind("127.0.0.1:", 0), 0u) << seen.remote;

  EXPECT_EQ(response.result_int(), 202);
  EXPECT_EQ(response[http::field::content_type], "application/json");
  EXPECT_EQ(response[http::field::server], "streamhook");
  EXPECT_EQ(response[http::field::content_length], "11");
  EXPECT_EQ(response["Retry-After"], "3");
  EXPECT_EQ(response.count("X-Bad"), 0u);  // header injection refused
  EXPECT_EQ(response.count("Injected"), 0u);
  EXPECT_EQ(response.body(), R"({"ok":true})");
  EXPECT_TRUE(response.keep_alive());
}

TEST(HttpServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  auto server = StartServer(TestOptions());
  TestClient client(server->port());
  ASSERT_FALSE(client.connect_error());
  for (int i = 0; i < 200; ++i) {
    ClientResponse response;
    const std::string body = "payload-" + std::to_string(i);
    ASSERT_FALSE(client.Send(MakeRequest("POST", "/echo?i=" + std::to_string(i), body), &response)) << i;
    ASSERT_EQ(response.result_int(), 200);
    ASSERT_EQ(response.body(), "POST /echo?i=" + std::to_string(i) + "|" + body);
  }
  // Counted when the write completes, which may be just after the client has read it.
  ASSERT_TRUE(Eventually([&] { return server->stats().requests_served == 200; }));
  const HttpServerStats stats = server->stats();
  EXPECT_EQ(stats.connections_accepted, 1u);
  EXPECT_EQ(stats.requests_served, 200u);
  EXPECT_EQ(stats.responses_by_class[1], 200u);
}

TEST(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  auto server = StartServer(TestOptions());
  TestClient client(server->port());
  ASSERT_FALSE(client.connect_error());
  ASSERT_FALSE(
      client.WriteRaw("GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
                      "POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                      "GET /three?q HTTP/1.1\r\nHost: x\r\n\r\n"));
  for (const char* expected : {"GET /one?|", "POST /two?|hello", "GET /three?q|"}) {
    ClientResponse response;
    ASSERT_FALSE(client.Read(&response));
    EXPECT_EQ(response.body(), expected);
  }
  EXPECT_EQ(server->stats().connections_accepted, 1u);
}

TEST(HttpServerTest, ConcurrentClientsAreAllServed) {
  auto server = StartServer(TestOptions());
  constexpr int kClients = 8;
  constexpr int kRequestsEach = 50;
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      TestClient client(server->port());
      if (client.connect_error()) return;
      for (int i = 0; i < kRequestsEach; ++i) {
        const std::string target = "/c" + std::to_string(c) + "/" + std::to_string(i);
        ClientResponse response;
        if (client.Send(MakeRequest("GET", target), &response)) return;
        if (response.body() == "GET " + target + "?|") ++ok;
      }
    });
  }
  for (auto& thread : clients) thread.join();
  EXPECT_EQ(ok.load(), kClients * kRequestsEach);
  EXPECT_EQ(server->stats().connections_accepted, static_cast<uint64_t>(kClients));
  EXPECT_TRUE(Eventually([&] { return server->stats().requests_served == kClients * kRequestsEach; }));
}

// Answers from a worker thread after a delay, as ingest does after its fsync.
class DelayedResponder {
 public:
  ~DelayedResponder() {
    for (auto& thread : threads_) thread.join();
  }
  HttpHandler Handler(std::chrono::milliseconds delay) {
    return [this, delay](const HttpRequest& request, Respond respond) {
      std::lock_guard lock(mu_);
      threads_.emplace_back([delay, path = request.path, respond = std::move(respond)] {
        std::this_thread::sleep_for(delay);
        HttpResponse response;
        response.body = "late " + path;
        respond(response);
        respond(Answer(500));  // ignored: exactly once
      });
    };
  }

 private:
  std::mutex mu_;
  std::vector<std::thread> threads_;
};

TEST(HttpServerTest, HandlerMayRespondLaterFromAnotherThread) {
  DelayedResponder responder;
  auto server = StartServer(TestOptions(), responder.Handler(std::chrono::milliseconds(100)));
  TestClient client(server->port());
  ASSERT_FALSE(client.connect_error());
  for (int i = 0; i < 3; ++i) {
    ClientResponse response;
    ASSERT_FALSE(client.Send(MakeRequest("GET", "/slow" + std::to_string(i)), &response));
    EXPECT_EQ(response.result_int(), 200);
    EXPECT_EQ(response.body(), "late /slow" + std::to_string(i));
  }
  // The ignored second answers wrote nothing: the connection carried exactly three responses.
  EXPECT_TRUE(Eventually([&] { return server->stats().requests_served == 3; }));
  EXPECT_EQ(server->stats().responses_by_class[4], 0u);
}

TEST(HttpServerTest, DroppedRespondBecomes500) {
  auto server = StartServer(TestOptions(), [](const HttpRequest&, Respond) {});
  TestClient client(server->port());
  ClientResponse response;
  ASSERT_FALSE(client.Send(MakeRequest("GET", "/forgot"), &response));
  EXPECT_EQ(response.result_int(), 500);
  EXPECT_NE(response.body().find(R"("code":"internal")"), std::string::npos);
  EXPECT_EQ(server->stats().dropped_responses, 1u);
  // The connection is still usable.
  ASSERT_FALSE(client.Send(MakeRequest("GET", "/again"), &response));
  EXPECT_EQ(response.result_int(), 500);
}

TEST(HttpServerTest, ThrowingHandlerBecomes500) {
  auto server = StartServer(
      TestOptions(), [](const HttpRequest&, Respond) -> void { throw std::runtime_error("handler bug"); });
  TestClient client(server->port());
  ClientResponse response;
  ASSERT_FALSE(client.Send(MakeRequest("GET", "/x"), &response));
  EXPECT_EQ(response.result_int(), 500);
}

TEST(HttpServerTest, ConnectionCloseIsHonoured) {
  auto server = StartServer(TestOptions());
  TestClient client(server->port());
  auto request = MakeRequest("GET", "/bye");
  request.keep_alive(false);
  ClientResponse response;
  ASSERT_FALSE(client.Send(request, &response));
  EXPECT_EQ(response.body(), "GET /bye?|");
  EXPECT_FALSE(response.keep_alive());
  EXPECT_EQ(client.ReadUntilClosed(std::chrono::seconds(5)), boost::asio::error::eof);
}

TEST(HttpServerTest, HandlerCanAskToClose) {
  auto server = StartServer(TestOptions(), [](const HttpRequest&, Respond respond) {
    respond(Answer(200, "", {{"Connection", "close"}}));
  });
  TestClient client(server->port());
  ClientResponse response;
  ASSERT_FALSE(client.Send(MakeRequest("GET", "/"), &response));
  EXPECT_FALSE(response.keep_alive());
  EXPECT_EQ(client.ReadUntilClosed(std::chrono::seconds(5)), boost::asio::error::eof);
}

TEST(HttpServerTest, Http10ClosesUnlessKeepAliveAsked) {
  auto server = StartServer(TestOptions());
  {
    TestClient client(server->port());
    ASSERT_FALSE(client.WriteRaw("GET /old HTTP/1.0\r\n\r\n"));
    ClientResponse response;
    ASSERT_FALSE(client.Read(&response));
    EXPECT_EQ(response.version(), 10u);
    EXPECT_EQ(response.body(), "GET /old?|");
    EXPECT_EQ(client.ReadUntilClosed(std::chrono::seconds(5)), boost::asio::error::eof);
  }
  {
    TestClient client(server->port());
    for (int i = 0; i < 2; ++i) {
      ASSERT_FALSE(client.WriteRaw("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
      ClientResponse response;
      ASSERT_FALSE(client.Read(&response)) << i;
      EXPECT_TRUE(response.keep_alive());
    }
  }
}

TEST(HttpServerTest, HeadGetsLengthWithoutBody) {
  auto server = StartServer(TestOptions());
  TestClient client(server->port());
  ASSERT_FALSE(client.WriteRaw(
      "HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  std::string data;
  EXPECT_EQ(client.ReadUntilClosed(std::chrono::seconds(5), &data), boost::asio::error::eof);
  // The HEAD answer announces the length of "HEAD /h?|" but sends no body; the GET follows it.
  const size_t second = data.find("HTTP/1.1 200 OK", 1);
  ASSERT_NE(second, std::string::npos) << data;
  const std::string head_answer = data.substr(0, second);
  EXPECT_NE(head_answer.find("Content-Length: 9\r\n"), std::string::npos) << data;
  EXPECT_TRUE(head_answer.ends_with("\r\n\r\n")) << data;
  EXPECT_TRUE(data.ends_with("\r\n\r\nGET /g?|")) << data;
}

TEST(HttpServerTest, ExpectContinueGetsInterimResponse) {
  auto server = StartServer(TestOptions());
  TestClient client(server->port());
  ASSERT_FALSE(
      client.WriteRaw("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
  ClientResponse interim;
  ASSERT_FALSE(client.Read(&interim));
  EXPECT_EQ(interim.result_int(), 100);
  ASSERT_FALSE(client.WriteRaw("data"));
  ClientResponse response;
  ASSERT_FALSE(client.Read(&response));
  EXPECT_EQ(response.body(), "POST /up?|data");
}

TEST(HttpServerTest, NoContentHasNoBodyOrLength) {
  auto server = StartServer(TestOptions(),
                            [](const HttpRequest&, Respond respond) { respond(Answer(204, "ignored")); });
  TestClient client(server->port());
  ClientResponse response;
  ASSERT_FALSE(client.Send(MakeRequest("DELETE", "/x"), &response));
  EXPECT_EQ(response.result_int(), 204);
  EXPECT_EQ(response.count(http::field::content_length), 0u);
  EXPECT_EQ(response.body(), "");
  ASSERT_FALSE(client.Send(MakeRequest("DELETE", "/y"), &response));  // framing stayed intact
  EXPECT_EQ(response.result_int(), 204);
}

TEST(HttpServerTest, PrometheusTextReflectsTraffic) {
  auto server = StartServer(TestOptions());
  {
    TestClient client(server->port());
    ClientResponse response;
    for (int i = 0; i < 3; ++i) ASSERT_FALSE(client.Send(MakeRequest("GET", "/m"), &response));
  }
  ASSERT_TRUE(Eventually([&] { return server->stats().requests_served == 3; }));
  std::string text;
  server->AppendPrometheus(&text);
  EXPECT_NE(text.find("# TYPE streamhook_http_connections_open gauge\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nstreamhook_http_connections_accepted_total 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nstreamhook_http_requests_total 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nstreamhook_http_responses_total{code=\"2xx\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nstreamhook_http_request_errors_total{reason=\"malformed\"} 0\n"), std::string::npos);
  EXPECT_EQ(text.back(), '\n');
}

}  // namespace
}  // namespace streamhook::server
