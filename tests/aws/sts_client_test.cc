// The STS building blocks: XML parsing, error classification, request checks, messages.
#include "aws/sts_client.h"

#include <gtest/gtest.h>

#include "aws/temporary_credentials.h"
#include "support/test_env.h"

namespace streamhook::aws {
namespace {

constexpr char kRole[] = "arn:aws:iam::123456789012:role/streamhook-writer";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY";
constexpr char kToken[] = "FwoGZXIvYXdzEJr//////////wEaDOSESSIONTOKENEXAMPLE+/=";

std::string SuccessXml(std::string_view credentials) {
  return "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
         "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/streamhook-writer/s</Arn>"
         "</AssumedRoleUser><Credentials>" +
         std::string(credentials) +
         "</Credentials></AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId>"
         "</ResponseMetadata></AssumeRoleResponse>";
}

std::string ErrorXml(std::string_view code, std::string_view message) {
  return "<ErrorResponse "
         "xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>" +
         std::string(code) + "</Code><Message>" + std::string(message) +
         "</Message></Error><RequestId>r</RequestId></ErrorResponse>";
}

TEST(StsXmlTest, ElementTextDecodesEntities) {
  EXPECT_EQ(XmlElementText("<a><b>x &amp; y &lt;z&gt; &quot;q&quot; &apos;&#65;&#x42;</b></a>", "b").value(),
            "x & y <z> \"q\" 'AB");
  EXPECT_EQ(XmlElementText("<b></b>", "b").value(), "");
  EXPECT_FALSE(XmlElementText("<b>open", "b"));
  EXPECT_FALSE(XmlElementText("<c>x</c>", "b"));
  EXPECT_FALSE(XmlElementText("<b>&bogus;</b>", "b"));
  EXPECT_FALSE(XmlElementText("<b>&#300;</b>", "b"));
}

TEST(StsXmlTest, ParsesTheCredentialsOfAnAnswer) {
  auto credentials =
      ParseStsCredentials(SuccessXml("<AccessKeyId>ASIAEXAMPLE000000001</AccessKeyId><SecretAccessKey>" +
                                     std::string(kSecret) + "</SecretAccessKey><SessionToken>" + kToken +
                                     "</SessionToken><Expiration>2026-11-23T17:00:00Z</Expiration>"));
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "ASIAEXAMPLE000000001");
  EXPECT_EQ(credentials->secret_access_key, kSecret);
  EXPECT_EQ(credentials->session_token, kToken);
  ASSERT_TRUE(credentials->expiration);
  EXPECT_EQ(
      std::chrono::duration_cast<std::chrono::seconds>(credentials->expiration->time_since_epoch()).count(),
      1795453200);
}

TEST(StsXmlTest, ReportsAMissingFieldWithoutQuotingTheAnswer) {
  const std::string no_token =
      SuccessXml("<AccessKeyId>ASIAEXAMPLE000000001</AccessKeyId><SecretAccessKey>" + std::string(kSecret) +
                 "</SecretAccessKey><Expiration>2026-11-23T17:00:00Z</Expiration>");
  auto missing = ParseStsCredentials(no_token);
  EXPECT_EQ(missing.status().code(), Status::Code::kCorruption);
  EXPECT_NE(missing.status().message().find("SessionToken"), std::string::npos);
  EXPECT_EQ(missing.status().message().find(kSecret), std::string::npos);

  auto bad_time =
      ParseStsCredentials(SuccessXml("<AccessKeyId>A</AccessKeyId><SecretAccessKey>" + std::string(kSecret) +
                                     "</SecretAccessKey><SessionToken>t</SessionToken>"
                                     "<Expiration>tomorrow</Expiration>"));
  EXPECT_EQ(bad_time.status().code(), Status::Code::kCorruption);
  EXPECT_EQ(ParseStsCredentials("<html>502 Bad Gateway</html>").status().code(), Status::Code::kCorruption);
}

TEST(StsErrorTest, ClassifiesWhatRetryingCanFix) {
  const AwsError denied = ParseStsError(403, ErrorXml("AccessDenied", "User: x is not authorized"));
  EXPECT_EQ(denied.type, "AccessDenied");
  EXPECT_EQ(denied.message, "User: x is not authorized");
  EXPECT_FALSE(denied.retryable);
  EXPECT_TRUE(ParseStsError(400, ErrorXml("Throttling", "Rate exceeded")).retryable);
  EXPECT_TRUE(ParseStsError(400, ErrorXml("IDPCommunicationError", "try again")).retryable);
  EXPECT_FALSE(ParseStsError(400, ErrorXml("InvalidIdentityToken", "bad token")).retryable);
  EXPECT_FALSE(ParseStsError(400, ErrorXml("ValidationError", "bad")).retryable);
  const AwsError unavailable = ParseStsError(503, "<html>Service Unavailable</html>");
  EXPECT_TRUE(unavailable.retryable);
  EXPECT_EQ(unavailable.type, "InternalFailure");
  EXPECT_FALSE(ParseStsError(404, "").retryable);
}

TEST(StsRequestTest, ChecksWhatStsWouldRefuse) {
  AssumeRoleRequest good{kRole, "streamhook", "customer-42:Ext/ID", std::chrono::hours(1)};
  EXPECT_TRUE(CheckAssumeRoleRequest(good).ok());

  for (const char* arn :
       {"", "streamhook-writer", "arn:aws:iam::123456789012:user/bob", "arn:aws:s3:::bucket/role/x"}) {
    AssumeRoleRequest bad = good;
    bad.role_arn = arn;
    EXPECT_EQ(CheckAssumeRoleRequest(bad).code(), Status::Code::kInvalidArgument) << arn;
  }
  for (const char* name : {"x", "has space", "semi;colon",
                           "0123456789012345678901234567890123456789012345678901234567890123456789"}) {
    AssumeRoleRequest bad = good;
    bad.session_name = name;
    EXPECT_EQ(CheckAssumeRoleRequest(bad).code(), Status::Code::kInvalidArgument) << name;
  }
  for (auto duration : {std::chrono::seconds(899), std::chrono::seconds(43201)}) {
    AssumeRoleRequest bad = good;
    bad.duration = duration;
    EXPECT_EQ(CheckAssumeRoleRequest(bad).code(), Status::Code::kInvalidArgument);
  }
  // A malformed external id is refused without being shown: customers treat it as confidential.
  AssumeRoleRequest bad_external = good;
  bad_external.external_id = "secret external id with spaces";
  const Status status = CheckAssumeRoleRequest(bad_external);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(status.message().find(kRole), std::string::npos);
  EXPECT_EQ(status.message().find("secret external id"), std::string::npos) << status.message();

  AssumeRoleOptions options;
  options.role_arn = kRole;
  EXPECT_TRUE(CheckAssumeRoleOptions(options).ok());
  options.duration = std::chrono::hours(13);
  EXPECT_FALSE(CheckAssumeRoleOptions(options).ok());
}

TEST(StsRequestTest, RefusesBadInputWithoutCallingAnything) {
  StsOptions options;
  options.endpoint_override = "http://127.0.0.1:1";  // nothing listens; a call would be Unavailable
  auto bad_arn = StsAssumeRole(options, Credentials{"AKIAEXAMPLE000000001", kSecret, "", std::nullopt},
                               AssumeRoleRequest{"not-an-arn", "streamhook", "", std::chrono::hours(1)});
  EXPECT_EQ(bad_arn.status().code(), Status::Code::kInvalidArgument);
  auto empty_token = StsAssumeRoleWithWebIdentity(
      options, AssumeRoleRequest{kRole, "streamhook", "", std::chrono::hours(1)}, "");
  EXPECT_EQ(empty_token.status().code(), Status::Code::kInvalidArgument);
  options.endpoint_override = "ftp://127.0.0.1";
  auto bad_endpoint = StsAssumeRole(options, Credentials{"AKIAEXAMPLE000000001", kSecret, "", std::nullopt},
                                    AssumeRoleRequest{kRole, "streamhook", "", std::chrono::hours(1)});
  EXPECT_EQ(bad_endpoint.status().code(), Status::Code::kInvalidArgument);
}

TEST(StsRequestTest, ANetworkFailureIsRetryableAndNamesTheRoleAndEndpoint) {
  StsOptions options;
  options.endpoint_override = "http://127.0.0.1:" + std::to_string(streamhook::testing::FreeLoopbackPort());
  auto result = StsAssumeRole(options, Credentials{"AKIAEXAMPLE000000001", kSecret, kToken, std::nullopt},
                              AssumeRoleRequest{kRole, "streamhook", "ext-id-value", std::chrono::hours(1)});
  EXPECT_EQ(result.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(result.status().message().find(kRole), std::string::npos) << result.status().message();
  EXPECT_NE(result.status().message().find(options.endpoint_override), std::string::npos);
  for (const char* secret : {kSecret, kToken, "ext-id-value"}) {
    EXPECT_EQ(result.status().message().find(secret), std::string::npos) << result.status().message();
  }
}

}  // namespace
}  // namespace streamhook::aws
