// HttpClient: asynchronous HTTP/1.1 to one endpoint, over a pool of keep-alive connections.
//
// Boost.Beast/Asio rather than libcurl: it shares the io_context with the rest of the server (no
// second event loop or thread), gives direct control of connection reuse and buffers on the hot
// PutRecords path, and comes header-only with Debian's Boost 1.81. TLS is OpenSSL through
// asio::ssl, verifying certificates against the system CA store (plus an optional CA file).
//
// Several requests run at once, each on its own connection (up to max_connections; beyond that
// they queue). Callbacks run on the client's strand. Destroy the client only after every callback
// has fired or the io_context has stopped.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "aws/aws_error.h"
#include "aws/endpoint.h"

namespace streamhook::aws {

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{30000};  // from writing the request to the last byte read
  size_t max_connections = 8;
  std::string ca_file;                   // extra CA certificates (PEM), e.g. for a local TLS emulator
  size_t max_response_bytes = 64 << 20;  // GetRecords can return 10 MiB of data, base64-encoded
};

struct HttpCall {
  std::string method = "POST";
  std::vector<std::pair<std::string, std::string>> headers;  // host is added by the client
  std::string body;
};

struct HttpReply {
  bool ok = false;  // false: transport failure, see error
  AwsError error;   // when !ok
  int status = 0;
  std::string body;
};

class HttpClient {
 public:
  // Fails when the CA file cannot be loaded.
  static Result<std::unique_ptr<HttpClient>> Create(boost::asio::any_io_executor executor, Endpoint endpoint,
                                                    HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  const Endpoint& endpoint() const;

  // Sends the call on an idle pooled connection (opening one if allowed, else queueing) and calls
  // `done` exactly once with the reply or the transport error. A reused connection that turns out
  // to be closed by the server before any byte of the answer arrives is replaced and the call
  // resent once on a new connection.
  void Send(HttpCall call, std::function<void(HttpReply)> done);

  struct Stats {
    uint64_t connections_opened = 0;
    uint64_t requests_sent = 0;
  };
  Stats stats() const;

 private:
  struct State;
  explicit HttpClient(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace streamhook::aws
