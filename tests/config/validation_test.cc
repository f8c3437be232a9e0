#include "config/validation.h"

#include <gtest/gtest.h>

#include "config/model.h"
#include "config/random_tokens.h"

namespace streamhook::config {
namespace {

TEST(ValidationTest, Regions) {
  for (const char* good : {"us-east-1", "eu-central-1", "ap-southeast-2", "us-gov-west-1", "cn-north-1"}) {
    EXPECT_FALSE(CheckRegion(good).has_value()) << good;
  }
  for (const char* bad : {"", "us-east", "US-EAST-1", "useast1", "u-east-1", "us--1", "us-east-1a",
                          "us-east-", "-us-east-1", "us-east-1 "}) {
    EXPECT_TRUE(CheckRegion(bad).has_value()) << bad;
  }
}

TEST(ValidationTest, StreamNames) {
  EXPECT_FALSE(CheckStreamName("orders_v2.prod-1").has_value());
  EXPECT_FALSE(CheckStreamName(std::string(128, 'a')).has_value());
  EXPECT_TRUE(CheckStreamName("").has_value());
  EXPECT_TRUE(CheckStreamName(std::string(129, 'a')).has_value());
  EXPECT_TRUE(CheckStreamName("has space").has_value());
  EXPECT_TRUE(CheckStreamName("slash/no").has_value());
}

TEST(ValidationTest, EndpointUrls) {
  for (const char* good :
       {"http://127.0.0.1:4567", "https://kinesis.us-east-1.amazonaws.com", "http://[::1]:80/"}) {
    EXPECT_FALSE(CheckEndpointUrl(good).has_value()) << good;
  }
  for (const char* bad : {"", "localhost:4567", "ftp://host", "http://", "https://user:pw@host",
                          "http://host/?a=b", "http://host/#frag", "not a url"}) {
    EXPECT_TRUE(CheckEndpointUrl(bad).has_value()) << bad;
  }
}

TEST(ValidationTest, PartitionKeys) {
  for (const char* good : {"userId", "messageId", "/", "/properties/orderId", "/a~0b/c~1d"}) {
    EXPECT_FALSE(CheckPartitionKey(good).has_value()) << good;
  }
  for (const char* bad : {"", "userid", "properties/orderId", "/a~2", "/a~"}) {
    EXPECT_TRUE(CheckPartitionKey(bad).has_value()) << bad;
  }
}

TEST(ValidationTest, IdsNamesKeys) {
  EXPECT_FALSE(CheckResourceId("hook_1-A").has_value());
  EXPECT_TRUE(CheckResourceId("a/b").has_value());
  EXPECT_TRUE(CheckResourceId(std::string(65, 'a')).has_value());
  EXPECT_FALSE(CheckName("Orders to Kinesis").has_value());
  EXPECT_TRUE(CheckName("").has_value());
  EXPECT_TRUE(CheckName("tab\there").has_value());
  EXPECT_FALSE(CheckWriteKey("abcdefgh").has_value());
  EXPECT_TRUE(CheckWriteKey("short").has_value());
  EXPECT_TRUE(CheckWriteKey("has:colon-in-it").has_value());
  EXPECT_TRUE(CheckWriteKey("has space in it").has_value());
  EXPECT_FALSE(CheckSecretAccessKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").has_value());
  const Problem masked = CheckSecretAccessKey("****EKEY");
  ASSERT_TRUE(masked.has_value());
  EXPECT_NE(masked->find("masked"), std::string::npos);
  EXPECT_TRUE(CheckCaFile("relative/ca.pem").has_value());
  EXPECT_FALSE(CheckCaFile("/etc/ssl/ca.pem").has_value());
}

TEST(ValidationTest, RoleArns) {
  for (const char* good :
       {"arn:aws:iam::123456789012:role/streamhook", "arn:aws:iam::123456789012:role/app/team/Writer_1",
        "arn:aws-cn:iam::123456789012:role/a", "arn:aws-us-gov:iam::000000000000:role/x+=,.@-y"}) {
    EXPECT_FALSE(CheckRoleArn(good).has_value()) << good;
  }
  EXPECT_FALSE(CheckRoleArn("arn:aws:iam::123456789012:role/" + std::string(64, 'r')).has_value());
  EXPECT_FALSE(
      CheckRoleArn("arn:aws:iam::123456789012:role/" + std::string(1900, 'p') + "/" + std::string(64, 'r'))
          .has_value());
  for (const std::string& bad :
       {std::string(""), std::string("streamhook"),
        std::string("arn:aws:iam::12345678901:role/short-account"),
        std::string("arn:aws:iam::1234567890123:role/long-account"),
        std::string("arn:aws:iam::12345678901a:role/letter"),
        std::string("arn:aws:iam::123456789012:user/bob"), std::string("arn:aws:sts::123456789012:role/x"),
        std::string("arn:aws:iam:us-east-1:123456789012:role/x"),
        std::string("arn:AWS:iam::123456789012:role/x"), std::string("arn:aws:iam::123456789012:role/"),
        std::string("arn:aws:iam::123456789012:role/path/"), std::string("arn:aws:iam::123456789012:role//x"),
        std::string("arn:aws:iam::123456789012:role/has space"),
        std::string("arn:aws:iam::123456789012:role/" + std::string(65, 'r')),
        std::string("arn:aws:iam::123456789012:role/" + std::string(2020, 'p') + "/name")}) {
    EXPECT_TRUE(CheckRoleArn(bad).has_value()) << bad;
  }
}

TEST(ValidationTest, ExternalIds) {
  for (const std::string& good :
       {std::string("ab"), std::string("Tenant_42+=,.@:/-x"), std::string(1224, 'e')}) {
    EXPECT_FALSE(CheckExternalId(good).has_value()) << good;
  }
  for (const std::string& bad : {std::string(""), std::string("a"), std::string(1225, 'e'),
                                 std::string("has space"), std::string("semi;colon"), std::string("tab\t")}) {
    EXPECT_TRUE(CheckExternalId(bad).has_value()) << bad;
  }
}

TEST(RandomTokensTest, ShapesAndUniqueness) {
  const std::string uuid = NewUuid();
  ASSERT_EQ(uuid.size(), 36u);
  EXPECT_EQ(uuid[14], '4');
  EXPECT_NE(uuid, NewUuid());
  const std::string token = NewRandomToken();
  EXPECT_EQ(token.size(), 43u);
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_NE(token, NewRandomToken());
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
}

TEST(ConfigSnapshotTest, WriteKeyLookupAndFinders) {
  Source a{"src-a", "A", "write-key-aaaa", 1};
  Source b{"src-b", "B", "write-key-bbbb", 2};
  Hook hook;
  hook.id = "h1";
  const ConfigSnapshot snapshot(7, std::nullopt, {hook}, {a, b});
  EXPECT_EQ(snapshot.version, 7u);
  EXPECT_EQ(snapshot.SourceIdForWriteKey("write-key-bbbb"), "src-b");
  EXPECT_EQ(snapshot.SourceIdForWriteKey("write-key-aaaa"), "src-a");
  EXPECT_EQ(snapshot.SourceIdForWriteKey("write-key-cccc"), std::nullopt);
  EXPECT_EQ(snapshot.SourceIdForWriteKey(""), std::nullopt);
  ASSERT_NE(snapshot.FindHook("h1"), nullptr);
  EXPECT_EQ(snapshot.FindHook("h2"), nullptr);
  ASSERT_NE(snapshot.FindSource("src-a"), nullptr);
  EXPECT_EQ(snapshot.FindSource("src-a")->name, "A");
}

}  // namespace
}  // namespace streamhook::config
