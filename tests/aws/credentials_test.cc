// Masking, the static and environment providers, the default chain and ResolveRegion.
#include "aws/credentials.h"

#include <gtest/gtest.h>

#include "credentials_test_env.h"

namespace streamhook::aws {
namespace {

constexpr char kKeyId[] = "AKIAIOSFODNN7EXAMPLE";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr char kToken[] = "FwoGZXIvYXdzEJr//////////wEaDOSESSIONTOKENEXAMPLE";

// Neither a message nor a description may carry a secret, a token or a whole key id.
void ExpectNoSecrets(const std::string& text) {
  for (const char* secret : {kSecret, kToken, kKeyId, "SECRETFROMFILE00000000000000000000000000"}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << "secret leaked into: " << text;
  }
}

class CredentialsTest : public CredentialsTestEnv {
 protected:
  void SetEnvKeys() {
    Set("AWS_ACCESS_KEY_ID", kKeyId);
    Set("AWS_SECRET_ACCESS_KEY", kSecret);
  }
  void WriteDefaultProfile() {
    WriteFile(CredentialsPath(),
              "[default]\naws_access_key_id = AKIAFILEKEY000000001\n"
              "aws_secret_access_key = SECRETFROMFILE00000000000000000000000000\n");
  }
};

TEST(MaskTest, ShowsAtMostTheLastFourCharactersOfASecret) {
  EXPECT_EQ(MaskSecret(kSecret), "****EKEY");
  EXPECT_EQ(MaskSecret("123456789012"), "****9012");
  EXPECT_EQ(MaskSecret("12345678901"), "****");
  EXPECT_EQ(MaskSecret(""), "****");
}

TEST(MaskTest, ShowsFirstAndLastFourCharactersOfAKeyId) {
  EXPECT_EQ(MaskAccessKeyId(kKeyId), "AKIA************MPLE");
  EXPECT_EQ(MaskAccessKeyId("ASIA12345678"), "ASIA****5678");
  EXPECT_EQ(MaskAccessKeyId("AKIDEXAMPLE"), "****");
}

TEST_F(CredentialsTest, StaticProviderReturnsItsKeysAndRejectsHalfOfThem) {
  auto provider = MakeStaticCredentialsProvider({kKeyId, kSecret, kToken, std::nullopt});
  auto credentials = provider->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, kKeyId);
  EXPECT_EQ(credentials->session_token, kToken);
  EXPECT_EQ(provider->Describe(), "explicit access key AKIA************MPLE");

  auto no_secret = MakeStaticCredentialsProvider({kKeyId, "", "", std::nullopt})->Get();
  EXPECT_EQ(no_secret.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(no_secret.status().message().find("AKIA************MPLE"), std::string::npos);
  EXPECT_EQ(MakeStaticCredentialsProvider({"", kSecret, "", std::nullopt})->Get().status().code(),
            Status::Code::kInvalidArgument);
  ExpectNoSecrets(no_secret.status().message());
}

TEST_F(CredentialsTest, StaticProviderRefusesExpiredCredentials) {
  const auto past = std::chrono::system_clock::now() - std::chrono::minutes(1);
  auto expired = MakeStaticCredentialsProvider({kKeyId, kSecret, kToken, past})->Get();
  EXPECT_EQ(expired.status().code(), Status::Code::kUnauthenticated);
  EXPECT_NE(expired.status().message().find("expired at"), std::string::npos);
  const auto future = std::chrono::system_clock::now() + std::chrono::hours(1);
  EXPECT_TRUE(MakeStaticCredentialsProvider({kKeyId, kSecret, kToken, future})->Get().ok());
}

TEST_F(CredentialsTest, EnvironmentProviderReadsTheStandardVariables) {
  auto provider = MakeEnvironmentCredentialsProvider();
  auto missing = provider->Get();
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);

  SetEnvKeys();
  Set("AWS_SESSION_TOKEN", kToken);
  auto credentials = provider->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, kKeyId);
  EXPECT_EQ(credentials->secret_access_key, kSecret);
  EXPECT_EQ(credentials->session_token, kToken);
  EXPECT_FALSE(credentials->expiration.has_value());
  EXPECT_EQ(provider->Describe(), "environment");
}

TEST_F(CredentialsTest, EnvironmentProviderAcceptsLegacyNamesButPrefersTheCurrentOnes) {
  Set("AWS_ACCESS_KEY", "AKIALEGACY0000000001");
  Set("AWS_SECRET_KEY", "legacy-secret");
  Set("AWS_SECURITY_TOKEN", "legacy-token");
  auto legacy = MakeEnvironmentCredentialsProvider()->Get();
  ASSERT_TRUE(legacy.ok()) << legacy.status().ToString();
  EXPECT_EQ(legacy->access_key_id, "AKIALEGACY0000000001");
  EXPECT_EQ(legacy->secret_access_key, "legacy-secret");
  EXPECT_EQ(legacy->session_token, "legacy-token");

  SetEnvKeys();
  auto current = MakeEnvironmentCredentialsProvider()->Get();
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->access_key_id, kKeyId);
  EXPECT_EQ(current->secret_access_key, kSecret);
}

