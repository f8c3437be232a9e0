#include "aws/aws_error.h"

#include <gtest/gtest.h>

namespace streamhook::aws {
namespace {

TEST(AwsError, ClassifiesServiceErrors) {
  struct Case {
    int status;
    const char* type;
    bool retryable;
  } cases[] = {
      {400, "ProvisionedThroughputExceededException", true},
      {400, "KMSThrottlingException", true},
      {400, "LimitExceededException", true},
      {500, "InternalFailure", true},
      {503, "ServiceUnavailable", true},
      {400, "ExpiredTokenException", true},
      {400, "ResourceNotFoundException", false},
      {400, "AccessDeniedException", false},
      {400, "ValidationException", false},
      {400, "InvalidArgumentException", false},
      {400, "KMSAccessDeniedException", false},
      {400, "KMSDisabledException", false},
      {400, "KMSNotFoundException", false},
      {400, "UnrecognizedClientException", false},
      {403, "SomethingNew", false},
      {502, "SomethingNew", true},
  };
  for (const auto& c : cases) {
    const std::string body =
        std::string(R"({"__type":"com.amazon.coral.service#)") + c.type + R"(","message":"details"})";
    AwsError e = ParseServiceError(c.status, body);
    EXPECT_EQ(e.type, c.type);
    EXPECT_EQ(e.message, "details");
    EXPECT_EQ(e.http_status, c.status);
    EXPECT_EQ(e.retryable, c.retryable) << c.type << " " << c.status;
    EXPECT_EQ(e.ToStatus().code() == Status::Code::kUnavailable, c.retryable);
  }
}

TEST(AwsError, HandlesBodiesWithoutJson) {
  AwsError e = ParseServiceError(503, "Service Unavailable");
  EXPECT_TRUE(e.retryable);
  EXPECT_EQ(e.type, "InternalFailure");
  EXPECT_NE(e.message.find("Service Unavailable"), std::string::npos);
  AwsError f = ParseServiceError(404, "");
  EXPECT_FALSE(f.retryable);
  EXPECT_EQ(f.message, "HTTP 404");
}

TEST(AwsError, CapitalMessageAndTypeSuffix) {
  AwsError e = ParseServiceError(400, R"({"__type":"ValidationException:http://internal","Message":"bad"})");
  EXPECT_EQ(e.type, "ValidationException");
  EXPECT_EQ(e.message, "bad");
}

TEST(AwsError, TransportErrorsRetryAndClientErrorsDoNot) {
  EXPECT_TRUE(TransportError("connection refused").retryable);
  EXPECT_FALSE(ClientError("RecordTooLarge", "x").retryable);
  EXPECT_EQ(ClientError("RecordTooLarge", "x").ToStatus().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ParseServiceError(400, R"({"__type":"ResourceNotFoundException"})").ToStatus().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(ParseServiceError(400, R"({"__type":"AccessDeniedException"})").ToStatus().code(),
            Status::Code::kPermissionDenied);
}

}  // namespace
}  // namespace streamhook::aws
