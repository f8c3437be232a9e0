#include "server/http_server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cassert>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "server/connection.h"
#include "server/server_core.h"

namespace streamhook::server {
namespace net = boost::asio;
using tcp = net::ip::tcp;
using ErrorCode = boost::system::error_code;

namespace {

// After accept() fails for lack of descriptors or memory, wait this long before trying again,
// rather than spinning a core on an error that needs connections to close first.
constexpr auto kAcceptBackoff = std::chrono::milliseconds(50);

Status ValidateOptions(const HttpServerOptions& options) {
  if (options.port < 0 || options.port > 65535) {
    return Status::InvalidArgument(fmt::format("HTTP port {} is not between 0 and 65535", options.port));
  }
  if (options.io_threads < 1) return Status::InvalidArgument("HTTP io_threads must be at least 1");
  if (options.body_limit == 0 || options.header_limit == 0 || options.max_connections == 0) {
    return Status::InvalidArgument("HTTP body_limit, header_limit and max_connections must be positive");
  }
  using std::chrono::milliseconds;
  for (milliseconds timeout : {options.read_timeout, options.idle_timeout, options.write_timeout}) {
    if (timeout <= milliseconds::zero()) {
      return Status::InvalidArgument("HTTP read, idle and write timeouts must be positive");
    }
  }
  return Status::Ok();
}

// Only addresses, never DNS: a listen address is configuration, and a lookup could block Start()
// or pick an address the operator did not mean.
Result<tcp::endpoint> ResolveListenEndpoint(const HttpServerOptions& options) {
  std::string host = options.host;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  ErrorCode ec;
  const net::ip::address address = net::ip::make_address(host, ec);
  if (ec) {
    return Status::InvalidArgument(fmt::format(
        "cannot listen on host '{}': give an IP address such as 0.0.0.0, 127.0.0.1 or ::", options.host));
  }
  return tcp::endpoint(address, static_cast<unsigned short>(options.port));
}

Status BindError(const tcp::endpoint& endpoint, const ErrorCode& ec) {
  const std::string where = fmt::format("{}:{}", endpoint.address().to_string(), endpoint.port());
  if (ec == net::error::address_in_use) {
    return Status::Unavailable(fmt::format(
        "cannot listen on {}: the port is already in use (another streamhook or another program holds it)",
        where));
  }
  if (ec == net::error::access_denied) {
    return Status::PermissionDenied(
        fmt::format("cannot listen on {}: permission denied (ports below 1024 need privileges)", where));
  }
  if (ec == boost::system::errc::address_not_available) {
    return Status::InvalidArgument(fmt::format(
        "cannot listen on {}: the address does not belong to this machine ({})", where, ec.message()));
  }
  return Status::Unavailable(fmt::format("cannot listen on {}: {}", where, ec.message()));
}

bool IsResourceShortage(const ErrorCode& ec) {
  return ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
         ec == net::error::no_memory || ec == boost::system::errc::too_many_files_open_in_system;
}

}  // namespace

struct HttpServer::Impl {
  enum class Phase { kNew, kRunning, kStopped };

  Impl(HttpServerOptions options, HttpHandler handler)
      : core(std::move(options), std::move(handler)),
        acceptor(net::make_strand(core.io_context)),
        accept_retry(acceptor.get_executor()) {}

  Status Start();
  void Stop();
  void Accept();
  void OnAccept(ErrorCode ec, tcp::socket socket);

  ServerCore core;  // first: its io_context outlives the I/O objects below
  tcp::acceptor acceptor;
  net::steady_timer accept_retry;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> keep_running;
  std::vector<std::thread> threads;
  std::atomic<int> port{0};

