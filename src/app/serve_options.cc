#include "app/serve_options.h"

#include <simdjson.h>

#include <charconv>

namespace streamhook::app {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

Status WrongType(const std::string& key, const char* expected) {
  return Status::InvalidArgument("config file: '" + key + "' must be " + expected);
}

Status ReadUint(element value, const std::string& key, uint64_t* out) {
  if (value.get_uint64().get(*out) != simdjson::SUCCESS) return WrongType(key, "a non-negative integer");
  return Status::Ok();
}

Status ReadSpool(object spool, ServeOptions* options) {
  for (auto [k, v] : spool) {
    const std::string key = "spool." + std::string(k);
    if (k == "maxBytes") {
      if (Status s = ReadUint(v, key, &options->spool_max_bytes); !s.ok()) return s;
    } else if (k == "segmentBytes") {
      if (Status s = ReadUint(v, key, &options->spool_segment_bytes); !s.ok()) return s;
    } else if (k == "fsync") {
      if (v.get_bool().get(options->fsync) != simdjson::SUCCESS) return WrongType(key, "true or false");
    } else {
      return Status::InvalidArgument("config file: unknown key '" + key + "'");
    }
  }
  return Status::Ok();
}

Status ReadProfiles(object profiles, ServeOptions* options) {
  for (auto [k, v] : profiles) {
    const std::string key = "profiles." + std::string(k);
    if (k != "enabled") return Status::InvalidArgument("config file: unknown key '" + key + "'");
    if (v.get_bool().get(options->profiles) != simdjson::SUCCESS) return WrongType(key, "true or false");
  }
  return Status::Ok();
}

// Bounds that keep values meaningful once they become ints and timer deadlines.
constexpr uint64_t kMaxIoThreads = 256;
constexpr uint64_t kMaxTimeoutMs = 24ull * 3600 * 1000;

Status ReadBounded(element value, const std::string& key, uint64_t min, uint64_t max, uint64_t* out) {
  if (Status s = ReadUint(value, key, out); !s.ok()) return s;
  if (*out < min || *out > max) {
    return Status::InvalidArgument("config file: '" + key + "' must be between " + std::to_string(min) +
                                   " and " + std::to_string(max));
  }
  return Status::Ok();
}

Status ReadHttp(object http, server::HttpServerOptions* options) {
  for (auto [k, v] : http) {
    const std::string key = "http." + std::string(k);
    uint64_t n = 0;
    Status s;
    if (k == "ioThreads") {
      // 0 means one thread, as before.
      if (s = ReadBounded(v, key, 0, kMaxIoThreads, &n); s.ok())
        options->io_threads = static_cast<int>(std::max<uint64_t>(1, n));
    } else if (k == "bodyLimit") {
      if (s = ReadBounded(v, key, 1, 1ull << 32, &n); s.ok()) options->body_limit = n;
    } else if (k == "headerLimit") {
      if (s = ReadBounded(v, key, 1, 1ull << 24, &n); s.ok()) options->header_limit = n;
    } else if (k == "readTimeoutMs") {
      if (s = ReadBounded(v, key, 1, kMaxTimeoutMs, &n); s.ok())
        options->read_timeout = std::chrono::milliseconds(n);
    } else if (k == "idleTimeoutMs") {
      if (s = ReadBounded(v, key, 1, kMaxTimeoutMs, &n); s.ok())
        options->idle_timeout = std::chrono::milliseconds(n);
    } else if (k == "maxConnections") {
      if (s = ReadBounded(v, key, 1, 1000000, &n); s.ok()) options->max_connections = n;
    } else {
      return Status::InvalidArgument("config file: unknown key '" + key + "'");
    }
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Status LoadServeConfigFile(const std::filesystem::path& path, ServeOptions* options) {
  simdjson::dom::parser parser;
  element doc;
  object root;
  if (auto error = parser.load(path.string()).get(doc); error) {
    return Status::InvalidArgument("config file " + path.string() + ": " + simdjson::error_message(error));
  }
  if (doc.get_object().get(root) != simdjson::SUCCESS) {
    return Status::InvalidArgument("config file " + path.string() + " must hold a JSON object");
  }
  for (auto [k, v] : root) {
    const std::string key(k);
    std::string_view text;
    object nested;
    uint64_t n = 0;
    if (key == "listen") {
      if (v.get_string().get(text) != simdjson::SUCCESS)
        return WrongType(key, "a string like 127.0.0.1:8088");
      options->listen = std::string(text);
    } else if (key == "dataDir") {
      if (v.get_string().get(text) != simdjson::SUCCESS) return WrongType(key, "a path");
      options->data_dir = std::string(text);
    } else if (key == "spool") {
      if (v.get_object().get(nested) != simdjson::SUCCESS) return WrongType(key, "an object");
      if (Status s = ReadSpool(nested, options); !s.ok()) return s;
    } else if (key == "http") {
      if (v.get_object().get(nested) != simdjson::SUCCESS) return WrongType(key, "an object");
      if (Status s = ReadHttp(nested, &options->http); !s.ok()) return s;
    } else if (key == "profiles") {
      if (v.get_object().get(nested) != simdjson::SUCCESS) return WrongType(key, "an object");
      if (Status s = ReadProfiles(nested, options); !s.ok()) return s;
    } else if (key == "drainTimeoutMs") {
      if (Status s = ReadBounded(v, key, 0, kMaxTimeoutMs, &n); !s.ok()) return s;
      options->drain_timeout = std::chrono::milliseconds(n);
    } else {
      return Status::InvalidArgument("config file: unknown key '" + key + "'");
    }
  }
  return Status::Ok();
}

Status ApplyListenAddress(const std::string& listen, server::HttpServerOptions* http) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Status::InvalidArgument("--listen must be HOST:PORT, e.g. 127.0.0.1:8088 (got '" + listen + "')");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return Status::InvalidArgument("--listen: write an IPv6 address in brackets, e.g. [::1]:8088 (got '" +
                                   listen + "')");
  }
  int port = -1;
  const std::string port_text = listen.substr(colon + 1);
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port < 0 || port > 65535) {
    return Status::InvalidArgument("--listen port must be 0-65535 (got '" + port_text + "')");
  }
  http->host = host;
  http->port = port;
  return Status::Ok();
}

}  // namespace streamhook::app
