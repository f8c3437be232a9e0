#include "aws/sts_client.h"

#include <array>

#include "aws/sigv4.h"
#include "common/time_format.h"

namespace streamhook::aws {
namespace {

constexpr std::string_view kStsVersion = "2011-06-15";
constexpr std::string_view kFormContentType = "application/x-www-form-urlencoded; charset=utf-8";

// STS codes worth retrying beyond those aws_error.h knows (Throttling is STS's spelling).
constexpr std::array<std::string_view, 3> kRetryableStsCodes = {"Throttling", "IDPCommunicationError",
                                                                "ServiceUnavailable"};

bool IsSessionNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("+=,.@_-").find(c) != std::string_view::npos;
}

// External ids allow a few more characters than session names (':' and '/').
bool IsExternalIdChar(char c) {
  return IsSessionNameChar(c) || c == ':' || c == '/';
}

void AppendFormField(std::string_view name, std::string_view value, std::string* body) {
  if (!body->empty()) body->push_back('&');
  body->append(name);
  body->push_back('=');
  AppendUriEncoded(value, /*keep_slash=*/false, body);
}

// Replaces every occurrence of each non-empty secret in `text` with "****": STS messages may echo
// request parameters, and none of ours may reach a log.
std::string Scrub(std::string text, std::initializer_list<std::string_view> secrets) {
  for (std::string_view secret : secrets) {
    if (secret.size() < 2) continue;
    for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 4)) {
      text.replace(at, secret.size(), "****");
    }
  }
  return text;
}

// The Status for an STS error answer: what was asked, what STS said, what to check.
Status ErrorStatus(std::string_view action, const AssumeRoleRequest& request, const AwsError& error,
                   std::initializer_list<std::string_view> secrets) {
  std::string message = "STS " + std::string(action) + " for role " + request.role_arn +
                        " failed: " + Scrub(error.ToString(), secrets);
  if (error.type == "AccessDenied" || error.type == "IDPRejectedClaim" ||
      error.type == "RegionDisabledException") {
    if (action == "AssumeRole") {
      message += request.external_id.empty()
                     ? " (check that the role's trust policy allows these source credentials, and "
                       "whether it requires an external id)"
                     : " (check that the role's trust policy allows these source credentials and that "
                       "the external id matches its sts:ExternalId condition)";
    } else {
      message += " (check the role's trust policy for this OIDC provider and the token's audience)";
    }
    return Status::PermissionDenied(std::move(message));
  }
  if (error.type == "InvalidClientTokenId" || error.type == "SignatureDoesNotMatch" ||
      error.type == "IncompleteSignature" || error.type == "MissingAuthenticationToken" ||
      error.type == "InvalidIdentityToken" || IsExpiredCredentials(error.type)) {
    return Status::Unauthenticated(std::move(message));
  }
  if (error.retryable) return Status::Unavailable(std::move(message));
  return Status::InvalidArgument(std::move(message));
}

Endpoint StsEndpoint(const StsOptions& options, Status* status) {
  if (!options.endpoint_override.empty()) {
    auto parsed = ParseEndpoint(options.endpoint_override);
    if (!parsed.ok()) {
      *status = parsed.status();
      return {};
    }
    return *parsed;
  }
  if (options.region.empty()) {
    Endpoint global = EndpointForRegion("sts", "us-east-1");
    global.host = global.host_header = "sts.amazonaws.com";
    return global;
  }
  return EndpointForRegion("sts", options.region);
}

