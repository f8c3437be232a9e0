#include "sink_server.h"

#include <simdjson.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <thread>
#include <vector>

namespace streamhook::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using asio::awaitable;
using asio::ip::tcp;

namespace {

constexpr size_t kBodyLimit = 16 << 20;  // PutRecords is at most 10 MiB of data, base64-encoded

struct IoThread {
  asio::io_context context{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::unique_ptr<SinkProtocol> protocol;
  std::thread thread;
};

}  // namespace

struct SinkServer::State {
  // Destroyed bottom-up: acceptors and coroutine frames (owned by the contexts) go before the TLS
  // context and the counters they use.
  SinkCounters counters;
  ssl::context tls{ssl::context::tls_server};
  std::vector<std::unique_ptr<IoThread>> io;
  std::optional<tcp::acceptor> acceptor;
  std::optional<tcp::acceptor> stats_acceptor;

  awaitable<void> Accept() {
    for (size_t next = 0;; ++next) {
      IoThread& target = *io[next % io.size()];
      boost::system::error_code ec;
      tcp::socket socket =
          co_await acceptor->async_accept(target.context, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) continue;  // e.g. out of descriptors: keep serving the others
      socket.set_option(tcp::no_delay(true), ec);
      asio::co_spawn(target.context, Serve(std::move(socket), target.protocol.get()), asio::detached);
    }
  }

  awaitable<void> Serve(tcp::socket socket, SinkProtocol* protocol) {
    ssl::stream<tcp::socket> stream(std::move(socket), tls);
    boost::system::error_code ec;
    co_await stream.async_handshake(ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    counters.connections.fetch_add(1, std::memory_order_relaxed);
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(kBodyLimit);
      const size_t read =
          co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;  // closed by the client, or not HTTP: drop the connection
      counters.request_bytes.fetch_add(read, std::memory_order_relaxed);
      http::request<http::string_body> request = parser.release();
      std::string& body = request.body();
      body.reserve(body.size() + simdjson::SIMDJSON_PADDING);  // On Demand reads in place
      SinkReply reply = protocol->Handle(request["x-amz-target"], body);
      http::response<http::string_body> response{static_cast<http::status>(reply.status), request.version()};
      response.set(http::field::content_type, "application/x-amz-json-1.1");
      response.keep_alive(request.keep_alive());
      response.body() = std::move(reply.body);
      response.prepare_payload();
      const size_t written =
          co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      counters.response_bytes.fetch_add(written, std::memory_order_relaxed);
      if (!response.keep_alive()) co_return;
    }
  }

  // GET /stats: the counters as JSON; one request per connection.
  awaitable<void> AcceptStats() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket =
          co_await stats_acceptor->async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) continue;
      beast::flat_buffer buffer;
      http::request<http::empty_body> request;
      co_await http::async_read(socket, buffer, request, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) continue;
      const bool found = request.method() == http::verb::get && request.target() == "/stats";
      http::response<http::string_body> response{found ? http::status::ok : http::status::not_found, 11};
      response.set(http::field::content_type, "application/json");
      response.keep_alive(false);
      response.body() = found ? counters.ToJson() + "\n" : "GET /stats\n";
      response.prepare_payload();
      co_await http::async_write(socket, response, asio::redirect_error(asio::use_awaitable, ec));
    }
  }
};

Result<std::unique_ptr<SinkServer>> SinkServer::Start(const SinkServerOptions& options) {
  auto state = std::make_unique<State>();
  boost::system::error_code ec;
  state->tls.use_certificate_chain_file(options.cert_file, ec);
  if (!ec) state->tls.use_private_key_file(options.key_file, ssl::context::pem, ec);
  if (ec) return Status::InvalidArgument("cannot load the TLS certificate or key: " + ec.message());
  for (int i = 0; i < std::max(1, options.threads); ++i) {
    auto io = std::make_unique<IoThread>();
    io->protocol = std::make_unique<SinkProtocol>(options.settings, &state->counters, i + 1);
    state->io.push_back(std::move(io));
  }
  const auto loopback = asio::ip::make_address_v4("127.0.0.1");
  try {
    state->acceptor.emplace(state->io[0]->context, tcp::endpoint(loopback, options.port));
    state->stats_acceptor.emplace(state->io[0]->context, tcp::endpoint(loopback, options.stats_port));
  } catch (const boost::system::system_error& e) {
    return Status::Unavailable(std::string("cannot listen: ") + e.what());
  }
  asio::co_spawn(state->io[0]->context, state->Accept(), asio::detached);
  asio::co_spawn(state->io[0]->context, state->AcceptStats(), asio::detached);
  for (auto& io : state->io) {
    io->work.emplace(io->context.get_executor());
    io->thread = std::thread([context = &io->context] { context->run(); });
  }
  return std::unique_ptr<SinkServer>(new SinkServer(std::move(state)));
}

SinkServer::SinkServer(std::unique_ptr<State> state) : state_(std::move(state)) {}

SinkServer::~SinkServer() {
  for (auto& io : state_->io) io->context.stop();
  for (auto& io : state_->io) io->thread.join();
  state_->acceptor.reset();
  state_->stats_acceptor.reset();
}

int SinkServer::port() const {
  return state_->acceptor->local_endpoint().port();
}
int SinkServer::stats_port() const {
  return state_->stats_acceptor->local_endpoint().port();
}
const SinkCounters& SinkServer::counters() const {
  return state_->counters;
}

}  // namespace streamhook::bench
