// ServeOptions: what `streamhook serve` runs with, from flags and an optional JSON config file.
#pragma once

#include <filesystem>
#include <string>

#include "common/status.h"
#include "server/server_options.h"
#include "spool/spool_types.h"

namespace streamhook::app {

struct ServeOptions {
  std::string listen = "127.0.0.1:8088";
  std::filesystem::path data_dir = "data";
  server::HttpServerOptions http;  // host/port come from `listen`
  uint64_t spool_max_bytes = 4ull << 30;
  uint64_t spool_segment_bytes = 64ull << 20;
  bool fsync = true;
  // Keep a profile per user from identify/alias (netmera payloads carry it). Off: no profiles.db
  // work at all, and netmera payloads take the user's attributes from the event itself.
  bool profiles = true;
  std::chrono::milliseconds drain_timeout{10000};  // SIGTERM: time to deliver what is buffered
};

// Reads a JSON config file over the defaults in *options. Recognised keys (all optional):
//   {"listen": "127.0.0.1:8088", "dataDir": "data",
//    "spool": {"maxBytes": N, "segmentBytes": N, "fsync": true},
//    "http": {"ioThreads": N, "bodyLimit": N, "headerLimit": N, "readTimeoutMs": N,
//             "idleTimeoutMs": N, "maxConnections": N},
//    "profiles": {"enabled": true}, "drainTimeoutMs": N}
// An unknown key or a value of the wrong type is an InvalidArgument naming it.
Status LoadServeConfigFile(const std::filesystem::path& path, ServeOptions* options);

// Splits "HOST:PORT" (IPv6 as "[::1]:8088") into the server options.
Status ApplyListenAddress(const std::string& listen, server::HttpServerOptions* http);

}  // namespace streamhook::app
