// AssumeRole against tests/aws/sts_imds_server.py, which checks every signature with botocore,
// requires the role's external id and issues short-lived credentials.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "aws/temporary_credentials.h"
#include "credentials_test_env.h"
#include "sts_test_server.h"

namespace streamhook::aws {
namespace {

using namespace std::chrono_literals;

constexpr char kExternalId[] = "customer-7f3a:ExternalId/42";

class AssumeRoleTest : public CredentialsTestEnv {
 protected:
  void Start(StsTestServerOptions options = {}) {
    if (options.external_id.empty()) options.external_id = kExternalId;
    server_ = std::make_unique<StsTestServer>(std::move(options));
    ASSERT_TRUE(server_->ready()) << "the STS test server did not start";
  }

  AssumeRoleOptions Options() const {
    AssumeRoleOptions options;
    options.role_arn = server_->options().role_arn;
    options.external_id = kExternalId;
    options.region = server_->options().region;
    options.sts_endpoint_override = server_->url();
    return options;
  }

  std::shared_ptr<CredentialsProvider> Source(std::string secret = "") const {
    const auto& o = server_->options();
    return MakeStaticCredentialsProvider(
        Credentials{o.source_key, secret.empty() ? o.source_secret : secret, o.source_token, std::nullopt});
  }

  // No message or description may carry a secret, token, external id or whole key id.
  void ExpectNoSecrets(const std::string& text, std::vector<std::string> more = {}) const {
    const auto& o = server_->options();
    more.insert(more.end(), {o.source_secret, o.source_key, kExternalId});
    if (!o.source_token.empty()) more.push_back(o.source_token);
    for (const auto& secret : more)
      EXPECT_EQ(text.find(secret), std::string::npos) << "leaked into: " << text;
  }

  std::unique_ptr<StsTestServer> server_;
};

TEST_F(AssumeRoleTest, AssumesTheRoleWithTheRightExternalId) {
  Start();
  auto provider = MakeAssumeRoleCredentialsProvider(Source(), Options());
  auto credentials = provider->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  const StsTestServerStats stats = server_->Stats();
  EXPECT_EQ(stats.assume_role, 1);
  EXPECT_EQ(stats.bad_signatures, 0);
  ASSERT_EQ(stats.issued.size(), 1u);
  EXPECT_EQ(credentials->access_key_id, stats.issued[0]);
  EXPECT_FALSE(credentials->secret_access_key.empty());
  EXPECT_FALSE(credentials->session_token.empty());
  ASSERT_TRUE(credentials->expiration);
  const auto left = *credentials->expiration - std::chrono::system_clock::now();
  EXPECT_GT(left, 15s);
  EXPECT_LE(left, 21s);
  EXPECT_EQ(stats.last_session_name, "streamhook");
  EXPECT_EQ(stats.last_duration, "3600");
  EXPECT_TRUE(stats.last_external_id_sent);
  EXPECT_EQ(provider->Describe(),
            "role " + server_->options().role_arn + " assumed with explicit access key AKIA************0001");
}

TEST_F(AssumeRoleTest, SignsWithTheSourceSessionToken) {
  StsTestServerOptions options;
  options.source_key = "ASIASOURCE0000000002";
  options.source_token = "IQoJb3JpZ2luX2VjEXAMPLESOURCESESSIONTOKEN+/==";
  Start(options);
  auto credentials = MakeAssumeRoleCredentialsProvider(Source(), Options())->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(server_->Stats().assume_role, 1);
}

TEST_F(AssumeRoleTest, AWrongOrMissingExternalIdIsRefusedPermanentlyNamingTheRole) {
  Start();
  for (const std::string external_id : {"customer-7f3a:WrongId/43", ""}) {
    AssumeRoleOptions options = Options();
    options.external_id = external_id;
    auto provider = MakeAssumeRoleCredentialsProvider(Source(), options);
    auto credentials = provider->Get();
    ASSERT_FALSE(credentials.ok());
    EXPECT_EQ(credentials.status().code(), Status::Code::kPermissionDenied);
    const std::string& message = credentials.status().message();
    EXPECT_NE(message.find("AssumeRole for role " + server_->options().role_arn), std::string::npos)
        << message;
    EXPECT_NE(message.find("AccessDenied (HTTP 403)"), std::string::npos) << message;
    EXPECT_NE(message.find("external id"), std::string::npos) << message;
    ExpectNoSecrets(message, {"customer-7f3a:WrongId/43"});
    ExpectNoSecrets(provider->Describe());
  }
  const StsTestServerStats stats = server_->Stats();
  EXPECT_EQ(stats.assume_role, 0);
  EXPECT_EQ(stats.refused, 2);
  EXPECT_FALSE(stats.last_external_id_sent);
}

TEST_F(AssumeRoleTest, TheServerRejectsABadSignatureSoItsChecksCanFail) {
  Start();
  // Same key id, wrong secret: only the signature differs.
  auto provider =
      MakeAssumeRoleCredentialsProvider(Source("WrongSecretKey/000000000000000000000000001"), Options());
  auto credentials = provider->Get();
  EXPECT_EQ(credentials.status().code(), Status::Code::kUnauthenticated);
  EXPECT_NE(credentials.status().message().find("SignatureDoesNotMatch"), std::string::npos)
      << credentials.status().message();
  ExpectNoSecrets(credentials.status().message(), {"WrongSecretKey/000000000000000000000000001"});
  const StsTestServerStats stats = server_->Stats();
  EXPECT_EQ(stats.bad_signatures, 2);  // rejected source credentials are reloaded and tried once more
  EXPECT_EQ(stats.assume_role, 0);
}

TEST_F(AssumeRoleTest, ThrottlingIsRetryableAndSucceedsLater) {
  Start();
  server_->Control(R"({"fail": {"action": "AssumeRole", "count": 1, "status": 400, "code": "Throttling",
                     "message": "Rate exceeded"}})");
  AssumeRoleOptions options = Options();
  options.refresh.error_hold = 0ms;
  auto provider = MakeAssumeRoleCredentialsProvider(Source(), options);
  auto throttled = provider->Get();
  EXPECT_EQ(throttled.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(throttled.status().message().find("Throttling (HTTP 400): Rate exceeded"), std::string::npos)
      << throttled.status().message();
  auto credentials = provider->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(server_->Stats().assume_role, 1);
}

TEST_F(AssumeRoleTest, SecretsEchoedByStsAreScrubbedFromErrors) {
  Start();
  const auto& o = server_->options();
  server_->Control(R"({"fail": {"action": "AssumeRole", "count": 1, "status": 400, "code": "ValidationError",
                     "message": "Value ')" +
                   std::string(kExternalId) + "' at 'externalId'; key " + o.source_secret + R"("}})");
  auto credentials = MakeAssumeRoleCredentialsProvider(Source(), Options())->Get();
  EXPECT_EQ(credentials.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(credentials.status().message().find("at 'externalId'"), std::string::npos)
      << credentials.status().message();
  ExpectNoSecrets(credentials.status().message());
}

