// Web identity (AssumeRoleWithWebIdentity with a rotating token file) and EC2 instance metadata
// (IMDSv2) against tests/aws/sts_imds_server.py, alone and in the default chain.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "aws/temporary_credentials.h"
#include "credentials_test_env.h"
#include "sts_test_server.h"

namespace streamhook::aws {
namespace {

using namespace std::chrono_literals;

constexpr char kTokenA[] = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6QQ.c2lnbmF0dXJlQQ";
constexpr char kTokenB[] = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6Qg.c2lnbmF0dXJlQg";
constexpr char kTokenC[] = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6Qw.c2lnbmF0dXJlQw";
constexpr char kInstanceRole[] = "streamhook-instance-role";

class TemporaryCredentialsTest : public CredentialsTestEnv {
 protected:
  void Start(int lifetime_seconds = 20, std::string imds_role = kInstanceRole) {
    StsTestServerOptions options;
    options.web_identity_token_file = TokenFile().string();
    options.imds_role = std::move(imds_role);
    options.lifetime_seconds = lifetime_seconds;
    server_ = std::make_unique<StsTestServer>(options);
    ASSERT_TRUE(server_->ready()) << "the STS test server did not start";
  }

  std::filesystem::path TokenFile() const { return home_.path() / "eks.amazonaws.com" / "token"; }

  // As the kubelet does: write a new file, then rename it over the old one.
  void WriteToken(const std::string& token) {
    WriteFile(TokenFile().string() + ".new", token + "\n");
    std::filesystem::rename(TokenFile().string() + ".new", TokenFile());
  }

  WebIdentityOptions WebIdentity() const {
    WebIdentityOptions options;
    options.role_arn = server_->options().role_arn;
    options.token_file = TokenFile().string();
    options.session_name = "pod-session";
    options.region = server_->options().region;
    options.sts_endpoint_override = server_->url();
    return options;
  }

  InstanceMetadataOptions Imds() const {
    InstanceMetadataOptions options;
    options.endpoint = server_->url();
    return options;
  }

  std::unique_ptr<StsTestServer> server_;
};

TEST_F(TemporaryCredentialsTest, WebIdentityAssumesTheRoleWithTheTokenFromTheFile) {
  WriteToken(kTokenA);
  Start();
  auto provider = MakeWebIdentityCredentialsProvider(WebIdentity());
  auto credentials = provider->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  const StsTestServerStats stats = server_->Stats();
  EXPECT_EQ(stats.web_identity, 1);
  ASSERT_EQ(stats.issued.size(), 1u);
  EXPECT_EQ(credentials->access_key_id, stats.issued[0]);
  EXPECT_EQ(stats.last_web_identity_token, kTokenA);  // without the file's newline
  EXPECT_EQ(stats.last_session_name, "pod-session");
  EXPECT_EQ(provider->Describe(), "web identity role " + server_->options().role_arn + " (token file " +
                                      TokenFile().string() + ")");
}

TEST_F(TemporaryCredentialsTest, WebIdentityReReadsTheRotatedTokenOnEveryRefresh) {
  WriteToken(kTokenA);
  Start(/*lifetime_seconds=*/4);
  auto provider = MakeWebIdentityCredentialsProvider(WebIdentity());
  auto first = provider->Get();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  WriteToken(kTokenB);  // the server now accepts only B
  std::string key = first->access_key_id;
  const auto end = std::chrono::steady_clock::now() + 4s;
  while (key == first->access_key_id && std::chrono::steady_clock::now() < end) {
    auto credentials = provider->Get();  // the background refresh must not leave a gap
    ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
    key = credentials->access_key_id;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_NE(key, first->access_key_id);
  EXPECT_EQ(server_->Stats().last_web_identity_token, kTokenB);

  WriteToken(kTokenC);
  provider->Invalidate();
  ASSERT_TRUE(provider->Get().ok());
  const StsTestServerStats stats = server_->Stats();
  EXPECT_EQ(stats.last_web_identity_token, kTokenC);
  EXPECT_EQ(stats.refused, 0);
}

TEST_F(TemporaryCredentialsTest, WebIdentityErrorsNameTheRoleButNeverTheToken) {
  WriteToken(kTokenA);
  Start();
  server_->Control(R"({"fail": {"action": "AssumeRoleWithWebIdentity", "count": 1, "status": 400,
                     "code": "InvalidIdentityToken", "message": "Token )" +
                   std::string(kTokenA) + R"( has expired"}})");
  auto refused = MakeWebIdentityCredentialsProvider(WebIdentity())->Get();
  EXPECT_EQ(refused.status().code(), Status::Code::kUnauthenticated);
  EXPECT_NE(refused.status().message().find(server_->options().role_arn), std::string::npos);
  EXPECT_NE(refused.status().message().find("InvalidIdentityToken"), std::string::npos);
  EXPECT_EQ(refused.status().message().find(kTokenA), std::string::npos) << refused.status().message();

