// HttpServer: the asynchronous HTTP/1.1 server (Boost.Beast) every streamhook API runs on.
//
// It turns each request into an HttpRequest for one HttpHandler (usually a Router) and writes back
// the HttpResponse the handler answers with, possibly later and from any thread. Connections are
// kept alive and serve one request at a time; slow, oversized or malformed clients are answered
// (400/413/431/503) or disconnected without disturbing the others. See HttpServerOptions.
//
// Usage (the caller owns signal handling):
//   HttpServer server(options, router.AsHandler());
//   if (Status s = server.Start(); !s.ok()) ...;   // listening on server.port()
//   ... wait for SIGTERM ...
//   server.Stop();   // drains in-flight requests, then returns
//
// Handlers run on the I/O threads: they must not block (hand slow work to another thread and
// call Respond from there). The HttpRequest they get stays valid until they call Respond.
#pragma once

#include <memory>
#include <string>

#include "common/http_types.h"
#include "common/status.h"
#include "server/server_options.h"
#include "server/server_stats.h"

namespace streamhook::server {

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler);
  // Stops the server (as Stop()) if it is running.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens on options.host:options.port and starts the I/O threads; returns at once.
  // Fails with InvalidArgument for bad options or an unusable address, Unavailable when the port
  // cannot be bound (e.g. already in use). A server starts at most once.
  Status Start();
  // Start(), then blocks until Stop() (called from another thread) has finished.
  Status Run();
  // Stops accepting, closes idle connections, waits up to options.drain_timeout for requests in
  // flight to be answered (their responses carry Connection: close), closes whatever remains and
  // joins the I/O threads. Responses arriving afterwards are dropped. Idempotent; thread-safe;
  // must not be called from a handler (it waits for the threads handlers run on).
  void Stop();

  // The port listened on (the ephemeral one when options.port was 0); 0 before Start().
  int port() const;

  HttpServerStats stats() const;
  // Appends the server's streamhook_http_* metrics in the Prometheus text format.
  void AppendPrometheus(std::string* out) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace streamhook::server
