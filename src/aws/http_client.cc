#include "aws/http_client.h"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <deque>
#include <optional>

namespace streamhook::aws {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Strand = asio::strand<asio::any_io_executor>;

namespace {

constexpr auto kResolveCacheTtl = std::chrono::seconds(60);

struct Connection {
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  bool open = false;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

struct Pending {
  HttpCall call;
  std::function<void(HttpReply)> done;
};

bool IsIpAddress(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

template <typename Stream>
asio::awaitable<beast::error_code> WriteThenRead(Stream& stream, beast::tcp_stream& lowest,
                                                 beast::flat_buffer& buffer,
                                                 http::request<http::string_body>& request,
                                                 http::response_parser<http::string_body>& parser,
                                                 std::chrono::milliseconds timeout) {
  beast::error_code ec;
  lowest.expires_after(timeout);
  co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return ec;
  co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

}  // namespace

struct HttpClient::State : std::enable_shared_from_this<HttpClient::State> {
  State(asio::any_io_executor executor, Endpoint e, HttpClientOptions o)
      : strand(asio::make_strand(executor)), endpoint(std::move(e)), options(std::move(o)) {}

  Strand strand;
  Endpoint endpoint;
  HttpClientOptions options;
  std::unique_ptr<ssl::context> tls_context;
  std::vector<std::unique_ptr<Connection>> idle;
  size_t busy = 0;
  std::deque<Pending> queue;
  std::optional<tcp::resolver::results_type> resolved;
  std::chrono::steady_clock::time_point resolved_at;
  std::atomic<uint64_t> connections_opened{0};
  std::atomic<uint64_t> requests_sent{0};

  // Starts queued calls while connections are available. Runs on the strand.
  void Pump() {
    while (!queue.empty()) {
      std::unique_ptr<Connection> connection;
      if (!idle.empty()) {
        connection = std::move(idle.back());
        idle.pop_back();
      } else if (busy < options.max_connections) {
        connection = std::make_unique<Connection>();
      } else {
        return;
      }
      ++busy;
      Pending pending = std::move(queue.front());
      queue.pop_front();
      asio::co_spawn(strand, Serve(std::move(connection), std::move(pending)), asio::detached);
    }
  }

  asio::awaitable<std::optional<AwsError>> Connect(Connection& c) {
    beast::error_code ec;
    if (!resolved || std::chrono::steady_clock::now() - resolved_at > kResolveCacheTtl) {
      tcp::resolver resolver(strand);
      auto results = co_await resolver.async_resolve(endpoint.host, endpoint.port,
                                                     asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return TransportError("cannot resolve " + endpoint.host + ": " + ec.message());
      resolved = std::move(results);
      resolved_at = std::chrono::steady_clock::now();
    }
    c.plain.reset();
    c.tls.reset();
    c.buffer.clear();
    if (endpoint.tls) {
      c.tls.emplace(strand, *tls_context);
    } else {
      c.plain.emplace(strand);
    }
    beast::tcp_stream& lowest = c.lowest();
    lowest.expires_after(options.connect_timeout);
    co_await lowest.async_connect(*resolved, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      resolved.reset();  // the address may have changed
      const char* what = ec == beast::error::timeout ? "timed out" : nullptr;
      co_return TransportError("cannot connect to " + endpoint.ToUrl() + ": " +
                               (what ? std::string(what) : ec.message()));
    }
    lowest.socket().set_option(tcp::no_delay(true), ec);
    if (c.tls) {
      if (!IsIpAddress(endpoint.host)) {
        SSL_set_tlsext_host_name(c.tls->native_handle(), endpoint.host.c_str());
      }
      c.tls->set_verify_mode(ssl::verify_peer);
      c.tls->set_verify_callback(ssl::host_name_verification(endpoint.host));
      co_await c.tls->async_handshake(ssl::stream_base::client,
                                      asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        co_return TransportError("TLS handshake with " + endpoint.ToUrl() + " failed: " + ec.message());
      }
    }
    c.open = true;
    ++connections_opened;
    co_return std::nullopt;
  }

  asio::awaitable<void> Serve(std::unique_ptr<Connection> connection, Pending pending) {
    auto self = shared_from_this();
    http::request<http::string_body> request{
        pending.call.method == "GET" ? http::verb::get : http::verb::post, endpoint.path, 11};
    request.set(http::field::host, endpoint.host_header);
    for (auto& [name, value] : pending.call.headers) request.set(name, value);
    request.body() = std::move(pending.call.body);
    request.prepare_payload();
    request.keep_alive(true);

    HttpReply reply;
    bool keep = false;
    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool reused = connection->open;
      if (!connection->open) {
        if (auto error = co_await Connect(*connection)) {
          reply.error = std::move(*error);
          break;
        }
      }
      http::response_parser<http::string_body> parser;
      parser.body_limit(options.max_response_bytes);
      ++requests_sent;
      beast::error_code ec =
          connection->tls
              ? co_await WriteThenRead(*connection->tls, connection->lowest(), connection->buffer, request,
                                       parser, options.request_timeout)
              : co_await WriteThenRead(*connection->plain, connection->lowest(), connection->buffer, request,
                                       parser, options.request_timeout);
      if (!ec) {
        auto response = parser.release();
        reply.ok = true;
        reply.status = static_cast<int>(response.result_int());
        reply.body = std::move(response.body());
        keep = response.keep_alive();
        break;
      }
      const bool nothing_received = !parser.got_some();
      connection = std::make_unique<Connection>();
      if (reused && nothing_received && attempt == 0 && ec != beast::error::timeout) {
        continue;  // the server closed an idle keep-alive connection: resend on a fresh one
      }
      reply.error = TransportError(
          std::string(ec == beast::error::timeout ? "request timed out" : "connection failed") + " (" +
          endpoint.ToUrl() + "): " + ec.message());
      break;
    }
    --busy;
    if (keep && connection->open) idle.push_back(std::move(connection));
    auto done = std::move(pending.done);
    done(std::move(reply));
    Pump();
  }
};

Result<std::unique_ptr<HttpClient>> HttpClient::Create(asio::any_io_executor executor, Endpoint endpoint,
                                                       HttpClientOptions options) {
  auto state = std::make_shared<State>(executor, std::move(endpoint), std::move(options));
  if (state->endpoint.tls) {
    state->tls_context = std::make_unique<ssl::context>(ssl::context::tls_client);
    boost::system::error_code ec;
    state->tls_context->set_default_verify_paths(ec);
    if (ec) return Status::Unavailable("cannot load the system CA certificates: " + ec.message());
    if (!state->options.ca_file.empty()) {
      state->tls_context->load_verify_file(state->options.ca_file, ec);
      if (ec) {
        return Status::InvalidArgument("cannot load CA file '" + state->options.ca_file +
                                       "': " + ec.message());
      }
    }
  }
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(state)));
}

HttpClient::HttpClient(std::shared_ptr<State> state) : state_(std::move(state)) {}

HttpClient::~HttpClient() = default;

const Endpoint& HttpClient::endpoint() const {
  return state_->endpoint;
}

void HttpClient::Send(HttpCall call, std::function<void(HttpReply)> done) {
  asio::post(state_->strand, [state = state_, call = std::move(call), done = std::move(done)]() mutable {
    state->queue.push_back(Pending{std::move(call), std::move(done)});
    state->Pump();
  });
}

HttpClient::Stats HttpClient::stats() const {
  return Stats{state_->connections_opened.load(), state_->requests_sent.load()};
}

}  // namespace streamhook::aws
