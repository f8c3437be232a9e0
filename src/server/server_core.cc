#include "server/server_core.h"

#include <algorithm>

#include "server/connection.h"

namespace streamhook::server {

ServerCore::ServerCore(HttpServerOptions options_in, HttpHandler handler_in)
    : options(std::move(options_in)),
      handler(std::move(handler_in)),
      io_context(std::max(1, options.io_threads)) {}

ServerCore::~ServerCore() {
  // Late Respond calls must find the gate closed before the io_context goes away.
  std::lock_guard lock(gate->mu);
  gate->open = false;
}

bool ServerCore::Register(std::shared_ptr<Connection> connection) {
  std::lock_guard lock(mu_);
  if (stopping_.load(std::memory_order_relaxed) || connections_.size() >= options.max_connections) {
    return false;
  }
  Connection* key = connection.get();
  connections_.emplace(key, std::move(connection));
  counters.connections_open.store(connections_.size(), std::memory_order_relaxed);
  return true;
}

void ServerCore::Unregister(Connection* connection) {
  std::shared_ptr<Connection> last_reference;  // released after the lock: it may run ~Connection
  std::lock_guard lock(mu_);
  auto it = connections_.find(connection);
  if (it == connections_.end()) return;
  last_reference = std::move(it->second);
  connections_.erase(it);
  counters.connections_open.store(connections_.size(), std::memory_order_relaxed);
  if (connections_.empty()) no_connections_.notify_all();
}

std::vector<std::shared_ptr<Connection>> ServerCore::BeginStopping() {
  std::lock_guard lock(mu_);
  stopping_.store(true, std::memory_order_release);
  std::vector<std::shared_ptr<Connection>> open;
  open.reserve(connections_.size());
  for (const auto& [key, connection] : connections_) open.push_back(connection);
  return open;
}

bool ServerCore::WaitForNoConnections(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return no_connections_.wait_until(lock, deadline, [this] { return connections_.empty(); });
}

std::vector<std::shared_ptr<Connection>> ServerCore::TakeConnections() {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<Connection>> remaining;
  remaining.reserve(connections_.size());
  for (auto& [key, connection] : connections_) remaining.push_back(std::move(connection));
  connections_.clear();
  counters.connections_open.store(0, std::memory_order_relaxed);
  return remaining;
}

}  // namespace streamhook::server