TEST_F(CredentialsTest, EnvironmentProviderReportsHalfConfiguredKeys) {
  Set("AWS_ACCESS_KEY_ID", kKeyId);
  auto no_secret = MakeEnvironmentCredentialsProvider()->Get();
  EXPECT_EQ(no_secret.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(no_secret.status().message().find("AWS_SECRET_ACCESS_KEY is not"), std::string::npos);
  ExpectNoSecrets(no_secret.status().message());

  Unset("AWS_ACCESS_KEY_ID");
  Set("AWS_SECRET_ACCESS_KEY", kSecret);
  auto no_key = MakeEnvironmentCredentialsProvider()->Get();
  EXPECT_EQ(no_key.status().code(), Status::Code::kInvalidArgument);
  ExpectNoSecrets(no_key.status().message());
}

TEST_F(CredentialsTest, EnvironmentProviderReadsTheExpiration) {
  SetEnvKeys();
  Set("AWS_CREDENTIAL_EXPIRATION", "2099-01-02T03:04:05Z");
  auto credentials = MakeEnvironmentCredentialsProvider()->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  ASSERT_TRUE(credentials->expiration.has_value());
  EXPECT_EQ(
      std::chrono::duration_cast<std::chrono::seconds>(credentials->expiration->time_since_epoch()).count(),
      4071006245);

  Set("AWS_CREDENTIAL_EXPIRATION", "2001-01-01T00:00:00Z");
  auto expired = MakeEnvironmentCredentialsProvider()->Get();
  EXPECT_EQ(expired.status().code(), Status::Code::kUnauthenticated);
  EXPECT_NE(expired.status().message().find("2001-01-01T00:00:00.000Z"), std::string::npos);

  Set("AWS_CREDENTIAL_EXPIRATION", "tomorrow");
  EXPECT_EQ(MakeEnvironmentCredentialsProvider()->Get().status().code(), Status::Code::kInvalidArgument);
}

TEST_F(CredentialsTest, ChainPrefersExplicitKeysThenProfileThenEnvironmentThenFiles) {
  SetEnvKeys();
  WriteDefaultProfile();
  WriteFile(ConfigPath(),
            "[profile other]\naws_access_key_id = AKIAOTHER00000000001\naws_secret_access_key = o\n");

  auto explicit_keys = MakeDefaultCredentialsChain({"AKIAEXPLICIT00000001", "explicit", "", "other"});
  ASSERT_TRUE(explicit_keys->Get().ok());
  EXPECT_EQ(explicit_keys->Get()->access_key_id, "AKIAEXPLICIT00000001");

  auto explicit_profile = MakeDefaultCredentialsChain({"", "", "", "other"});
  ASSERT_TRUE(explicit_profile->Get().ok());
  EXPECT_EQ(explicit_profile->Get()->access_key_id, "AKIAOTHER00000000001");
  EXPECT_EQ(explicit_profile->Describe(), "profile 'other' in " + ConfigPath().string());

  auto chain = MakeDefaultCredentialsChain({});
  ASSERT_TRUE(chain->Get().ok());
  EXPECT_EQ(chain->Get()->access_key_id, kKeyId);
  EXPECT_EQ(chain->Describe(), "environment");

  Unset("AWS_ACCESS_KEY_ID");
  Unset("AWS_SECRET_ACCESS_KEY");
  ASSERT_TRUE(chain->Get().ok());
  EXPECT_EQ(chain->Get()->access_key_id, "AKIAFILEKEY000000001");
  EXPECT_EQ(chain->Describe(), "profile 'default' in " + CredentialsPath().string());
}

TEST_F(CredentialsTest, ChainUsesAwsProfileForTheFiles) {
  WriteFile(CredentialsPath(),
            "[default]\naws_access_key_id = AKIADEFAULT000000001\naws_secret_access_key = d\n"
            "[staging]\naws_access_key_id = AKIASTAGING000000001\naws_secret_access_key = s\n");
  Set("AWS_PROFILE", "staging");
  auto credentials = MakeDefaultCredentialsChain({})->Get();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "AKIASTAGING000000001");
}

