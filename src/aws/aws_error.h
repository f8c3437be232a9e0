// AwsError: what went wrong with one AWS call, and whether trying again can help.
//
// Kinesis answers failures with an HTTP status and a JSON body {"__type": "...", "message": "..."};
// transport failures (connect, TLS, time-out, reset) never reach a status. Both end up here so that
// every caller decides retry-or-give-up the same way.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace streamhook::aws {

struct AwsError {
  enum class Kind {
    kTransport,  // connection refused/reset, TLS failure, time-out: no answer from AWS
    kService,    // AWS answered with an error status
    kClient,     // we refused to send: a limit or an argument was wrong
  };
  Kind kind = Kind::kService;
  int http_status = 0;  // 0 when there was no HTTP answer
  std::string type;     // the short __type, e.g. "ResourceNotFoundException"
  std::string message;  // AWS's message or ours; never contains secrets
  bool retryable = false;

  // "ResourceNotFoundException (HTTP 400): Stream foo under account ... not found."
  std::string ToString() const;
  // The equivalent Status (Unavailable when retryable, else a fitting permanent code).
  Status ToStatus() const;
};

// Builds the error for an HTTP error response from its status and body, classifying it.
AwsError ParseServiceError(int http_status, std::string_view body);

// An error for a transport failure (always retryable).
AwsError TransportError(std::string message);

// An error for a request we refused to send (never retryable).
AwsError ClientError(std::string type, std::string message);

// Whether an error of this __type (short name) and HTTP status is worth retrying. Retryable:
// ProvisionedThroughputExceeded, KMSThrottling, LimitExceeded, InternalFailure,
// ServiceUnavailable, throttling, ExpiredToken (after a credential refresh), and any 5xx.
// Permanent: ResourceNotFound, AccessDenied, Validation, InvalidArgument, KMS access errors and
// any other 4xx.
bool IsRetryable(std::string_view type, int http_status);

// "com.amazon.coral.service#ResourceNotFoundException" -> "ResourceNotFoundException".
std::string_view ShortErrorType(std::string_view type);

// True for the error types that mean the credentials themselves expired, so the caller should
// refresh them before retrying.
bool IsExpiredCredentials(std::string_view type);

}  // namespace streamhook::aws
