// LoopbackTarget: the one place that decides where the load generator may send requests.
//
// A load generator pointed at the wrong host is a denial-of-service tool, so it refuses every
// target that does not resolve only to loopback addresses (127.0.0.0/8 or ::1).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace streamhook::bench {

struct LoopbackTarget {
  std::string host_header;                                // "127.0.0.1:8088", as sent in the Host header
  std::vector<boost::asio::ip::tcp::endpoint> endpoints;  // all loopback
};

// Parses "http://HOST[:PORT][/]" and resolves HOST. InvalidArgument when the URL is malformed, not
// plain http, has a path, or when any address HOST resolves to is not loopback.
Result<LoopbackTarget> ResolveLoopbackTarget(std::string_view url);

}  // namespace streamhook::bench
