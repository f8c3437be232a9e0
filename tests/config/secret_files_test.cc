#include "config/secret_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "common/encoding.h"
#include "support/test_env.h"

namespace streamhook::config {
namespace {
namespace fs = std::filesystem;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

mode_t ModeOf(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_mode & 0777;
}

TEST(SecretFilesTest, CreatesFile0600ThenReusesIt) {
  testing::TempDir dir;
  const fs::path path = dir.path() / "nested" / "token";
  int calls = 0;
  const auto generate = [&] {
    ++calls;
    return std::string("generated-secret-") + std::to_string(calls);
  };
  Result<LoadedSecret> first = LoadOrCreateSecretFile(path, generate);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->value, "generated-secret-1");
  EXPECT_EQ(first->origin, path.string());
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_EQ(ReadFile(path), "generated-secret-1\n");

  Result<LoadedSecret> second = LoadOrCreateSecretFile(path, generate);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->value, "generated-secret-1");
  EXPECT_EQ(calls, 1);
}

TEST(SecretFilesTest, RefusesFilesOthersCanRead) {
  testing::TempDir dir;
  const fs::path path = dir.path() / "admin.token";
  std::ofstream(path) << "a-token-written-by-hand\n";
  fs::permissions(
      path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  Result<LoadedSecret> loaded = LoadOrCreateSecretFile(path, [] { return std::string("unused"); });
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), Status::Code::kPermissionDenied);
  EXPECT_NE(loaded.status().message().find("chmod 600"), std::string::npos);
  EXPECT_EQ(loaded.status().message().find("a-token-written-by-hand"), std::string::npos);
}

TEST(SecretFilesTest, RefusesAnEmptyFile) {
  testing::TempDir dir;
  const fs::path path = dir.path() / "admin.token";
  std::ofstream(path) << "  \n";
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(LoadOrCreateSecretFile(path, [] { return std::string("x"); }).status().code(),
            Status::Code::kInvalidArgument);
}

TEST(SecretFilesTest, ParseMasterKeyAcceptsHexAndBase64Of32Bytes) {
  const std::string key(32, '\x5a');
  EXPECT_EQ(*ParseMasterKey(HexEncode(key)), key);
  EXPECT_EQ(*ParseMasterKey(" " + HexEncode(key) + "\n"), key);
  EXPECT_EQ(*ParseMasterKey(Base64Encode(key)), key);
  const std::string bytes = "\xfb\xff\xfe" + std::string(29, 'q');  // base64 with '+' and '/'
  std::string url_safe = Base64Encode(bytes);
  for (char& c : url_safe) c = c == '+' ? '-' : c == '/' ? '_' : c;
  ASSERT_NE(url_safe, Base64Encode(bytes));
  EXPECT_EQ(*ParseMasterKey(url_safe), bytes);
}

TEST(SecretFilesTest, ParseMasterKeyRejectsBadValuesWithoutEchoingThem) {
  for (const std::string& bad : {std::string("zz") + std::string(62, '0'), std::string(62, 'a'),
                                 Base64Encode(std::string(31, 'k')), std::string("hunter2hunter2")}) {
    Result<std::string> parsed = ParseMasterKey(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find("64 hex digits"), std::string::npos);
    EXPECT_EQ(parsed.status().message().find(bad), std::string::npos);
  }
}

TEST(SecretFilesTest, MasterKeyFromEnvironmentWinsAndWritesNoFile) {
  testing::TempDir dir;
  const std::string key(32, '\x11');
  Result<LoadedSecret> loaded = LoadMasterKey(dir.path(), HexEncode(key));
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->value, key);
  EXPECT_FALSE(loaded->created);
  EXPECT_EQ(loaded->origin, kMasterKeyEnv);
  EXPECT_FALSE(fs::exists(dir.path() / kMasterKeyFile));

  Result<LoadedSecret> bad = LoadMasterKey(dir.path(), std::string_view("not-a-key"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(kMasterKeyEnv), std::string::npos);
}

TEST(SecretFilesTest, MasterKeyFileIsCreatedOnceAsHexAndReused) {
  testing::TempDir dir;
  Result<LoadedSecret> first = LoadMasterKey(dir.path(), std::nullopt);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->value.size(), 32u);
  const fs::path path = dir.path() / kMasterKeyFile;
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_EQ(ReadFile(path), HexEncode(first->value) + "\n");

  Result<LoadedSecret> second = LoadMasterKey(dir.path(), std::string_view(""));  // empty env = unset
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->value, first->value);
}

TEST(SecretFilesTest, AdminTokenFileIsCreatedOnceAndReused) {
  testing::TempDir dir;
  Result<LoadedSecret> first = LoadAdminToken(dir.path(), std::nullopt);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->value.size(), 43u);  // 32 bytes base64url, unpadded
  EXPECT_EQ(first->value.find_first_of("+/="), std::string::npos);
  EXPECT_EQ(ModeOf(dir.path() / kAdminTokenFile), 0600u);

  Result<LoadedSecret> second = LoadAdminToken(dir.path(), std::nullopt);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->value, first->value);
}

TEST(SecretFilesTest, AdminTokenFromEnvironmentMustBeLongEnough) {
  testing::TempDir dir;
  Result<LoadedSecret> loaded = LoadAdminToken(dir.path(), std::string_view("a-long-enough-admin-token"));
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->value, "a-long-enough-admin-token");
  EXPECT_EQ(loaded->origin, kAdminTokenEnv);
  EXPECT_FALSE(fs::exists(dir.path() / kAdminTokenFile));

  Result<LoadedSecret> short_token = LoadAdminToken(dir.path(), std::string_view("short"));
  ASSERT_FALSE(short_token.ok());
  EXPECT_NE(short_token.status().message().find("at least 16"), std::string::npos);
}

TEST(SecretFilesTest, EnvironmentOverloadsReadTheVariables) {
  testing::TempDir dir;
  const std::string key(32, '\x22');
  ::setenv(kMasterKeyEnv, HexEncode(key).c_str(), 1);
  ::setenv(kAdminTokenEnv, "token-from-the-environment", 1);
  Result<LoadedSecret> master = LoadMasterKey(dir.path());
  Result<LoadedSecret> admin = LoadAdminToken(dir.path());
  ::unsetenv(kMasterKeyEnv);
  ::unsetenv(kAdminTokenEnv);
  ASSERT_TRUE(master.ok());
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ(master->value, key);
  EXPECT_EQ(admin->value, "token-from-the-environment");
}

}  // namespace
}  // namespace streamhook::config
