#include "e2e/http_client.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>

#include "common/encoding.h"

namespace streamhook::e2e {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string HttpReply::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

std::string BasicAuth(std::string_view write_key) {
  return "Basic " + Base64Encode(std::string(write_key) + ":");
}

HttpClient::HttpClient(int port, std::chrono::milliseconds timeout)
    : port_(port), timeout_(timeout), stream_(io_) {}

void HttpClient::SetPort(int port) {
  Close();
  port_ = port;
}

void HttpClient::Close() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
  buffer_.clear();
  connected_ = false;
}

std::string HttpClient::Connect() {
  beast::error_code result;
  stream_.expires_after(timeout_);
  stream_.async_connect(
      net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port_)),
      [&](beast::error_code ec) { result = ec; });
  io_.restart();
  io_.run();
  if (result) {
    stream_.close();
    return "connect to 127.0.0.1:" + std::to_string(port_) + ": " + result.message();
  }
  connected_ = true;
  return {};
}

HttpReply HttpClient::Call(std::string_view method, std::string_view target, std::string_view body,
                           const HeaderList& headers) {
  HttpReply reply;
  if (!connected_) {
    reply.error = Connect();
    if (!reply.ok()) return reply;
  }
  http::request<http::string_body> request(http::string_to_verb(method), target, 11);
  request.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    if (request[http::field::content_type].empty())
      request.set(http::field::content_type, "application/json");
    request.body() = std::string(body);
    request.prepare_payload();
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  beast::error_code result;
  stream_.expires_after(timeout_);
  http::async_write(stream_, request, [&](beast::error_code, size_t) {
    // Read even when the write failed: a server may answer and close before reading a body it
    // refuses (e.g. 413). A failed write without an answer shows up as a failed read.
    http::async_read(stream_, buffer_, parser, [&](beast::error_code read_ec, size_t) { result = read_ec; });
  });
  io_.restart();
  io_.run();
  if (result && !parser.is_done()) {
    reply.error = std::string(method) + " " + std::string(target) + ": " + result.message();
    Close();
    return reply;
  }
  auto& response = parser.get();
  reply.status = response.result_int();
  reply.body = std::move(response.body());
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  if (!response.keep_alive()) Close();
  return reply;
}

}  // namespace streamhook::e2e