  WebIdentityOptions missing = WebIdentity();
  missing.token_file = (home_.path() / "no-such-token").string();
  auto unreadable = MakeWebIdentityCredentialsProvider(missing)->Get();
  EXPECT_EQ(unreadable.status().code(), Status::Code::kIoError);
  EXPECT_NE(unreadable.status().message().find(missing.token_file), std::string::npos);
  EXPECT_EQ(server_->Stats().web_identity, 0);
}

TEST_F(TemporaryCredentialsTest, WebIdentityComesFromTheEnvironmentInTheDefaultChain) {
  WriteToken(kTokenA);
  Start();
  EXPECT_EQ(MakeWebIdentityCredentialsProvider(WebIdentityOptionsFromEnvironment())->Get().status().code(),
            Status::Code::kNotFound);
  Set("AWS_WEB_IDENTITY_TOKEN_FILE", TokenFile().string());
  Set("AWS_ROLE_ARN", server_->options().role_arn);
  Set("AWS_ROLE_SESSION_NAME", "from-env");
  Set("AWS_REGION", server_->options().region);
  Set("AWS_ENDPOINT_URL_STS", server_->url());
  auto chain = MakeDefaultCredentialsChain({});
  auto credentials = chain->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, server_->Stats().issued.at(0));
  EXPECT_EQ(server_->Stats().last_session_name, "from-env");
  EXPECT_EQ(chain->Describe().rfind("web identity role " + server_->options().role_arn, 0), 0u)
      << chain->Describe();

  // Keys in the environment come first, as in the AWS SDKs.
  Set("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT00001");
  Set("AWS_SECRET_ACCESS_KEY", "EnvironmentSecret/000000000000000000000001");
  EXPECT_EQ(MakeDefaultCredentialsChain({})->Get()->access_key_id, "AKIAENVIRONMENT00001");
  EXPECT_EQ(server_->Stats().web_identity, 1);
}

TEST_F(TemporaryCredentialsTest, InstanceMetadataUsesTheImdsV2TokenFlow) {
  Start();
  auto provider = MakeInstanceMetadataCredentialsProvider(Imds());
  auto credentials = provider->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  StsTestServerStats stats = server_->Stats();
  EXPECT_EQ(stats.imds_tokens, 1);
  EXPECT_EQ(stats.imds_credentials, 1);
  EXPECT_EQ(stats.imds_unauthorized, 0);  // every GET carried the session token
  ASSERT_EQ(stats.issued.size(), 1u);
  EXPECT_EQ(credentials->access_key_id, stats.issued[0]);
  EXPECT_FALSE(credentials->session_token.empty());
  ASSERT_TRUE(credentials->expiration);
  EXPECT_GT(*credentials->expiration, std::chrono::system_clock::now() + 15s);
  EXPECT_EQ(provider->Describe(), "EC2 instance metadata at " + server_->url());

  // The server refuses what an IMDSv2-only instance refuses: no token, or a made-up one.
  const std::string path = "/latest/meta-data/iam/security-credentials/";
  auto without_token = server_->Send({"GET", path, {}, ""});
  ASSERT_TRUE(without_token.ok());
  EXPECT_EQ(without_token->status, 401);
  auto made_up = server_->Send({"GET", path, {{"X-aws-ec2-metadata-token", "made-up"}}, ""});
  ASSERT_TRUE(made_up.ok());
  EXPECT_EQ(made_up->status, 401);
  EXPECT_EQ(server_->Stats().imds_unauthorized, 2);
}

