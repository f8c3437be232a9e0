// AdminClient: the CLI's side of the server's admin API (/admin/v1), e.g. for `streamhook dlq`.
//
// The token comes from STREAMHOOK_ADMIN_TOKEN, else from <data dir>/admin.token (the file the
// server creates on first start); never from a flag, so it does not show in `ps` or shell history.
#pragma once

#include <string>
#include <string_view>

#include "aws/endpoint.h"
#include "common/status.h"

namespace streamhook::cli {

struct AdminReply {
  int status = 0;
  std::string body;
};

class AdminClient {
 public:
  // `url` is the server's base URL (http://127.0.0.1:8088). InvalidArgument for a bad URL;
  // NotFound naming both places when there is no token.
  static Result<AdminClient> Create(std::string_view url, std::string_view data_dir);

  // One request to `path` (e.g. "/admin/v1/hooks"). Only transport failures are errors; the
  // message names the server, never the token.
  Result<AdminReply> Call(std::string_view method, std::string_view path, std::string_view body = {}) const;

 private:
  AdminClient(aws::Endpoint endpoint, std::string token)
      : endpoint_(std::move(endpoint)), token_(std::move(token)) {}
  aws::Endpoint endpoint_;
  std::string token_;
};

// The "message" of an admin API error answer, else the body as it is; for error output.
std::string AdminErrorMessage(const AdminReply& reply);

}  // namespace streamhook::cli