TEST_F(AssumeRoleTest, ConcurrentGetCallsCauseOneStsCall) {
  Start();
  server_->Control(R"({"delay_ms": 400})");
  auto provider = MakeAssumeRoleCredentialsProvider(Source(), Options());
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::set<std::string> keys;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      auto credentials = provider->Get();
      std::lock_guard lock(mutex);
      keys.insert(credentials.ok() ? credentials->access_key_id : credentials.status().ToString());
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(keys.size(), 1u);
  const StsTestServerStats stats = server_->Stats();
  EXPECT_EQ(stats.assume_role, 1);
  ASSERT_EQ(stats.issued.size(), 1u);
  EXPECT_EQ(*keys.begin(), stats.issued[0]);
}

TEST_F(AssumeRoleTest, RefreshesBeforeExpiryWithoutAFailedCallInBetween) {
  StsTestServerOptions server_options;
  server_options.lifetime_seconds = 6;  // refreshed after about 3 s
  Start(server_options);
  auto provider = MakeAssumeRoleCredentialsProvider(Source(), Options());
  std::vector<std::string> seen;
  const auto end = std::chrono::steady_clock::now() + 7500ms;
  while (std::chrono::steady_clock::now() < end) {
    auto credentials = provider->Get();
    ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
    ASSERT_GT(*credentials->expiration, std::chrono::system_clock::now());
    if (seen.empty() || seen.back() != credentials->access_key_id) seen.push_back(credentials->access_key_id);
    std::this_thread::sleep_for(50ms);
  }
  const StsTestServerStats stats = server_->Stats();
  EXPECT_GE(seen.size(), 3u);
  EXPECT_EQ(stats.refused, 0);
  // Every key the server issued was used, in order (no wasted or concurrent refreshes), except
  // possibly one issued after the last Get().
  ASSERT_GE(stats.issued.size(), seen.size());
  EXPECT_LE(stats.issued.size(), seen.size() + 1);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], stats.issued[i]);
}

