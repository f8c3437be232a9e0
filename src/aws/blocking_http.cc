#include "aws/blocking_http.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

namespace streamhook::aws {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

// Failures as Status, naming the URL and the step; a time-out gets its own code so callers can
// tell "nobody there" from "something answered badly".
Status TransportFailure(const Endpoint& endpoint, std::string_view step, const beast::error_code& ec) {
  const std::string where = std::string(step) + " " + endpoint.ToUrl();
  if (ec == beast::error::timeout || ec == asio::error::timed_out) {
    return Status::DeadlineExceeded(where + " timed out");
  }
  return Status::Unavailable(where + " failed: " + ec.message());
}

template <typename Stream>
asio::awaitable<Status> Exchange(Stream& stream, beast::tcp_stream& lowest, const Endpoint& endpoint,
                                 http::request<http::string_body>& request,
                                 http::response_parser<http::string_body>& parser,
                                 std::chrono::milliseconds timeout) {
  beast::error_code ec;
  beast::flat_buffer buffer;
  lowest.expires_after(timeout);
  co_await http::async_write(stream, request, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return TransportFailure(endpoint, "sending to", ec);
  co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return TransportFailure(endpoint, "reading the answer of", ec);
  co_return Status::Ok();
}

struct Call {
  const Endpoint& endpoint;
  const BlockingHttpRequest& request;
  const BlockingHttpOptions& options;
  ssl::context* tls_context;  // null for plain HTTP
  Result<BlockingHttpResponse> result = Status::Internal("the HTTP call did not run");

  asio::awaitable<void> Run() {
    auto executor = co_await asio::this_coro::executor;
    beast::error_code ec;
    tcp::resolver resolver(executor);
    auto addresses = co_await resolver.async_resolve(endpoint.host, endpoint.port,
                                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      result = Status::Unavailable("cannot resolve " + endpoint.host + ": " + ec.message());
      co_return;
    }
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
    if (tls_context) {
      tls.emplace(executor, *tls_context);
    } else {
      plain.emplace(executor);
    }
    beast::tcp_stream& lowest = tls ? beast::get_lowest_layer(*tls) : *plain;
    lowest.expires_after(options.connect_timeout);
    co_await lowest.async_connect(addresses, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      result = TransportFailure(endpoint, "connecting to", ec);
      co_return;
    }
    if (tls) {
      boost::system::error_code address_ec;
      asio::ip::make_address(endpoint.host, address_ec);
      if (address_ec) SSL_set_tlsext_host_name(tls->native_handle(), endpoint.host.c_str());
      tls->set_verify_mode(ssl::verify_peer);
      tls->set_verify_callback(ssl::host_name_verification(endpoint.host));
      lowest.expires_after(options.request_timeout);
      co_await tls->async_handshake(ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        result = TransportFailure(endpoint, "TLS handshake with", ec);
        co_return;
      }
    }

    http::verb verb = http::string_to_verb(request.method);
    if (verb == http::verb::unknown) verb = http::verb::get;
    http::request<http::string_body> message{verb, request.target.empty() ? endpoint.path : request.target,
                                             11};
    message.set(http::field::host, endpoint.host_header);
    for (const auto& [name, value] : request.headers) message.set(name, value);
    message.body() = request.body;
    message.keep_alive(false);
    message.prepare_payload();
    http::response_parser<http::string_body> parser;
    parser.body_limit(options.max_response_bytes);
    // Not a conditional expression: GCC 12 mishandles co_await in the branches of ?: when the
    // result has a destructor.
    Status status;
    if (tls) {
      status = co_await Exchange(*tls, lowest, endpoint, message, parser, options.request_timeout);
    } else {
      status = co_await Exchange(*plain, lowest, endpoint, message, parser, options.request_timeout);
    }
    if (!status.ok()) {
      result = status;
      co_return;
    }
    auto response = parser.release();
    result = BlockingHttpResponse{static_cast<int>(response.result_int()), std::move(response.body())};
    // The connection closes with the streams; a TLS close_notify is not worth waiting for.
  }
};

}  // namespace

Result<BlockingHttpResponse> BlockingHttpSend(const Endpoint& endpoint, const BlockingHttpRequest& request,
                                              const BlockingHttpOptions& options) {
  std::optional<ssl::context> tls_context;
  if (endpoint.tls) {
    tls_context.emplace(ssl::context::tls_client);
    boost::system::error_code ec;
    tls_context->set_default_verify_paths(ec);
    if (ec) return Status::Unavailable("cannot load the system CA certificates: " + ec.message());
    if (!options.ca_file.empty()) {
      tls_context->load_verify_file(options.ca_file, ec);
      if (ec)
        return Status::InvalidArgument("cannot load CA file '" + options.ca_file + "': " + ec.message());
    }
  }
  asio::io_context io;
  Call call{endpoint, request, options, tls_context ? &*tls_context : nullptr};
  asio::co_spawn(io, call.Run(), [](std::exception_ptr) {});
  io.run();
  return std::move(call.result);
}

}  // namespace streamhook::aws
