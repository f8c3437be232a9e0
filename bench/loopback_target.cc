#include "loopback_target.h"

#include <boost/asio/io_context.hpp>
#include <boost/url/parse.hpp>

namespace streamhook::bench {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

Status NotLoopback(std::string_view url, const std::string& address) {
  return Status::InvalidArgument("refusing to send load to " + std::string(url) + ": " + address +
                                 " is not a loopback address (only 127.0.0.0/8 and ::1 are allowed)");
}

}  // namespace

Result<LoopbackTarget> ResolveLoopbackTarget(std::string_view url) {
  const auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    return Status::InvalidArgument("--url " + std::string(url) +
                                   " is not an absolute URL; expected http://127.0.0.1:PORT");
  }
  const boost::urls::url_view& u = *parsed;
  if (u.scheme_id() != boost::urls::scheme::http) {
    return Status::InvalidArgument("--url " + std::string(url) + " must use http:// (TLS is not supported)");
  }
  if (!u.encoded_path().empty() && u.encoded_path() != "/") {
    return Status::InvalidArgument("--url " + std::string(url) +
                                   " must not have a path: the generator posts to /v1/batch itself");
  }
  if (u.host_type() == boost::urls::host_type::none || u.host_type() == boost::urls::host_type::ipvfuture ||
      u.encoded_host().empty()) {
    return Status::InvalidArgument("--url " + std::string(url) + " needs a host such as 127.0.0.1");
  }
  const uint16_t port = u.has_port() ? u.port_number() : 80;
  if (u.has_port() && port == 0) {
    return Status::InvalidArgument("--url " + std::string(url) + " has an invalid port");
  }

  LoopbackTarget target;
  target.host_header = std::string(u.encoded_host_and_port());
  if (u.host_type() == boost::urls::host_type::ipv4) {
    const asio::ip::address address = asio::ip::make_address_v4(u.host_ipv4_address().to_bytes());
    target.endpoints.emplace_back(address, port);
  } else if (u.host_type() == boost::urls::host_type::ipv6) {
    const asio::ip::address address = asio::ip::make_address_v6(u.host_ipv6_address().to_bytes());
    target.endpoints.emplace_back(address, port);
  } else {
    // A name: every address it resolves to must be loopback, or a later lookup could pick another.
    asio::io_context context;
    tcp::resolver resolver(context);
    boost::system::error_code ec;
    const auto results = resolver.resolve(std::string(u.encoded_host()), std::to_string(port), ec);
    if (ec) {
      return Status::InvalidArgument("cannot resolve the host of --url " + std::string(url) + ": " +
                                     ec.message());
    }
    for (const auto& entry : results) target.endpoints.push_back(entry.endpoint());
  }
  if (target.endpoints.empty()) return NotLoopback(url, "the host");
  for (const auto& endpoint : target.endpoints) {
    if (!endpoint.address().is_loopback()) return NotLoopback(url, endpoint.address().to_string());
  }
  return target;
}

}  // namespace streamhook::bench
