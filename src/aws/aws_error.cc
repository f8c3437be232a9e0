#include "aws/aws_error.h"

#include <simdjson.h>

#include <array>

namespace streamhook::aws {
namespace {

constexpr std::array<std::string_view, 9> kRetryableTypes = {
    "ProvisionedThroughputExceededException",
    "KMSThrottlingException",
    "LimitExceededException",
    "InternalFailure",
    "InternalFailureException",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "ThrottlingException",
    "RequestTimeout",
};

}  // namespace

std::string_view ShortErrorType(std::string_view type) {
  if (auto hash = type.rfind('#'); hash != std::string_view::npos) type.remove_prefix(hash + 1);
  if (auto colon = type.find(':'); colon != std::string_view::npos) type = type.substr(0, colon);
  return type;
}

bool IsExpiredCredentials(std::string_view type) {
  return type == "ExpiredTokenException" || type == "ExpiredToken" || type == "RequestExpired";
}

bool IsRetryable(std::string_view type, int http_status) {
  for (auto t : kRetryableTypes) {
    if (type == t) return true;
  }
  if (IsExpiredCredentials(type)) return true;
  if (http_status >= 500) return true;
  if (http_status == 429) return true;
  return false;
}

AwsError ParseServiceError(int http_status, std::string_view body) {
  AwsError e;
  e.kind = AwsError::Kind::kService;
  e.http_status = http_status;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (!body.empty() && !parser.parse(body.data(), body.size()).get(doc)) {
    std::string_view type, message;
    if (!doc["__type"].get(type)) e.type = std::string(ShortErrorType(type));
    if (!doc["message"].get(message) || !doc["Message"].get(message)) e.message = std::string(message);
  }
  if (e.type.empty()) e.type = http_status >= 500 ? "InternalFailure" : "HttpError";
  if (e.message.empty()) {
    e.message = "HTTP " + std::to_string(http_status);
    if (!body.empty() && body.size() < 300 && body.find('{') == std::string_view::npos) {
      e.message += ": " + std::string(body);
    }
  }
  e.retryable = IsRetryable(e.type, http_status);
  return e;
}

AwsError TransportError(std::string message) {
  AwsError e;
  e.kind = AwsError::Kind::kTransport;
  e.type = "TransportError";
  e.message = std::move(message);
  e.retryable = true;
  return e;
}

AwsError ClientError(std::string type, std::string message) {
  AwsError e;
  e.kind = AwsError::Kind::kClient;
  e.type = std::move(type);
  e.message = std::move(message);
  e.retryable = false;
  return e;
}

std::string AwsError::ToString() const {
  std::string s = type;
  if (http_status != 0) s += " (HTTP " + std::to_string(http_status) + ")";
  if (!message.empty()) s += ": " + message;
  return s;
}

Status AwsError::ToStatus() const {
  if (retryable) return Status::Unavailable(ToString());
  if (kind == Kind::kClient) return Status::InvalidArgument(ToString());
  if (type == "ResourceNotFoundException") return Status::NotFound(ToString());
  if (type == "AccessDeniedException" || type.rfind("KMS", 0) == 0) {
    return Status::PermissionDenied(ToString());
  }
  if (type == "UnrecognizedClientException" || type == "InvalidSignatureException" ||
      type == "MissingAuthenticationTokenException" || type == "IncompleteSignature") {
    return Status::Unauthenticated(ToString());
  }
  return Status::InvalidArgument(ToString());
}

}  // namespace streamhook::aws
