// The two AWS STS calls streamhook makes: AssumeRole (signed with source credentials) and
// AssumeRoleWithWebIdentity (unsigned, authenticated by the OIDC token). Query API over a blocking
// HTTP call: POST form body, XML answer. Errors become a Status that names the role ARN and says
// whether retrying can help; no error message ever contains a key, secret, token or external id.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "aws/aws_error.h"
#include "aws/blocking_http.h"
#include "aws/credentials.h"

namespace streamhook::aws {

struct StsOptions {
  // Region of the regional endpoint https://sts.<region>.amazonaws.com, also the signing region.
  // Empty: the global endpoint https://sts.amazonaws.com, signed for us-east-1.
  std::string region;
  std::string endpoint_override;  // e.g. "http://127.0.0.1:4566" for a local STS
  BlockingHttpOptions http = DefaultHttpOptions();

  // STS may be far away (the global endpoint is in us-east-1): more patience than for IMDS.
  static BlockingHttpOptions DefaultHttpOptions() {
    BlockingHttpOptions http;
    http.connect_timeout = std::chrono::seconds(5);
    http.request_timeout = std::chrono::seconds(20);
    return http;
  }
};

struct AssumeRoleRequest {
  std::string role_arn;      // "arn:aws:iam::123456789012:role/streamhook-writer"
  std::string session_name;  // RoleSessionName, 2-64 of [A-Za-z0-9+=,.@_-]
  std::string external_id;   // empty: not sent
  std::chrono::seconds duration{3600};
};

// AssumeRole with `source` credentials. Errors: PermissionDenied for AccessDenied (role trust
// policy, wrong or missing external id), Unauthenticated for rejected source credentials
// (InvalidClientTokenId, SignatureDoesNotMatch, ExpiredToken), Unavailable for throttling, 5xx and
// transport failures (worth retrying), InvalidArgument for bad input.
Result<Credentials> StsAssumeRole(const StsOptions& options, const Credentials& source,
                                  const AssumeRoleRequest& request);

// AssumeRoleWithWebIdentity with the OIDC `token` (request.external_id is ignored). Errors as for
// StsAssumeRole; InvalidIdentityToken and ExpiredTokenException mean the token was refused.
Result<Credentials> StsAssumeRoleWithWebIdentity(const StsOptions& options, const AssumeRoleRequest& request,
                                                 std::string_view token);

// ---- Building blocks, exported for tests ----

// Checks what STS would refuse anyway, with a clearer message: ARN shape, session name, duration.
Status CheckAssumeRoleRequest(const AssumeRoleRequest& request);

// The credentials in a successful AssumeRole or AssumeRoleWithWebIdentity answer (inside
// <Credentials>). Corruption when a field is missing; the message never quotes the body.
Result<Credentials> ParseStsCredentials(std::string_view xml);

// The error in an STS error answer (<ErrorResponse><Error><Code>..<Message>..), classified for retry.
AwsError ParseStsError(int http_status, std::string_view xml);

// The text inside the first <tag>...</tag> of xml, with XML entities decoded; nullopt if absent.
std::optional<std::string> XmlElementText(std::string_view xml, std::string_view tag);

}  // namespace streamhook::aws
