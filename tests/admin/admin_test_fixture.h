// A real SqliteConfigStore in a temporary directory behind an AdminApi, plus helpers to call it
// with literal requests and read JSON answers.
#pragma once

#include <gtest/gtest.h>
#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "admin/admin_api.h"
#include "common/http_types.h"
#include "config/sqlite_config_store.h"
#include "support/test_env.h"

namespace streamhook::admin {

// A JSON object under construction: members as (key, raw JSON value) in order.
using Members = std::vector<std::pair<std::string, std::string>>;
// The members as a JSON object text.
std::string ObjectOf(const Members& members);
// `members` with `key` set to the raw JSON `json` (replaced in place, or appended).
Members With(Members members, std::string_view key, std::string_view json);
// `members` without `key`.
Members Without(Members members, std::string_view key);

class AdminApiTest : public ::testing::Test {
 protected:
  static constexpr std::string_view kToken = "test-admin-token-0123456789";

  // A valid PUT /admin/v1/connectors/kinesis body; its secret ends in "EKEY".
  static constexpr std::string_view kConnectorBody =
      R"({"region":"us-east-1","accessKeyId":"AKIAEXAMPLE0001","secretAccessKey":)"
      R"("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","endpoint":"http://127.0.0.1:4567","active":true})";
  static constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  AdminApiTest();

  // Closes the store and the AdminApi and opens them again on the same directory and key.
  void ReopenStore();

  // PUTs kConnectorBody, expecting 200.
  void PutConnectorForTest();

  // Sends a request with "Authorization: Bearer <token>" (no header when token is empty).
  HttpResponse Call(std::string method, std::string path, std::string body = {},
                    std::string_view token = kToken) const;

  // Values at a JSON pointer in a response body; a failed test assertion when absent.
  std::string StringAt(const HttpResponse& response, std::string_view pointer);
  int64_t IntAt(const HttpResponse& response, std::string_view pointer);
  bool BoolAt(const HttpResponse& response, std::string_view pointer);
  size_t ArraySizeAt(const HttpResponse& response, std::string_view pointer);
  bool Has(const HttpResponse& response, std::string_view pointer);
  bool IsNullAt(const HttpResponse& response, std::string_view pointer);

  // Expects a 400 invalid_field answer naming `field`, with the field in its message too.
  void ExpectFieldError(const HttpResponse& response, std::string_view field);
  // Expects `status` and the error `code`.
  void ExpectError(const HttpResponse& response, int status, std::string_view code);

  testing::TempDir dir_;
  const std::string master_key_;
  std::unique_ptr<config::SqliteConfigStore> store_;
  std::unique_ptr<AdminApi> api_;

 private:
  simdjson::dom::element Parse(const HttpResponse& response, std::string_view pointer);
  simdjson::dom::parser parser_;
};

}  // namespace streamhook::admin