TEST_F(CredentialsTest, ChainListsWhatItTriedWhenNothingIsConfigured) {
  auto chain = MakeDefaultCredentialsChain({});
  auto credentials = chain->Get();
  EXPECT_EQ(credentials.status().code(), Status::Code::kNotFound);
  const std::string& message = credentials.status().message();
  EXPECT_NE(message.find("environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set)"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("profile 'default'"), std::string::npos) << message;
  EXPECT_NE(message.find(CredentialsPath().string()), std::string::npos) << message;
  EXPECT_NE(message.find(ConfigPath().string()), std::string::npos) << message;
  EXPECT_NE(message.find("web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set)"),
            std::string::npos)
      << message;
  EXPECT_NE(
      message.find("EC2 instance metadata at http://169.254.169.254 (AWS_EC2_METADATA_DISABLED is true)"),
      std::string::npos)
      << message;
  EXPECT_NE(chain->Describe().find("environment, then web identity, then profile 'default'"),
            std::string::npos)
      << chain->Describe();
  EXPECT_NE(chain->Describe().find(", then EC2 instance metadata at http://169.254.169.254"),
            std::string::npos)
      << chain->Describe();
}

TEST_F(CredentialsTest, ChainStopsAtAHalfConfiguredSource) {
  WriteDefaultProfile();
  Set("AWS_ACCESS_KEY_ID", kKeyId);  // but no secret: do not silently use the file's keys instead
  auto credentials = MakeDefaultCredentialsChain({})->Get();
  EXPECT_EQ(credentials.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(credentials.status().message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos);

  auto half_explicit = MakeDefaultCredentialsChain({"", kSecret, "", ""})->Get();
  EXPECT_EQ(half_explicit.status().code(), Status::Code::kInvalidArgument);
  ExpectNoSecrets(half_explicit.status().message());
}

TEST_F(CredentialsTest, NoErrorOrDescriptionContainsASecret) {
  Set("AWS_SESSION_TOKEN", kToken);
  Set("AWS_SECRET_ACCESS_KEY", kSecret);
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(MakeEnvironmentCredentialsProvider());
  providers.push_back(MakeDefaultCredentialsChain({}));
  providers.push_back(MakeDefaultCredentialsChain({kKeyId, "", kToken, ""}));
  providers.push_back(
      MakeStaticCredentialsProvider({kKeyId, kSecret, kToken, std::chrono::system_clock::now()}));
  // A malformed line holding a secret.
  WriteFile(CredentialsPath(),
            "[default]\naws_access_key_id = " + std::string(kKeyId) + "\n" + kSecret + "\n");
  providers.push_back(MakeProfileCredentialsProvider("default"));
  // Half a key pair, in either file.
  const auto other_credentials = home_.path() / "other-credentials";
  WriteFile(other_credentials, "[default]\naws_access_key_id = " + std::string(kKeyId) +
                                   "\naws_session_token = " + kToken + "\n");
  WriteFile(ConfigPath(), "[profile half]\naws_secret_access_key = " + std::string(kSecret) + "\n");
  Set("AWS_SHARED_CREDENTIALS_FILE", other_credentials.string());
  providers.push_back(MakeProfileCredentialsProvider("default"));
  providers.push_back(MakeProfileCredentialsProvider("half"));
  for (auto& provider : providers) {
    auto credentials = provider->Get();
    EXPECT_FALSE(credentials.ok()) << provider->Describe();
    ExpectNoSecrets(credentials.status().message());
    ExpectNoSecrets(provider->Describe());
  }
}

TEST_F(CredentialsTest, RegionComesFromFlagThenEnvironmentThenConfigFile) {
  WriteFile(ConfigPath(), "[default]\nregion = eu-west-1\n[profile dev]\nregion = ap-south-1\n");
  EXPECT_EQ(ResolveRegion("").value(), "eu-west-1");
  EXPECT_EQ(ResolveRegion("", "dev").value(), "ap-south-1");
  Set("AWS_PROFILE", "dev");
  EXPECT_EQ(ResolveRegion("").value(), "ap-south-1");
  Set("AWS_DEFAULT_REGION", "us-west-2");
  EXPECT_EQ(ResolveRegion("").value(), "us-west-2");
  Set("AWS_REGION", "eu-north-1");
  EXPECT_EQ(ResolveRegion("").value(), "eu-north-1");
  EXPECT_EQ(ResolveRegion("eu-central-1").value(), "eu-central-1");
}

TEST_F(CredentialsTest, RegionMissingOrMalformedSaysWhatToDo) {
  auto missing = ResolveRegion("", "prod");
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("AWS_REGION"), std::string::npos);
  EXPECT_NE(missing.status().message().find("profile 'prod' in " + ConfigPath().string()), std::string::npos);

  WriteFile(ConfigPath(), "[profile prod]\noutput = json\n");
  EXPECT_EQ(ResolveRegion("", "prod").status().code(), Status::Code::kNotFound);

  EXPECT_EQ(ResolveRegion("eu-central-1.evil.com/").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ResolveRegion("EU-CENTRAL-1").status().code(), Status::Code::kInvalidArgument);
  Set("AWS_REGION", "us east 1");
  auto bad_env = ResolveRegion("");
  EXPECT_EQ(bad_env.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(bad_env.status().message().find("AWS_REGION"), std::string::npos);
}

}  // namespace
}  // namespace streamhook::aws
