#include "aws/endpoint.h"

#include <boost/url/parse.hpp>

namespace streamhook::aws {

std::string Endpoint::ToUrl() const {
  return std::string(tls ? "https://" : "http://") + host_header + (path == "/" ? "" : path);
}

Result<Endpoint> ParseEndpoint(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    return Status::InvalidArgument("endpoint '" + std::string(url) +
                                   "' is not a URL (expected e.g. http://127.0.0.1:4567)");
  }
  Endpoint e;
  const std::string scheme = parsed->scheme();
  if (scheme == "https") {
    e.tls = true;
  } else if (scheme == "http") {
    e.tls = false;
  } else {
    return Status::InvalidArgument("endpoint '" + std::string(url) + "' must start with http:// or https://");
  }
  e.host = parsed->encoded_host();
  if (e.host.empty()) return Status::InvalidArgument("endpoint '" + std::string(url) + "' has no host");
  if (e.host.front() == '[' && e.host.back() == ']') e.host = e.host.substr(1, e.host.size() - 2);
  const std::string default_port = e.tls ? "443" : "80";
  e.port = parsed->has_port() ? std::string(parsed->port()) : default_port;
  e.host_header = std::string(parsed->encoded_host());
  if (e.port != default_port) e.host_header += ":" + e.port;
  e.path = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
  return e;
}

Endpoint EndpointForRegion(std::string_view service, std::string_view region) {
  Endpoint e;
  e.tls = true;
  e.host = std::string(service) + "." + std::string(region) + ".amazonaws.com";
  if (region.rfind("cn-", 0) == 0) e.host += ".cn";
  e.port = "443";
  e.host_header = e.host;
  return e;
}

}  // namespace streamhook::aws
