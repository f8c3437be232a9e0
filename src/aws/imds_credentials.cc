// The EC2 instance metadata provider (IMDSv2 only): the instance profile's role credentials.
#include <simdjson.h>

#include <atomic>
#include <cctype>
#include <cstdlib>

#include "aws/blocking_http.h"
#include "aws/temporary_credentials.h"
#include "common/time_format.h"

namespace streamhook::aws {
namespace {

constexpr std::string_view kTokenPath = "/latest/api/token";
constexpr std::string_view kCredentialsPath = "/latest/meta-data/iam/security-credentials/";
constexpr std::string_view kTokenTtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";
constexpr std::string_view kTokenHeader = "X-aws-ec2-metadata-token";
// The token is used at once and fetched again on the next refresh, so a short life is enough.
constexpr std::string_view kTokenTtlSeconds = "300";

std::string Variable(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

class InstanceMetadataSource final : public CredentialsSource {
 public:
  explicit InstanceMetadataSource(InstanceMetadataOptions options) : options_(std::move(options)) {
    http_.connect_timeout = options_.connect_timeout;
    http_.request_timeout = options_.request_timeout;
    http_.max_response_bytes = 64 << 10;
  }

  Result<Credentials> Fetch() override {
    if (options_.disabled) return Status::NotFound("AWS_EC2_METADATA_DISABLED is true");
    auto endpoint = ParseEndpoint(options_.endpoint);
    if (!endpoint.ok())
      return Status::InvalidArgument("AWS_EC2_METADATA_SERVICE_ENDPOINT: " + endpoint.status().message());
    while (!endpoint->path.empty() && endpoint->path.back() == '/') endpoint->path.pop_back();
    Result<Credentials> credentials = FetchFrom(*endpoint);
    if (credentials.ok()) ever_answered_.store(true);
    return credentials;
  }

  std::string Describe() const override { return "EC2 instance metadata at " + options_.endpoint; }

 private:
  Result<Credentials> FetchFrom(const Endpoint& endpoint) {
    BlockingHttpRequest put{"PUT",
                            endpoint.path + std::string(kTokenPath),
                            {{std::string(kTokenTtlHeader), std::string(kTokenTtlSeconds)}},
                            ""};
    auto token = Send(endpoint, put, "a session token");
    if (!token.ok()) return token.status();
    const std::vector<std::pair<std::string, std::string>> auth = {{std::string(kTokenHeader), *token}};

    auto roles = Send(endpoint, {"GET", endpoint.path + std::string(kCredentialsPath), auth, ""},
                      "the instance's role");
    if (!roles.ok()) return roles.status();
    const std::string role = roles->substr(0, roles->find_first_of("\r\n"));
    if (role.empty() || role.find_first_of("/?#% ") != std::string::npos) {
      return Status::NotFound("no IAM role is attached to this EC2 instance (" + Describe() + ")");
    }
    auto document = Send(endpoint, {"GET", endpoint.path + std::string(kCredentialsPath) + role, auth, ""},
                         "the credentials of role " + role);
    if (!document.ok()) return document.status();
    return ParseCredentials(*document, role);
  }

  // The body of a 200 answer, or the error for anything else. `what` names what was asked for.
  Result<std::string> Send(const Endpoint& endpoint, const BlockingHttpRequest& request,
                           const std::string& what) {
    auto response = BlockingHttpSend(endpoint, request, http_);
    if (!response.ok()) {
      // Nobody answering before we ever had credentials: this is not an EC2 instance.
      if (!ever_answered_.load()) {
        return Status::NotFound("no EC2 instance metadata service answered at " + options_.endpoint + " (" +
                                response.status().message() + ")");
      }
      return Status::Unavailable("cannot get " + what + " from " + Describe() + ": " +
                                 response.status().message());
    }
    if (response->status == 200) return std::move(response->body);
    if (response->status == 404 && request.target.find(kCredentialsPath) != std::string::npos &&
        request.target.ends_with("/")) {
      return Status::NotFound("no IAM role is attached to this EC2 instance (" + Describe() + ")");
    }
    if (response->status == 403 && request.method == "PUT") {
      return Status::NotFound("instance metadata is turned off for this EC2 instance (" + Describe() +
                              " answered HTTP 403)");
    }
    return Status::Unavailable(Describe() + " answered HTTP " + std::to_string(response->status) +
                               " when asked for " + what);
  }

  Result<Credentials> ParseCredentials(const std::string& body, const std::string& role) {
    const std::string where = "the credentials of role " + role + " from " + Describe();
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(body.data(), body.size()).get(doc) != simdjson::SUCCESS) {
      return Status::Unavailable(where + " are not JSON");  // the body may hold secrets: not quoted
    }
    std::string_view code, key, secret, token, expiration;
    if (doc["Code"].get(code) != simdjson::SUCCESS || code != "Success") {
      return Status::Unavailable(where + " have Code '" + std::string(code.substr(0, 64)) +
                                 "' instead of Success");
    }
    if (doc["AccessKeyId"].get(key) || doc["SecretAccessKey"].get(secret) || doc["Token"].get(token) ||
        doc["Expiration"].get(expiration) || key.empty() || secret.empty() || token.empty()) {
      return Status::Unavailable(where + " lack AccessKeyId, SecretAccessKey, Token or Expiration");
    }
    const std::optional<int64_t> ms = ParseIso8601Millis(expiration);
    if (!ms) return Status::Unavailable(where + " have an Expiration that is not an ISO 8601 time");
    return Credentials{std::string(key), std::string(secret), std::string(token),
                       std::chrono::system_clock::time_point(std::chrono::milliseconds(*ms))};
  }

  const InstanceMetadataOptions options_;
  BlockingHttpOptions http_;
  std::atomic<bool> ever_answered_{false};
};

}  // namespace

InstanceMetadataOptions InstanceMetadataOptionsFromEnvironment() {
  InstanceMetadataOptions options;
  const std::string endpoint = Variable("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (!endpoint.empty()) options.endpoint = endpoint;
  std::string disabled = Variable("AWS_EC2_METADATA_DISABLED");
  for (char& c : disabled) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  options.disabled = disabled == "true";
  return options;
}

std::unique_ptr<CredentialsProvider> MakeInstanceMetadataCredentialsProvider(
    InstanceMetadataOptions options) {
  RefreshOptions refresh = options.refresh;
  return MakeRefreshingCredentialsProvider(std::make_unique<InstanceMetadataSource>(std::move(options)),
                                           refresh);
}

}  // namespace streamhook::aws
