// Endpoint: where the Kinesis API is, parsed once from a URL or derived from the region.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace streamhook::aws {

struct Endpoint {
  bool tls = true;
  std::string host;         // "kinesis.eu-central-1.amazonaws.com" or "127.0.0.1"
  std::string port;         // "443", "4567"
  std::string host_header;  // host, plus ":port" when not the scheme's default
  std::string path = "/";   // request target, "/" unless the URL had a path

  // "https://host:port/path", for messages.
  std::string ToUrl() const;
};

// Parses an http(s) URL such as "http://127.0.0.1:4567" or "https://kinesis.us-east-1.amazonaws.com".
Result<Endpoint> ParseEndpoint(std::string_view url);

// The public endpoint of a service in a region: https://<service>.<region>.amazonaws.com
// (amazonaws.com.cn for China regions).
Endpoint EndpointForRegion(std::string_view service, std::string_view region);

}  // namespace streamhook::aws
