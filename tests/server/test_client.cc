#include "server/test_client.h"

#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace streamhook::server::testing {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

ClientRequest MakeRequest(std::string_view method, std::string_view target, std::string body) {
  ClientRequest request(http::string_to_verb(method), target, 11);
  request.set(http::field::host, "127.0.0.1");
  if (!body.empty() || method == "POST") {
    request.set(http::field::content_type, "application/json");
    request.body() = std::move(body);
    request.prepare_payload();
  }
  return request;
}

TestClient::TestClient(int port, std::chrono::milliseconds timeout)
    : stream_(io_context_), timeout_(timeout) {
  stream_.expires_after(timeout_);
  stream_.async_connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                        [this](beast::error_code ec) { connect_error_ = ec; });
  RunPending();
}

void TestClient::RunPending() {
  io_context_.restart();
  io_context_.run();
}

beast::error_code TestClient::Send(ClientRequest request, ClientResponse* response) {
  if (beast::error_code ec = Write(request)) return ec;
  return Read(response);
}

beast::error_code TestClient::Write(ClientRequest& request) {
  beast::error_code result;
  stream_.expires_after(timeout_);
  http::async_write(stream_, request, [&](beast::error_code ec, size_t) { result = ec; });
  RunPending();
  return result;
}

beast::error_code TestClient::WriteRaw(std::string_view bytes) {
  beast::error_code result;
  stream_.expires_after(timeout_);
  net::async_write(stream_, net::buffer(bytes.data(), bytes.size()),
                   [&](beast::error_code ec, size_t) { result = ec; });
  RunPending();
  return result;
}

beast::error_code TestClient::Read(ClientResponse* response) {
  beast::error_code result;
  *response = {};
  stream_.expires_after(timeout_);
  http::async_read(stream_, buffer_, *response, [&](beast::error_code ec, size_t) { result = ec; });
  RunPending();
  return result;
}

beast::error_code TestClient::ReadUntilClosed(std::chrono::milliseconds timeout, std::string* data) {
  if (data) data->append(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  buffer_.clear();
  stream_.expires_after(timeout);
  for (;;) {
    beast::error_code result;
    size_t received = 0;
    char chunk[4096];
    stream_.async_read_some(net::buffer(chunk), [&](beast::error_code ec, size_t n) {
      result = ec;
      received = n;
    });
    RunPending();
    if (data) data->append(chunk, received);
    if (result) return result;
  }
}

bool TestClient::PeerClosed(std::chrono::milliseconds wait) {
  if (buffer_.size() > 0) return false;
  const int fd = stream_.socket().native_handle();
  pollfd entry{.fd = fd, .events = POLLIN | POLLRDHUP, .revents = 0};
  if (::poll(&entry, 1, static_cast<int>(wait.count())) <= 0) return false;
  if (entry.revents & (POLLHUP | POLLERR | POLLRDHUP)) return true;
  char byte;
  return ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;  // 0: orderly close; -1: reset
}

void TestClient::Close() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace streamhook::server::testing