TEST_F(AssumeRoleTest, AFailedRefreshKeepsTheOldCredentialsAndRetries) {
  StsTestServerOptions server_options;
  server_options.lifetime_seconds = 6;
  Start(server_options);
  AssumeRoleOptions options = Options();
  options.refresh.min_retry = 200ms;
  auto provider = MakeAssumeRoleCredentialsProvider(Source(), options);
  auto first = provider->Get();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  server_->Control(
      R"({"fail": {"action": "AssumeRole", "count": 2, "status": 500, "code": "InternalFailure"}})");
  std::string last = first->access_key_id;
  const auto end = std::chrono::steady_clock::now() + 4500ms;
  while (std::chrono::steady_clock::now() < end && last == first->access_key_id) {
    auto credentials = provider->Get();
    ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
    last = credentials->access_key_id;
    std::this_thread::sleep_for(20ms);
  }
  const StsTestServerStats stats = server_->Stats();
  EXPECT_NE(last, first->access_key_id);
  EXPECT_EQ(stats.refused, 2);
  EXPECT_EQ(stats.assume_role, 2);
}

TEST_F(AssumeRoleTest, InvalidateForcesANewStsCall) {
  Start();
  auto provider = MakeAssumeRoleCredentialsProvider(Source(), Options());
  auto first = provider->Get();
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(provider->Get()->access_key_id, first->access_key_id);
  provider->Invalidate();
  auto second = provider->Get();
  ASSERT_TRUE(second.ok());
  EXPECT_NE(second->access_key_id, first->access_key_id);
  EXPECT_EQ(server_->Stats().assume_role, 2);
}

// Real STS is HTTPS: the certificate is verified against the system CAs plus the CA file given.
TEST_F(AssumeRoleTest, OverHttpsTheCertificateIsVerified) {
  Start();
  streamhook::testing::TempDir dir;
  const std::string d = dir.path().string();
  std::string out;
  // A test CA and a certificate for 127.0.0.1 signed by it, as in the Kinesis client's TLS test.
  ASSERT_EQ(streamhook::testing::RunCommand(
                {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                 "/CN=streamhook test CA", "-keyout", d + "/ca.key", "-out", d + "/ca.pem"},
                &out),
            0)
      << out;
  ASSERT_EQ(streamhook::testing::RunCommand(
                {"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout",
                 d + "/server.key", "-out", d + "/server.csr"},
                &out),
            0)
      << out;
  WriteFile(dir.path() / "ext.cnf", "subjectAltName=IP:127.0.0.1\n");
  ASSERT_EQ(
      streamhook::testing::RunCommand(
          {"openssl", "x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.pem", "-CAkey", d + "/ca.key",
           "-CAcreateserial", "-days", "2", "-extfile", d + "/ext.cnf", "-out", d + "/server.pem"},
          &out),
      0)
      << out;
  const int port = streamhook::testing::FreeLoopbackPort();
  const std::string sts_port = server_->url().substr(server_->url().rfind(':') + 1);
  streamhook::testing::ChildProcess proxy(
      {"node", (streamhook::testing::SourceDir() / "tests/support/tls-proxy.js").string(),
       std::to_string(port), sts_port, d + "/server.pem", d + "/server.key"});
  ASSERT_TRUE(streamhook::testing::WaitForPort(port, std::chrono::seconds(10)));

  AssumeRoleOptions options = Options();
  options.sts_endpoint_override = "https://127.0.0.1:" + std::to_string(port);
  options.refresh.error_hold = 0ms;
  auto untrusted = MakeAssumeRoleCredentialsProvider(Source(), options)->Get();
  EXPECT_EQ(untrusted.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(untrusted.status().message().find("TLS handshake"), std::string::npos)
      << untrusted.status().message();

  options.ca_file = d + "/ca.pem";
  auto trusted = MakeAssumeRoleCredentialsProvider(Source(), options)->Get();
  ASSERT_TRUE(trusted.ok()) << trusted.status().ToString();
  EXPECT_EQ(trusted->access_key_id, server_->Stats().issued.at(0));

  options.ca_file = d + "/missing.pem";
  EXPECT_EQ(MakeAssumeRoleCredentialsProvider(Source(), options)->Get().status().code(),
            Status::Code::kInvalidArgument);
}

TEST_F(AssumeRoleTest, BadOptionsAndMissingSourceCredentialsFailWithoutCallingSts) {
  Start();
  AssumeRoleOptions options = Options();
  options.role_arn = "streamhook-writer";
  EXPECT_EQ(MakeAssumeRoleCredentialsProvider(Source(), options)->Get().status().code(),
            Status::Code::kInvalidArgument);
  // The environment has no keys (CredentialsTestEnv clears it).
  auto no_source = MakeAssumeRoleCredentialsProvider(MakeEnvironmentCredentialsProvider(), Options());
  auto credentials = no_source->Get();
  // Configured but without source keys: not NotFound, so a chain does not skip it silently.
  EXPECT_EQ(credentials.status().code(), Status::Code::kUnauthenticated);
  EXPECT_NE(credentials.status().message().find(server_->options().role_arn), std::string::npos);
  const StsTestServerStats stats = server_->Stats();
  EXPECT_EQ(stats.assume_role + stats.refused, 0);
}

}  // namespace
}  // namespace streamhook::aws
