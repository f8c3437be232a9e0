// TestClient: a Beast HTTP client for the server tests, with a deadline on every operation so a
// misbehaving server fails the test instead of hanging it. It can also send raw bytes (malformed
// or partial requests) and watch for the server closing the connection.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <string>
#include <string_view>

namespace streamhook::server::testing {

using ClientRequest = boost::beast::http::request<boost::beast::http::string_body>;
using ClientResponse = boost::beast::http::response<boost::beast::http::string_body>;

// A GET (or `method`) request for `target` with Host set, HTTP/1.1, keep-alive.
ClientRequest MakeRequest(std::string_view method, std::string_view target, std::string body = {});

class TestClient {
 public:
  // Connects to 127.0.0.1:port; check connect_error().
  explicit TestClient(int port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  const boost::beast::error_code& connect_error() const { return connect_error_; }

  // Writes the request, then reads one response into *response.
  boost::beast::error_code Send(ClientRequest request, ClientResponse* response);
  // Writes a request without reading.
  boost::beast::error_code Write(ClientRequest& request);
  // Writes raw bytes.
  boost::beast::error_code WriteRaw(std::string_view bytes);
  // Reads one response (after Write/WriteRaw).
  boost::beast::error_code Read(ClientResponse* response);
  // Reads until the server closes the connection or `timeout` passes; returns eof (or a reset)
  // when it closed, beast::error::timeout when it did not (the stream is then closed). Anything received is
  // appended to *data.
  boost::beast::error_code ReadUntilClosed(std::chrono::milliseconds timeout, std::string* data = nullptr);
  // Waits up to `wait` without consuming anything; true when the server has closed (or reset) the
  // connection. Unlike ReadUntilClosed, the connection stays usable when it returns false.
  bool PeerClosed(std::chrono::milliseconds wait);
  // Closes our side.
  void Close();

 private:
  // Runs the I/O context until the operation started on it completes.
  void RunPending();

  boost::asio::io_context io_context_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::chrono::milliseconds timeout_;
  boost::beast::error_code connect_error_;
};

}  // namespace streamhook::server::testing
