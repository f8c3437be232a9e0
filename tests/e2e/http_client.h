// A small blocking HTTP/1.1 client (Boost.Beast) for the end-to-end tests: one keep-alive
// connection to 127.0.0.1, reopened when it breaks, with a deadline on every call so a hung
// server fails the test instead of hanging it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace streamhook::e2e {

struct HttpReply {
  int status = 0;  // 0 when no response arrived
  std::string body;
  std::string error;  // why no response arrived (connect refused, reset, timeout)
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased

  bool ok() const { return error.empty(); }
  // The first header with this lower-case name, or "".
  std::string Header(std::string_view lower_name) const;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
 public:
  explicit HttpClient(int port, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request (connecting first when needed) and reads its answer. A broken connection is
  // closed, so the next call connects again; a failed request is never resent (its events may or
  // may not have been stored, so the caller decides).
  HttpReply Call(std::string_view method, std::string_view target, std::string_view body = {},
                 const HeaderList& headers = {});

  // Points the client at another port (a restarted server); closes the current connection.
  void SetPort(int port);
  void Close();

 private:
  std::string Connect();

  int port_;
  std::chrono::milliseconds timeout_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
};

// "Basic base64(write_key:)" as Segment's libraries send the write key.
std::string BasicAuth(std::string_view write_key);

}  // namespace streamhook::e2e