// Sends the form to STS (signing it when `source` is given) and turns the answer into credentials.
Result<Credentials> Call(const StsOptions& options, std::string_view action, const AssumeRoleRequest& request,
                         std::string body, const Credentials* source,
                         std::initializer_list<std::string_view> secrets) {
  if (Status status = CheckAssumeRoleRequest(request); !status.ok()) return status;
  Status endpoint_status;
  const Endpoint endpoint = StsEndpoint(options, &endpoint_status);
  if (!endpoint_status.ok()) return endpoint_status;

  BlockingHttpRequest http;
  http.method = "POST";
  http.headers = {{"host", endpoint.host_header}, {"content-type", std::string(kFormContentType)}};
  if (source) {
    SignableRequest signable{"POST", endpoint.path, "", http.headers, body};
    SigV4Signer(options.region.empty() ? "us-east-1" : options.region, "sts")
        .Sign(*source, std::chrono::system_clock::now(), &signable);
    http.headers = std::move(signable.headers);
  }
  http.body = std::move(body);
  auto response = BlockingHttpSend(endpoint, http, options.http);
  if (!response.ok()) {
    const std::string message = "STS " + std::string(action) + " for role " + request.role_arn + " at " +
                                endpoint.ToUrl() + ": " + response.status().message();
    if (response.status().code() == Status::Code::kInvalidArgument) return Status::InvalidArgument(message);
    return Status::Unavailable(message);
  }
  if (response->status != 200)
    return ErrorStatus(action, request, ParseStsError(response->status, response->body), secrets);
  auto credentials = ParseStsCredentials(response->body);
  if (!credentials.ok()) {
    return Status::Unavailable("STS " + std::string(action) + " for role " + request.role_arn + " at " +
                               endpoint.ToUrl() + ": " + credentials.status().message());
  }
  return credentials;
}

}  // namespace

std::optional<std::string> XmlElementText(std::string_view xml, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  const size_t start = xml.find(open);
  if (start == std::string_view::npos) return std::nullopt;
  const size_t end = xml.find(close, start + open.size());
  if (end == std::string_view::npos) return std::nullopt;
  const std::string_view raw = xml.substr(start + open.size(), end - start - open.size());
  std::string text;
  text.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '&') {
      text.push_back(raw[i]);
      continue;
    }
    const size_t semicolon = raw.find(';', i);
    if (semicolon == std::string_view::npos) return std::nullopt;
    const std::string_view entity = raw.substr(i + 1, semicolon - i - 1);
    if (entity == "amp") {
      text.push_back('&');
    } else if (entity == "lt") {
      text.push_back('<');
    } else if (entity == "gt") {
      text.push_back('>');
    } else if (entity == "quot") {
      text.push_back('"');
    } else if (entity == "apos") {
      text.push_back('\'');
    } else if (entity.size() >= 2 && entity[0] == '#') {
      // Numeric references; STS only ever escapes ASCII, so larger code points are refused.
      const bool hex = entity[1] == 'x';
      const unsigned long code =
          std::strtoul(std::string(entity.substr(hex ? 2 : 1)).c_str(), nullptr, hex ? 16 : 10);
      if (code == 0 || code > 127) return std::nullopt;
      text.push_back(static_cast<char>(code));
    } else {
      return std::nullopt;
    }
    i = semicolon;
  }
  return text;
}

Status CheckAssumeRoleRequest(const AssumeRoleRequest& request) {
  const std::string_view arn = request.role_arn;
  if (arn.size() < 20 || arn.size() > 2048 || arn.rfind("arn:", 0) != 0 ||
      arn.find(":iam::") == std::string_view::npos || arn.find(":role/") == std::string_view::npos) {
    return Status::InvalidArgument("'" + std::string(arn.substr(0, 200)) +
                                   "' is not an IAM role ARN such as arn:aws:iam::123456789012:role/name");
  }
  bool session_ok = request.session_name.size() >= 2 && request.session_name.size() <= 64;
  for (char c : request.session_name) session_ok = session_ok && IsSessionNameChar(c);
  if (!session_ok) {
    return Status::InvalidArgument("the role session name for " + request.role_arn +
                                   " must be 2 to 64 characters of A-Z a-z 0-9 + = , . @ _ -");
  }
  if (!request.external_id.empty()) {
    bool external_ok = request.external_id.size() >= 2 && request.external_id.size() <= 1224;
    for (char c : request.external_id) external_ok = external_ok && IsExternalIdChar(c);
    if (!external_ok) {  // the value is not shown: customers treat it as confidential
      return Status::InvalidArgument("the external id for " + request.role_arn +
                                     " must be 2 to 1224 characters of A-Z a-z 0-9 + = , . @ : / _ -");
    }
  }
  if (request.duration < std::chrono::minutes(15) || request.duration > std::chrono::hours(12)) {
    return Status::InvalidArgument("the session duration for " + request.role_arn +
                                   " must be between 900 and 43200 seconds (15 minutes to 12 hours)");
  }
  return Status::Ok();
}

