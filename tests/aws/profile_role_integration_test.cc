// Role profiles in ~/.aws/config (role_arn with source_profile, credential_source,
// web_identity_token_file, external_id ...) through the default chain, against
// tests/aws/sts_imds_server.py.
#include <gtest/gtest.h>

#include "aws/temporary_credentials.h"
#include "credentials_test_env.h"
#include "sts_test_server.h"

namespace streamhook::aws {
namespace {

constexpr char kExternalId[] = "customer-7f3a:ExternalId/42";

class ProfileRoleTest : public CredentialsTestEnv {
 protected:
  void SetUp() override {
    CredentialsTestEnv::SetUp();
    StsTestServerOptions options;
    options.external_id = kExternalId;
    options.web_identity_token_file = (home_.path() / "token").string();
    server_ = std::make_unique<StsTestServer>(options);
    ASSERT_TRUE(server_->ready()) << "the STS test server did not start";
    Set("AWS_ENDPOINT_URL_STS", server_->url());
    Set("AWS_REGION", server_->options().region);
    const auto& o = server_->options();
    WriteFile(CredentialsPath(), "[base]\naws_access_key_id = " + o.source_key +
                                     "\naws_secret_access_key = " + o.source_secret + "\n");
  }

  // "[profile writer]" assuming the server's role with `source`, plus `extra` lines.
  std::string RoleProfile(const std::string& name, const std::string& source,
                          const std::string& extra = "") const {
    return "[profile " + name + "]\nrole_arn = " + server_->options().role_arn + "\n" + source + "\n" + extra;
  }

  std::unique_ptr<StsTestServer> server_;
};

TEST_F(ProfileRoleTest, AssumesTheRoleWithTheSourceProfileAndExternalId) {
  WriteFile(ConfigPath(), RoleProfile("writer", "source_profile = base",
                                      "external_id = " + std::string(kExternalId) +
                                          "\nrole_session_name = from-profile\nduration_seconds = 1800\n"));
  auto chain = MakeDefaultCredentialsChain({"", "", "", "writer"});
  auto credentials = chain->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  const StsTestServerStats stats = server_->Stats();
  EXPECT_EQ(stats.assume_role, 1);
  EXPECT_EQ(credentials->access_key_id, stats.issued.at(0));
  EXPECT_EQ(stats.last_signing_key, server_->options().source_key);
  EXPECT_EQ(stats.last_session_name, "from-profile");
  EXPECT_EQ(stats.last_duration, "1800");
  EXPECT_EQ(chain->Describe(), "role " + server_->options().role_arn + " assumed with profile 'base' in " +
                                   CredentialsPath().string());

  // AWS_PROFILE selects it in the chain too.
  Set("AWS_PROFILE", "writer");
  ASSERT_TRUE(MakeDefaultCredentialsChain({})->Get().ok());
  EXPECT_EQ(server_->Stats().assume_role, 2);
}

TEST_F(ProfileRoleTest, AWrongExternalIdInTheProfileIsRefused) {
  WriteFile(ConfigPath(), RoleProfile("writer", "source_profile = base", "external_id = not-the-id\n"));
  auto credentials = MakeDefaultCredentialsChain({"", "", "", "writer"})->Get();
  EXPECT_EQ(credentials.status().code(), Status::Code::kPermissionDenied);
  EXPECT_NE(credentials.status().message().find(server_->options().role_arn), std::string::npos);
  EXPECT_EQ(credentials.status().message().find("not-the-id"), std::string::npos);
}

TEST_F(ProfileRoleTest, ChainsRolesAndUsesCredentialSourceAndWebIdentity) {
  const std::string external = "external_id = " + std::string(kExternalId) + "\n";
  WriteFile(ConfigPath(),
            RoleProfile("writer", "source_profile = base", external) +
                RoleProfile("second", "source_profile = writer", external) +
                RoleProfile("from-env", "credential_source = Environment", external) +
                RoleProfile("pod", "web_identity_token_file = " + (home_.path() / "token").string()));
  auto second = MakeDefaultCredentialsChain({"", "", "", "second"})->Get();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  StsTestServerStats stats = server_->Stats();
  ASSERT_EQ(stats.issued.size(), 2u);
  EXPECT_EQ(stats.last_signing_key, stats.issued[0]);  // the second call was signed by the first role
  EXPECT_EQ(second->access_key_id, stats.issued[1]);

  Set("AWS_ACCESS_KEY_ID", server_->options().source_key);
  Set("AWS_SECRET_ACCESS_KEY", server_->options().source_secret);
  auto from_env = MakeDefaultCredentialsChain({"", "", "", "from-env"})->Get();
  ASSERT_TRUE(from_env.ok()) << from_env.status().ToString();
  EXPECT_EQ(server_->Stats().assume_role, 3);

  WriteFile(home_.path() / "token", "eyJhbGciOiJSUzI1NiJ9.cG9k.c2ln\n");
  auto pod = MakeDefaultCredentialsChain({"", "", "", "pod"})->Get();
  ASSERT_TRUE(pod.ok()) << pod.status().ToString();
  EXPECT_EQ(server_->Stats().web_identity, 1);
}

TEST_F(ProfileRoleTest, MistakesInRoleProfilesSayWhatIsWrong) {
  WriteFile(ConfigPath(), RoleProfile("mfa", "source_profile = base", "mfa_serial = arn:aws:iam::1:mfa/u\n") +
                              RoleProfile("missing", "source_profile = nowhere") +
                              RoleProfile("both", "source_profile = base\ncredential_source = Environment") +
                              RoleProfile("ecs", "credential_source = EcsContainer") +
                              RoleProfile("loop-a", "source_profile = loop-b") +
                              RoleProfile("loop-b", "source_profile = loop-a") +
                              RoleProfile("duration", "source_profile = base", "duration_seconds = 1h\n"));
  const std::pair<const char*, const char*> cases[] = {
      {"mfa", "mfa_serial"},      {"missing", "source_profile 'nowhere'"},
      {"both", "exactly one of"}, {"ecs", "EcsContainer"},
      {"loop-a", "cycle"},        {"duration", "duration_seconds"},
  };
  for (const auto& [profile, expected] : cases) {
    auto credentials = MakeDefaultCredentialsChain({"", "", "", profile})->Get();
    EXPECT_EQ(credentials.status().code(), Status::Code::kInvalidArgument) << profile;
    EXPECT_NE(credentials.status().message().find(expected), std::string::npos)
        << credentials.status().message();
    EXPECT_NE(credentials.status().message().find("profile '"), std::string::npos)
        << credentials.status().message();
  }
  const StsTestServerStats stats = server_->Stats();
  EXPECT_EQ(stats.assume_role + stats.refused, 0);
}

}  // namespace
}  // namespace streamhook::aws
