// BlockingHttpSend: one synchronous HTTP/1.1 request, for the rare calls made while fetching
// credentials (STS, EC2 instance metadata). It runs its own short-lived io_context on the calling
// thread, so it never touches the server's event loop; the hot Kinesis path uses HttpClient.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "aws/endpoint.h"
#include "common/status.h"

namespace streamhook::aws {

struct BlockingHttpOptions {
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds request_timeout{5000};  // from writing the request to the last byte read
  std::string ca_file;                              // extra CA certificates (PEM) for https
  size_t max_response_bytes = 1 << 20;
};

struct BlockingHttpRequest {
  std::string method = "GET";  // GET, PUT or POST
  std::string target;          // request target; empty means the endpoint's path
  std::vector<std::pair<std::string, std::string>> headers;  // Host is set from the endpoint
  std::string body;
};

struct BlockingHttpResponse {
  int status = 0;
  std::string body;
};

// Connects (plain or TLS, verifying the certificate against the system CAs plus options.ca_file
// and the host name), sends the request with "Connection: close" and reads the whole response.
// Any HTTP status is a response; only transport failures are errors: Unavailable (refused, reset,
// TLS failure) or DeadlineExceeded (a time-out), with the URL in the message but never a header
// or body. InvalidArgument when the CA file cannot be loaded.
Result<BlockingHttpResponse> BlockingHttpSend(const Endpoint& endpoint, const BlockingHttpRequest& request,
                                              const BlockingHttpOptions& options = {});

}  // namespace streamhook::aws
