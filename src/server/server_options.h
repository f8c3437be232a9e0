// HttpServerOptions: where the server listens and the bounds that protect it from its clients.
//
// Every bound is answered on the wire (413, 431, 400, 503, or a close) rather than by growing
// memory or holding sockets forever; the defaults suit a public ingest endpoint.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace streamhook::server {

struct HttpServerOptions {
  // An IP address ("0.0.0.0", "::", "127.0.0.1"; IPv6 may be bracketed) or "localhost".
  std::string host = "127.0.0.1";
  int port = 0;  // 0 picks an ephemeral port; HttpServer::port() tells which
  int io_threads = 2;

  size_t body_limit = 1 << 20;     // bytes; a larger body gets 413 and the connection closes
  size_t header_limit = 16 << 10;  // bytes, request line included; larger gets 431 and a close

  // From a request's first byte to its last (for a new connection: from accept). Slow senders
  // (slowloris) are disconnected when it runs out.
  std::chrono::milliseconds read_timeout{10'000};
  // How long a keep-alive connection may wait, silent, for its next request.
  std::chrono::milliseconds idle_timeout{60'000};
  // Sending one response to a client that does not read it.
  std::chrono::milliseconds write_timeout{10'000};

  // Connections beyond this are answered 503 and closed at once.
  size_t max_connections = 10'000;

  // How long Stop() waits for in-flight requests to be answered before closing them.
  std::chrono::milliseconds drain_timeout{10'000};
};

}  // namespace streamhook::server