Result<Credentials> ParseStsCredentials(std::string_view xml) {
  const auto block = XmlElementText(xml, "Credentials");
  if (!block) return Status::Corruption("the STS answer has no <Credentials>");
  auto access_key_id = XmlElementText(*block, "AccessKeyId");
  auto secret = XmlElementText(*block, "SecretAccessKey");
  auto token = XmlElementText(*block, "SessionToken");
  auto expiration = XmlElementText(*block, "Expiration");
  for (const auto& [name, value] : {std::pair{"AccessKeyId", &access_key_id},
                                    {"SecretAccessKey", &secret},
                                    {"SessionToken", &token},
                                    {"Expiration", &expiration}}) {
    if (!*value || (*value)->empty()) {
      return Status::Corruption("the STS answer has no " + std::string(name) + " in <Credentials>");
    }
  }
  const std::optional<int64_t> ms = ParseIso8601Millis(*expiration);
  if (!ms) return Status::Corruption("the STS answer's Expiration is not an ISO 8601 time");
  Credentials credentials;
  credentials.access_key_id = std::move(*access_key_id);
  credentials.secret_access_key = std::move(*secret);
  credentials.session_token = std::move(*token);
  credentials.expiration = std::chrono::system_clock::time_point(std::chrono::milliseconds(*ms));
  return credentials;
}

AwsError ParseStsError(int http_status, std::string_view xml) {
  AwsError error;
  error.kind = AwsError::Kind::kService;
  error.http_status = http_status;
  error.type = XmlElementText(xml, "Code").value_or("");
  error.message = XmlElementText(xml, "Message").value_or("");
  if (error.type.empty()) error.type = http_status >= 500 ? "InternalFailure" : "HttpError";
  if (error.message.size() > 500) error.message.resize(500);
  error.retryable = IsRetryable(error.type, http_status);
  for (std::string_view code : kRetryableStsCodes) error.retryable = error.retryable || error.type == code;
  return error;
}

Result<Credentials> StsAssumeRole(const StsOptions& options, const Credentials& source,
                                  const AssumeRoleRequest& request) {
  std::string body;
  AppendFormField("Action", "AssumeRole", &body);
  AppendFormField("Version", kStsVersion, &body);
  AppendFormField("RoleArn", request.role_arn, &body);
  AppendFormField("RoleSessionName", request.session_name, &body);
  AppendFormField("DurationSeconds", std::to_string(request.duration.count()), &body);
  if (!request.external_id.empty()) AppendFormField("ExternalId", request.external_id, &body);
  return Call(options, "AssumeRole", request, std::move(body), &source,
              {request.external_id, source.secret_access_key, source.session_token});
}

Result<Credentials> StsAssumeRoleWithWebIdentity(const StsOptions& options, const AssumeRoleRequest& request,
                                                 std::string_view token) {
  if (token.empty())
    return Status::InvalidArgument("the web identity token for " + request.role_arn + " is empty");
  AssumeRoleRequest without_external_id = request;
  without_external_id.external_id.clear();
  std::string body;
  AppendFormField("Action", "AssumeRoleWithWebIdentity", &body);
  AppendFormField("Version", kStsVersion, &body);
  AppendFormField("RoleArn", request.role_arn, &body);
  AppendFormField("RoleSessionName", request.session_name, &body);
  AppendFormField("DurationSeconds", std::to_string(request.duration.count()), &body);
  AppendFormField("WebIdentityToken", token, &body);
  return Call(options, "AssumeRoleWithWebIdentity", without_external_id, std::move(body), nullptr, {token});
}

}  // namespace streamhook::aws
