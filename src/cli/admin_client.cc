#include "cli/admin_client.h"

#include <simdjson.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "aws/blocking_http.h"

namespace streamhook::cli {
namespace {

std::string Trim(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

Result<AdminClient> AdminClient::Create(std::string_view url, std::string_view data_dir) {
  Result<aws::Endpoint> endpoint = aws::ParseEndpoint(url);
  if (!endpoint.ok()) return Status::InvalidArgument("--url: " + endpoint.status().message());
  if (const char* env = std::getenv("STREAMHOOK_ADMIN_TOKEN"); env != nullptr && *env != '\0') {
    return AdminClient(std::move(*endpoint), env);
  }
  const std::string path = std::string(data_dir) + "/admin.token";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string token = Trim(text.str());
  if (!in || token.empty()) {
    return Status::NotFound(
        "no admin token: set STREAMHOOK_ADMIN_TOKEN, or point --data-dir at the server's "
        "data directory (looked for " +
        path + ")");
  }
  return AdminClient(std::move(*endpoint), std::move(token));
}

Result<AdminReply> AdminClient::Call(std::string_view method, std::string_view path,
                                     std::string_view body) const {
  aws::BlockingHttpRequest request;
  request.method = std::string(method);
  request.target = std::string(path);
  request.headers = {{"Authorization", "Bearer " + token_}};
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  request.body = std::string(body);
  aws::BlockingHttpOptions options;
  options.request_timeout = std::chrono::seconds(30);
  options.max_response_bytes = 64 << 20;
  Result<aws::BlockingHttpResponse> response = aws::BlockingHttpSend(endpoint_, request, options);
  if (!response.ok()) return response.status();
  return AdminReply{response->status, std::move(response->body)};
}

std::string AdminErrorMessage(const AdminReply& reply) {
  simdjson::dom::parser parser;
  std::string_view message;
  if (parser.parse(reply.body).at_key("message").get_string().get(message) == simdjson::SUCCESS)
    return "HTTP " + std::to_string(reply.status) + ": " + std::string(message);
  return "HTTP " + std::to_string(reply.status) + ": " + reply.body;
}

}  // namespace streamhook::cli
