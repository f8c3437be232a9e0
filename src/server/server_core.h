// ServerCore: what every connection of one HttpServer shares. Internal to src/server.
//
// The core outlives the I/O threads and every connection: HttpServer destroys the io_context (and
// with it any handler still queued that holds a connection) before the counters, and closes the
// ResponseGate first so that a handler answering late never touches a destroyed io_context.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "common/http_types.h"
#include "server/server_options.h"
#include "server/server_stats.h"

namespace streamhook::server {

class Connection;

// Late responses pass through here: while open, the server's io_context is alive and can take a
// posted handler; once closed (the server has stopped), responses are dropped.
struct ResponseGate {
  std::mutex mu;
  bool open = true;
};

class ServerCore {
 public:
  ServerCore(HttpServerOptions options, HttpHandler handler);
  ~ServerCore();
  ServerCore(const ServerCore&) = delete;
  ServerCore& operator=(const ServerCore&) = delete;

  const HttpServerOptions options;
  const HttpHandler handler;
  ServerCounters counters;
  const std::shared_ptr<ResponseGate> gate = std::make_shared<ResponseGate>();
  boost::asio::io_context io_context;

  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  // Admits a new connection: false (and nothing kept) when max_connections are open or the server
  // is stopping. The core keeps it alive until Unregister, so a request waiting on a slow handler
  // needs no other owner.
  bool Register(std::shared_ptr<Connection> connection);
  // Forgets a closed connection. May drop the last reference to it.
  void Unregister(Connection* connection);

  // Marks the server stopping (Register refuses from now on) and returns the open connections.
  std::vector<std::shared_ptr<Connection>> BeginStopping();
  // Waits until every connection has unregistered or the deadline passes; true when all did.
  bool WaitForNoConnections(std::chrono::steady_clock::time_point deadline);
  // Takes the connections still registered (for closing them once the I/O threads are gone).
  std::vector<std::shared_ptr<Connection>> TakeConnections();

 private:
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable no_connections_;
  std::unordered_map<Connection*, std::shared_ptr<Connection>> connections_;
};

}  // namespace streamhook::server
