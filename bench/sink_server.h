// SinkServer: the benchmark's Kinesis stand-in. Serves SinkProtocol over HTTPS (keep-alive, any
// number of connections) on 127.0.0.1, and its counters as JSON on a plain side port
// (GET /stats), so a script can take them before and after a run.
//
// Boost.Beast on `threads` I/O threads, each with its own io_context and SinkProtocol: a connection
// stays on one thread, so the hot path takes no locks (the counters are relaxed atomics).
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "sink_protocol.h"

namespace streamhook::bench {

struct SinkServerOptions {
  std::string cert_file;  // PEM certificate (chain) and key of the TLS side
  std::string key_file;
  int port = 0;        // 0: any free port
  int stats_port = 0;  // 0: any free port
  int threads = 1;
  SinkSettings settings;
};

class SinkServer {
 public:
  // Listens on both ports and starts the I/O threads; fails on a bad certificate/key or a busy port.
  static Result<std::unique_ptr<SinkServer>> Start(const SinkServerOptions& options);
  ~SinkServer();  // stops: connections are dropped, threads joined
  SinkServer(const SinkServer&) = delete;
  SinkServer& operator=(const SinkServer&) = delete;

  int port() const;
  int stats_port() const;
  const SinkCounters& counters() const;

 private:
  struct State;
  explicit SinkServer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace streamhook::bench