  std::mutex lifecycle_mu;
  std::condition_variable stopped;
  Phase phase = Phase::kNew;
};

Status HttpServer::Impl::Start() {
  std::lock_guard lock(lifecycle_mu);
  if (phase != Phase::kNew) return Status::InvalidArgument("the HTTP server was already started or stopped");
  if (Status valid = ValidateOptions(core.options); !valid.ok()) return valid;
  Result<tcp::endpoint> endpoint = ResolveListenEndpoint(core.options);
  if (!endpoint.ok()) return endpoint.status();

  ErrorCode ec;
  acceptor.open(endpoint->protocol(), ec);
  // SO_REUSEADDR lets a restarted server bind while old connections sit in TIME_WAIT; on Linux it
  // does not allow two listeners on one port, so "in use" is still reported.
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(*endpoint, ec);
  if (!ec) acceptor.listen(tcp::acceptor::max_listen_connections, ec);
  if (ec) {
    Status status = BindError(*endpoint, ec);
    ErrorCode ignored;
    acceptor.close(ignored);
    return status;
  }
  port = acceptor.local_endpoint(ec).port();

  Accept();
  // Holds run() open while a request waits on a handler and no socket operation is pending.
  keep_running.emplace(core.io_context.get_executor());
  threads.reserve(core.options.io_threads);
  for (int i = 0; i < core.options.io_threads; ++i) {
    threads.emplace_back([this] { core.io_context.run(); });
  }
  phase = Phase::kRunning;
  spdlog::debug("http: listening on {}:{}", endpoint->address().to_string(), port.load());
  return Status::Ok();
}

void HttpServer::Impl::Accept() {
  acceptor.async_accept(net::make_strand(core.io_context),
                        [this](ErrorCode ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
}

void HttpServer::Impl::OnAccept(ErrorCode ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
  if (ec) {
    Increment(core.counters.accept_errors);
    if (IsResourceShortage(ec)) {
      accept_retry.expires_after(kAcceptBackoff);
      accept_retry.async_wait([this](ErrorCode wait_ec) {
        if (!wait_ec && acceptor.is_open()) Accept();
      });
      return;
    }
    Accept();  // e.g. the client reset before we accepted: nothing to wait for
    return;
  }
  ErrorCode ignored;
  socket.set_option(tcp::no_delay(true), ignored);  // responses go out in one write; don't delay it
  auto connection = std::make_shared<Connection>(core, std::move(socket));
  if (core.Register(connection)) {
    Increment(core.counters.connections_accepted);
    connection->Start();
  } else {
    Increment(core.counters.connections_rejected);
    connection->Reject();
  }
  Accept();
}

void HttpServer::Impl::Stop() {
  // From an I/O thread this would wait for itself (join) forever.
  assert(!core.io_context.get_executor().running_in_this_thread() && "Stop() called from a handler");
  std::lock_guard lock(lifecycle_mu);
  if (phase != Phase::kRunning) {
    phase = Phase::kStopped;
    stopped.notify_all();
    return;
  }
  net::post(acceptor.get_executor(), [this] {
    ErrorCode ignored;
    acceptor.close(ignored);
    accept_retry.cancel();
  });
  for (const auto& connection : core.BeginStopping()) connection->NotifyStopping();
  const bool drained =
      core.WaitForNoConnections(std::chrono::steady_clock::now() + core.options.drain_timeout);

  keep_running.reset();
  core.io_context.stop();
  for (std::thread& thread : threads) thread.join();
  threads.clear();
  // No I/O thread runs now, so the I/O objects may be touched from here.
  ErrorCode ignored;
  acceptor.close(ignored);
  std::vector<std::shared_ptr<Connection>> remaining = core.TakeConnections();
  for (const auto& connection : remaining) connection->CloseAfterIoStopped();
  if (!drained) {
    spdlog::warn("http: closed {} connection(s) still busy after the {} ms drain timeout", remaining.size(),
                 core.options.drain_timeout.count());
  }
  phase = Phase::kStopped;
  stopped.notify_all();
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() {
  Stop();
}

Status HttpServer::Start() {
  return impl_->Start();
}

Status HttpServer::Run() {
  if (Status started = Start(); !started.ok()) return started;
  std::unique_lock lock(impl_->lifecycle_mu);
  impl_->stopped.wait(lock, [this] { return impl_->phase == Impl::Phase::kStopped; });
  return Status::Ok();
}

void HttpServer::Stop() {
  impl_->Stop();
}

int HttpServer::port() const {
  return impl_->port.load();
}

HttpServerStats HttpServer::stats() const {
  return impl_->core.counters.Snapshot();
}

void HttpServer::AppendPrometheus(std::string* out) const {
  server::AppendPrometheus(stats(), out);
}

}  // namespace streamhook::server
