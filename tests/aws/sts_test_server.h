// Starts tests/aws/sts_imds_server.py (a local STS + IMDSv2 server that verifies SigV4 with
// botocore) on a free 127.0.0.1 port, and reads its counters and steers its failures.
#pragma once

#include <gtest/gtest.h>
#include <simdjson.h>

#include <memory>
#include <string>
#include <vector>

#include "aws/blocking_http.h"
#include "support/test_env.h"

namespace streamhook::aws {

struct StsTestServerOptions {
  std::string source_key = "AKIASOURCE0000000001";
  std::string source_secret = "SourceSecretKey/0000000000000000000000001";
  std::string source_token;
  std::string role_arn = "arn:aws:iam::123456789012:role/streamhook-writer";
  std::string external_id;  // empty: the role does not require one
  std::string region = "eu-central-1";
  std::string web_identity_token_file;
  std::string imds_role;  // empty: the instance has no role
  int lifetime_seconds = 20;
};

struct StsTestServerStats {
  int64_t assume_role = 0, web_identity = 0, imds_tokens = 0, imds_credentials = 0, imds_unauthorized = 0;
  int64_t refused = 0, bad_signatures = 0;
  std::vector<std::string> issued;  // access key ids, in order
  std::string last_session_name, last_duration, last_web_identity_token, last_signing_key;
  bool last_external_id_sent = false;
};

class StsTestServer {
 public:
  explicit StsTestServer(StsTestServerOptions options) : options_(std::move(options)) {
    port_ = streamhook::testing::FreeLoopbackPort();
    std::vector<std::string> argv = {
        "/usr/bin/python3", (streamhook::testing::SourceDir() / "tests/aws/sts_imds_server.py").string(),
        "--port",           std::to_string(port_),
        "--source-key",     options_.source_key,
        "--source-secret",  options_.source_secret,
        "--role-arn",       options_.role_arn,
        "--region",         options_.region,
        "--lifetime",       std::to_string(options_.lifetime_seconds)};
    auto add = [&](const char* flag, const std::string& value) {
      if (value.empty()) return;
      argv.push_back(flag);
      argv.push_back(value);
    };
    add("--source-token", options_.source_token);
    add("--external-id", options_.external_id);
    add("--web-identity-token-file", options_.web_identity_token_file);
    add("--imds-role", options_.imds_role);
    process_ = std::make_unique<streamhook::testing::ChildProcess>(argv, std::map<std::string, std::string>{},
                                                                   log_.path() / "server.log");
    ready_ = streamhook::testing::WaitForPort(port_, std::chrono::seconds(20));
  }

  bool ready() const { return ready_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const StsTestServerOptions& options() const { return options_; }

  // POSTs a JSON control message, e.g. {"fail": {"action": "AssumeRole", "count": 1, ...}}.
  void Control(const std::string& json) {
    auto response = Send({"POST", "/_control", {{"content-type", "application/json"}}, json});
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    ASSERT_EQ(response->status, 200);
  }

  StsTestServerStats Stats() {
    StsTestServerStats stats;
    auto response = Send({"GET", "/_stats", {}, ""});
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    if (!response.ok()) return stats;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    EXPECT_EQ(parser.parse(response->body).get(doc), simdjson::SUCCESS) << response->body;
    stats.assume_role = doc["AssumeRole"].get_int64().value();
    stats.web_identity = doc["AssumeRoleWithWebIdentity"].get_int64().value();
    stats.imds_tokens = doc["imds_tokens"].get_int64().value();
    stats.imds_credentials = doc["imds_credentials"].get_int64().value();
    stats.imds_unauthorized = doc["imds_unauthorized"].get_int64().value();
    stats.refused = doc["refused"].get_int64().value();
    stats.bad_signatures = doc["bad_signatures"].get_int64().value();
    for (auto key : doc["issued"].get_array()) stats.issued.emplace_back(key.get_string().value());
    stats.last_session_name = std::string(doc["last_session_name"].get_string().value());
    stats.last_duration = std::string(doc["last_duration"].get_string().value());
    stats.last_web_identity_token = std::string(doc["last_web_identity_token"].get_string().value());
    stats.last_signing_key = std::string(doc["last_signing_key"].get_string().value());
    stats.last_external_id_sent = doc["last_external_id_sent"].get_bool().value();
    return stats;
  }

  // A raw request to the server, e.g. to check that it refuses IMDS calls without a token.
  Result<BlockingHttpResponse> Send(BlockingHttpRequest request) {
    return BlockingHttpSend(ParseEndpoint(url()).value(), request);
  }

 private:
  StsTestServerOptions options_;
  streamhook::testing::TempDir log_;
  int port_ = 0;
  std::unique_ptr<streamhook::testing::ChildProcess> process_;
  bool ready_ = false;
};

}  // namespace streamhook::aws