TEST_F(TemporaryCredentialsTest, InstanceMetadataRefreshesInTheBackgroundAndSurvivesAFailure) {
  Start(/*lifetime_seconds=*/4);
  InstanceMetadataOptions options = Imds();
  options.refresh.min_retry = 200ms;
  auto provider = MakeInstanceMetadataCredentialsProvider(options);
  auto first = provider->Get();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  server_->Control(R"({"fail": {"action": "imds", "count": 1, "status": 500}})");
  std::string key = first->access_key_id;
  const auto end = std::chrono::steady_clock::now() + 3500ms;
  while (key == first->access_key_id && std::chrono::steady_clock::now() < end) {
    auto credentials = provider->Get();
    ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
    key = credentials->access_key_id;
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_NE(key, first->access_key_id);
  const StsTestServerStats stats = server_->Stats();
  EXPECT_EQ(stats.imds_credentials, 2);
  EXPECT_EQ(stats.imds_tokens, 3);  // a fresh token for each attempt, the failed one included
}

TEST_F(TemporaryCredentialsTest, InstanceMetadataWithoutARoleOrServiceIsNotFound) {
  Start(20, /*imds_role=*/"");
  auto no_role = MakeInstanceMetadataCredentialsProvider(Imds())->Get();
  EXPECT_EQ(no_role.status().code(), Status::Code::kNotFound);
  EXPECT_NE(no_role.status().message().find("no IAM role"), std::string::npos) << no_role.status().message();

  InstanceMetadataOptions nobody;
  nobody.endpoint = "http://127.0.0.1:" + std::to_string(streamhook::testing::FreeLoopbackPort());
  auto provider = MakeInstanceMetadataCredentialsProvider(nobody);
  const auto start = std::chrono::steady_clock::now();
  auto absent = provider->Get();
  EXPECT_EQ(absent.status().code(), Status::Code::kNotFound);
  EXPECT_NE(absent.status().message().find("no EC2 instance metadata service answered at " + nobody.endpoint),
            std::string::npos)
      << absent.status().message();
  for (int i = 0; i < 100; ++i) EXPECT_EQ(provider->Get().status().code(), Status::Code::kNotFound);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);

  Set("AWS_EC2_METADATA_SERVICE_ENDPOINT", server_->url());
  Set("AWS_EC2_METADATA_DISABLED", "TRUE");
  auto disabled = MakeInstanceMetadataCredentialsProvider(InstanceMetadataOptionsFromEnvironment())->Get();
  EXPECT_EQ(disabled.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(disabled.status().message(), "AWS_EC2_METADATA_DISABLED is true");
  EXPECT_EQ(server_->Stats().imds_tokens, 1);  // only the no-role lookup above
}

TEST_F(TemporaryCredentialsTest, InstanceMetadataIsLastInTheDefaultChain) {
  Start();
  Unset("AWS_EC2_METADATA_DISABLED");
  Set("AWS_EC2_METADATA_SERVICE_ENDPOINT", server_->url());
  auto chain = MakeDefaultCredentialsChain({});
  auto credentials = chain->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, server_->Stats().issued.at(0));
  EXPECT_EQ(chain->Describe(), "EC2 instance metadata at " + server_->url());

  // A profile with keys comes before it.
  WriteFile(CredentialsPath(),
            "[default]\naws_access_key_id = AKIAFILEKEY000000001\naws_secret_access_key = s\n");
  EXPECT_EQ(MakeDefaultCredentialsChain({})->Get()->access_key_id, "AKIAFILEKEY000000001");

  // Nothing anywhere: the message lists all four sources.
  std::filesystem::remove(CredentialsPath());
  Set("AWS_EC2_METADATA_SERVICE_ENDPOINT",
      "http://127.0.0.1:" + std::to_string(streamhook::testing::FreeLoopbackPort()));
  auto none = MakeDefaultCredentialsChain({})->Get();
  EXPECT_EQ(none.status().code(), Status::Code::kNotFound);
  for (const char* source :
       {"environment (", "web identity (", "profile 'default'", "EC2 instance metadata at"}) {
    EXPECT_NE(none.status().message().find(source), std::string::npos) << none.status().message();
  }
}

}  // namespace
}  // namespace streamhook::aws
