// The shared credentials/config files: parsing, profile selection, precedence, messages, and
// picking up rotated keys.
#include <gtest/gtest.h>

#include "aws/credentials.h"
#include "aws/profile_files.h"
#include "credentials_test_env.h"

namespace streamhook::aws {
namespace {

namespace fs = std::filesystem;

constexpr char kCredentialsFile[] =
    "# comment\n"
    "[default]\n"
    "aws_access_key_id = AKIADEFAULT000000001\n"
    "aws_secret_access_key = default/secret+key0000000000000000000000\n"
    "\n"
    "[dev]\r\n"
    "AWS_Access_Key_ID=AKIADEV0000000000001\r\n"
    "  ; indented comment\r\n"
    "aws_secret_access_key=dev-secret   # inline comment\r\n"
    "aws_session_token = dev-token\r\n"
    "[prod] ; trailing comment\n"
    "aws_access_key_id = AKIAPROD000000000001\n"
    "aws_secret_access_key = prod-secret\n"
    "aws_security_token = prod-legacy-token\n";

class ProfileCredentialsTest : public CredentialsTestEnv {
 protected:
  Result<Credentials> GetFor(const std::string& profile) {
    return MakeProfileCredentialsProvider(profile)->Get();
  }
};

TEST(IniTest, ParsesSectionsPropertiesAndComments) {
  auto sections = ParseIni(
      "[a]\nk = v\nK2 = value with spaces ; comment\nurl = http://x/#fragment\n"
      "s3 =\n  max_concurrent_requests = 20\n  nested = x\n[ b ]\nk=\n[a]\nk = later\n");
  ASSERT_TRUE(sections.ok()) << sections.status().ToString();
  ASSERT_EQ(sections->size(), 2u);
  const auto& a = sections->at("a");
  EXPECT_EQ(a.at("k"), "later");
  EXPECT_EQ(a.at("k2"), "value with spaces");
  EXPECT_EQ(a.at("url"), "http://x/#fragment");
  EXPECT_EQ(a.at("s3"), "");
  EXPECT_FALSE(a.contains("max_concurrent_requests"));
  EXPECT_EQ(sections->at("b").at("k"), "");
}

TEST(IniTest, ReportsTheLineButNotItsText) {
  auto no_section = ParseIni("key = secretvalue\n");
  EXPECT_EQ(no_section.status().message(), "line 1: a setting before any [section] header");
  auto no_equals = ParseIni("[a]\n\nsecretvalue\n");
  EXPECT_EQ(no_equals.status().message(), "line 3: expected 'name = value'");
  EXPECT_FALSE(ParseIni("[a\n").ok());
  EXPECT_FALSE(ParseIni("[a] junk\n").ok());
  EXPECT_FALSE(ParseIni("[]\n").ok());
}

TEST_F(ProfileCredentialsTest, PicksTheRequestedProfile) {
  WriteFile(CredentialsPath(), kCredentialsFile);
  auto by_default = GetFor("");
  ASSERT_TRUE(by_default.ok()) << by_default.status().ToString();
  EXPECT_EQ(by_default->access_key_id, "AKIADEFAULT000000001");
  EXPECT_EQ(by_default->secret_access_key, "default/secret+key0000000000000000000000");
  EXPECT_EQ(by_default->session_token, "");

  auto dev = GetFor("dev");
  ASSERT_TRUE(dev.ok()) << dev.status().ToString();
  EXPECT_EQ(dev->access_key_id, "AKIADEV0000000000001");
  EXPECT_EQ(dev->secret_access_key, "dev-secret");
  EXPECT_EQ(dev->session_token, "dev-token");

  auto prod = GetFor("prod");
  ASSERT_TRUE(prod.ok()) << prod.status().ToString();
  EXPECT_EQ(prod->session_token, "prod-legacy-token");

  Set("AWS_PROFILE", "prod");
  EXPECT_EQ(GetFor("")->access_key_id, "AKIAPROD000000000001");
  EXPECT_EQ(GetFor("dev")->access_key_id, "AKIADEV0000000000001");  // the argument beats AWS_PROFILE
  EXPECT_EQ(MakeProfileCredentialsProvider("dev")->Describe(),
            "profile 'dev' in " + CredentialsPath().string() + " or " + ConfigPath().string());
  auto provider = MakeProfileCredentialsProvider("dev");
  ASSERT_TRUE(provider->Get().ok());
  EXPECT_EQ(provider->Describe(), "profile 'dev' in " + CredentialsPath().string());
}

TEST_F(ProfileCredentialsTest, ReadsProfileSectionsOfTheConfigFile) {
  WriteFile(
      ConfigPath(),
      "[default]\nregion = eu-west-1\naws_access_key_id = AKIACONFIGDEFAULT001\naws_secret_access_key = cd\n"
      "[profile ci]\naws_access_key_id = AKIACONFIGCI00000001\naws_secret_access_key = ci\n"
      "[sso-session corp]\naws_access_key_id = AKIANOTAPROFILE00001\naws_secret_access_key = x\n"
      "[legacy]\naws_access_key_id = AKIANOPREFIX00000001\naws_secret_access_key = y\n");
  EXPECT_EQ(GetFor("")->access_key_id, "AKIACONFIGDEFAULT001");
  EXPECT_EQ(GetFor("ci")->access_key_id, "AKIACONFIGCI00000001");
  auto provider = MakeProfileCredentialsProvider("ci");
  ASSERT_TRUE(provider->Get().ok());
  EXPECT_EQ(provider->Describe(), "profile 'ci' in " + ConfigPath().string());
  // Only "[profile NAME]" and "[default]" name profiles in the config file, as in the AWS CLI.
  EXPECT_EQ(GetFor("legacy").status().code(), Status::Code::kNotFound);
  EXPECT_EQ(GetFor("corp").status().code(), Status::Code::kNotFound);
}

TEST_F(ProfileCredentialsTest, CredentialsFileWinsOverConfigFileKeyByKey) {
  WriteFile(ConfigPath(),
            "[profile dev]\naws_access_key_id = AKIACONFIG0000000001\naws_secret_access_key = from-config\n"
            "aws_session_token = config-token\n");
  WriteFile(CredentialsPath(),
            "[dev]\naws_access_key_id = AKIACREDS00000000001\naws_secret_access_key = from-creds\n");
  auto dev = GetFor("dev");
  ASSERT_TRUE(dev.ok()) << dev.status().ToString();
  EXPECT_EQ(dev->access_key_id, "AKIACREDS00000000001");
  EXPECT_EQ(dev->secret_access_key, "from-creds");
  EXPECT_EQ(dev->session_token, "config-token");  // only the config file sets it
}

TEST_F(ProfileCredentialsTest, HonoursFileLocationsFromTheEnvironment) {
  const fs::path credentials = home_.path() / "elsewhere" / "creds";
  WriteFile(credentials, "[default]\naws_access_key_id = AKIAELSEWHERE0000001\naws_secret_access_key = e\n");
  Set("AWS_SHARED_CREDENTIALS_FILE", credentials.string());
  EXPECT_EQ(GetFor("")->access_key_id, "AKIAELSEWHERE0000001");
  Set("AWS_SHARED_CREDENTIALS_FILE", "~/elsewhere/creds");  // "~/" means HOME
  EXPECT_EQ(GetFor("")->access_key_id, "AKIAELSEWHERE0000001");

  Unset("AWS_SHARED_CREDENTIALS_FILE");
  const fs::path config = home_.path() / "cfg";
  WriteFile(config, "[profile x]\naws_access_key_id = AKIACONFIGELSEWHERE1\naws_secret_access_key = c\n");
  Set("AWS_CONFIG_FILE", config.string());
  EXPECT_EQ(GetFor("x")->access_key_id, "AKIACONFIGELSEWHERE1");
}

TEST_F(ProfileCredentialsTest, MissingFilesAndProfilesNameWhereItLooked) {
  auto no_files = GetFor("dev");
  EXPECT_EQ(no_files.status().code(), Status::Code::kNotFound);
  EXPECT_NE(no_files.status().message().find(CredentialsPath().string()), std::string::npos);
  EXPECT_NE(no_files.status().message().find(ConfigPath().string()), std::string::npos);

  WriteFile(CredentialsPath(), kCredentialsFile);
  auto no_profile = GetFor("staging");
  EXPECT_EQ(no_profile.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(no_profile.status().message(), "profile 'staging' not found in " + CredentialsPath().string() +
                                               " (profiles there: 'default' 'dev' 'prod')");
}

TEST_F(ProfileCredentialsTest, IncompleteOrUnsupportedProfilesSayWhy) {
  WriteFile(CredentialsPath(), "[half]\naws_access_key_id = AKIAHALF000000000001\n[empty]\nregion = x\n");
  WriteFile(ConfigPath(),
            "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = half\n");
  auto half = GetFor("half");
  EXPECT_EQ(half.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(half.status().message().find("AKIA************0001"), std::string::npos)
      << half.status().message();
  EXPECT_NE(half.status().message().find("not aws_secret_access_key"), std::string::npos);
  EXPECT_EQ(half.status().message().find("AKIAHALF000000000001"), std::string::npos);

  auto empty = GetFor("empty");
  EXPECT_EQ(empty.status().code(), Status::Code::kNotFound);
  EXPECT_NE(empty.status().message().find("has no aws_access_key_id"), std::string::npos);

  auto role = GetFor("role");
  EXPECT_EQ(role.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(role.status().message().find("uses role_arn"), std::string::npos) << role.status().message();
}

TEST_F(ProfileCredentialsTest, UnreadableOrMalformedFilesAreErrors) {
  fs::create_directories(CredentialsPath());  // a directory where the file should be
  auto unreadable = GetFor("");
  EXPECT_EQ(unreadable.status().code(), Status::Code::kIoError);
  EXPECT_NE(unreadable.status().message().find("cannot read " + CredentialsPath().string()),
            std::string::npos);
  fs::remove(CredentialsPath());

  WriteFile(ConfigPath(), "[default]\nregion = eu-west-1\nthis line is wrong\n");
  auto malformed = GetFor("");
  EXPECT_EQ(malformed.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(malformed.status().message(),
            "cannot parse " + ConfigPath().string() + ": line 3: expected 'name = value'");
}

TEST_F(ProfileCredentialsTest, PicksUpRotatedKeys) {
  WriteFile(CredentialsPath(),
            "[default]\naws_access_key_id = AKIAFIRST00000000001\naws_secret_access_key = one\n");
  auto provider = MakeProfileCredentialsProvider();
  EXPECT_EQ(provider->Get()->access_key_id, "AKIAFIRST00000000001");

  // Rewritten in place, same size, with a later mtime.
  const auto first_mtime = fs::last_write_time(CredentialsPath());
  WriteFile(CredentialsPath(),
            "[default]\naws_access_key_id = AKIASECOND0000000001\naws_secret_access_key = two\n");
  fs::last_write_time(CredentialsPath(), first_mtime + std::chrono::seconds(2));
  EXPECT_EQ(provider->Get()->access_key_id, "AKIASECOND0000000001");

  // Replaced by rename, as editors and `aws configure` do (a new inode).
  const fs::path replacement = home_.path() / "new-credentials";
  WriteFile(replacement,
            "[default]\naws_access_key_id = AKIATHIRD00000000001\naws_secret_access_key = three\n");
  fs::rename(replacement, CredentialsPath());
  EXPECT_EQ(provider->Get()->access_key_id, "AKIATHIRD00000000001");

  // Deleted: the keys are gone too.
  fs::remove(CredentialsPath());
  EXPECT_EQ(provider->Get().status().code(), Status::Code::kNotFound);
}

TEST_F(ProfileCredentialsTest, CachesUntilTheFileChangesOrInvalidate) {
  WriteFile(CredentialsPath(),
            "[default]\naws_access_key_id = AKIACACHED0000000001\naws_secret_access_key = one\n");
  auto provider = MakeProfileCredentialsProvider();
  EXPECT_EQ(provider->Get()->access_key_id, "AKIACACHED0000000001");

  // Change the content but keep size, inode and mtime: the cached keys stay...
  const auto mtime = fs::last_write_time(CredentialsPath());
  WriteFile(CredentialsPath(),
            "[default]\naws_access_key_id = AKIAREREAD0000000001\naws_secret_access_key = two\n");
  fs::last_write_time(CredentialsPath(), mtime);
  EXPECT_EQ(provider->Get()->access_key_id, "AKIACACHED0000000001");
  // ...until AWS rejects them and the caller invalidates.
  provider->Invalidate();
  EXPECT_EQ(provider->Get()->access_key_id, "AKIAREREAD0000000001");
}

}  // namespace
}  // namespace streamhook::aws
