#include "load_runner.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <set>
#include <thread>

#include "common/encoding.h"
#include "support/test_env.h"

namespace streamhook::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

// A small ingest stand-in on 127.0.0.1: answers every 4th request 503 (and closes the connection,
// as a server shedding load may), the others 200, and records the messageIds it saw.
// In hang mode it reads requests and never answers.
class FakeIngest {
 public:
  explicit FakeIngest(bool hang = false)
      : hang_(hang), acceptor_(context_, {asio::ip::make_address("127.0.0.1"), 0}) {
    asio::co_spawn(context_, Accept(), asio::detached);
    thread_ = std::thread([this] { context_.run(); });
  }
  ~FakeIngest() {
    context_.stop();
    thread_.join();
  }

  int port() const { return acceptor_.local_endpoint().port(); }

  struct Seen {
    uint64_t requests = 0;
    uint64_t events_answered_200 = 0;
    std::set<std::string> message_ids;
    uint64_t duplicate_ids = 0;
    uint64_t bad_requests = 0;  // wrong path, auth or body
  };
  Seen seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  asio::awaitable<void> Accept() {
    for (;;) {
      tcp::socket socket = co_await acceptor_.async_accept(asio::use_awaitable);
      asio::co_spawn(context_, Serve(beast::tcp_stream(std::move(socket))), asio::detached);
    }
  }

  asio::awaitable<void> Serve(beast::tcp_stream stream) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      boost::system::error_code ec;
      co_await http::async_read(stream, buffer, request, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      if (hang_) {
        asio::steady_timer never(context_, std::chrono::hours(1));
        co_await never.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        co_return;
      }
      http::response<http::string_body> response{Handle(request), request.version()};
      response.set(http::field::content_type, "application/json");
      response.body() =
          response.result() == http::status::ok ? R"({"success":true})" : R"({"success":false})";
      response.keep_alive(response.result() == http::status::ok);
      response.prepare_payload();
      co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !response.keep_alive()) co_return;
    }
  }

  http::status Handle(const http::request<http::string_body>& request) {
    std::lock_guard lock(mu_);
    const uint64_t index = seen_.requests++;
    simdjson::dom::element doc;
    simdjson::dom::array events;
    if (request.target() != "/v1/batch" ||
        request[http::field::authorization] != "Basic " + Base64Encode("wk_test:") ||
        parser_.parse(request.body()).get(doc) != simdjson::SUCCESS ||
        doc["batch"].get(events) != simdjson::SUCCESS) {
      ++seen_.bad_requests;
      return http::status::bad_request;
    }
    for (simdjson::dom::element event : events) {
      std::string_view id;
      if (event["messageId"].get(id) != simdjson::SUCCESS) ++seen_.bad_requests;
      if (!seen_.message_ids.insert(std::string(id)).second) ++seen_.duplicate_ids;
    }
    if (index % 4 == 3) return http::status::service_unavailable;
    seen_.events_answered_200 += events.size();
    return http::status::ok;
  }

  const bool hang_;
  asio::io_context context_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::mutex mu_;
  simdjson::dom::parser parser_;
  Seen seen_;
};

RunSettings Settings(int port) {
  RunSettings settings;
  auto target = ResolveLoopbackTarget("http://127.0.0.1:" + std::to_string(port));
  EXPECT_TRUE(target.ok());
  settings.target = std::move(*target);
  settings.write_key = "wk_test";
  settings.connections = 3;
  settings.hard_deadline = std::chrono::seconds(60);
  return settings;
}

RequestPool Pool(size_t batch, size_t distinct, uint64_t max_events) {
  CorpusOptions options;
  options.users = 1000;
  EventCorpus corpus(options);
  return BuildRequestPool(&corpus, batch, distinct, max_events);
}

TEST(LoadRunnerTest, SendsExactlyTheEventLimitWithUniqueIdsAndCountsEachStatus) {
  FakeIngest server;
  RunSettings settings = Settings(server.port());
  settings.max_events = 1050;  // ten batches of 100 and a tail of 50
  const RequestPool pool = Pool(100, 4, settings.max_events);
  ASSERT_TRUE(pool.tail.has_value());

  auto result = RunLoad(settings, pool);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const FakeIngest::Seen seen = server.seen();
  EXPECT_EQ(seen.bad_requests, 0u);
  EXPECT_EQ(seen.duplicate_ids, 0u);
  EXPECT_EQ(seen.message_ids.size(), 1050u);
  EXPECT_EQ(result->requests_sent, 11u);
  EXPECT_EQ(result->responses, 11u);
  EXPECT_EQ(result->events_sent, 1050u);
  EXPECT_EQ(result->status_503, 2u);  // requests 3 and 7, which also closed their connections
  EXPECT_EQ(result->status_2xx, 9u);
  EXPECT_EQ(result->events_accepted, seen.events_answered_200);
  EXPECT_EQ(result->transport_errors, 0u);
  EXPECT_EQ(result->latencies_ns.size(), 11u);
  EXPECT_FALSE(result->cut_off);
}

TEST(LoadRunnerTest, RateScheduleDecidesHowManyRequestsADurationHolds) {
  FakeIngest server;
  RunSettings settings = Settings(server.port());
  settings.rate_events_per_s = 2000;  // 100-event requests due every 50 ms
  settings.duration = std::chrono::milliseconds(500);
  auto result = RunLoad(settings, Pool(100, 2, 0));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->requests_sent, 10u);  // due at 0, 50, ..., 450 ms
  EXPECT_EQ(result->responses, 10u);
  EXPECT_GE(result->elapsed_s, 0.45);
  EXPECT_EQ(server.seen().message_ids.size(), 1000u);
}

TEST(LoadRunnerTest, HardDeadlineEndsARunAgainstAServerThatNeverAnswers) {
  FakeIngest server(/*hang=*/true);
  RunSettings settings = Settings(server.port());
  settings.duration = std::chrono::seconds(30);
  settings.hard_deadline = std::chrono::milliseconds(300);
  auto result = RunLoad(settings, Pool(10, 1, 0));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->cut_off);
  EXPECT_EQ(result->requests_sent, 3u);  // one per connection, each stuck
  EXPECT_EQ(result->responses, 0u);
  EXPECT_EQ(result->transport_errors, 3u);
  EXPECT_LT(result->elapsed_s, 10.0);
}

TEST(LoadRunnerTest, NoListeningServerIsAnError) {
  RunSettings settings = Settings(testing::FreeLoopbackPort());
  settings.duration = std::chrono::seconds(1);
  auto result = RunLoad(settings, Pool(10, 1, 0));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(result.status().message().find("could not connect"), std::string::npos);
}

}  // namespace
}  // namespace streamhook::bench
