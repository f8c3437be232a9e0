// The web identity provider: sts:AssumeRoleWithWebIdentity with an OIDC token from a file, as EKS
// (IAM roles for service accounts) and other Kubernetes setups project it into the pod.
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "aws/sts_client.h"
#include "aws/temporary_credentials.h"

namespace streamhook::aws {
namespace {

// Tokens are a few KiB; a larger file is not a token.
constexpr std::streamsize kMaxTokenBytes = 64 << 10;

std::string Variable(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

// The token with surrounding whitespace (a trailing newline) removed; the message never quotes it.
Result<std::string> ReadToken(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::IoError("cannot read the web identity token file " + path);
  std::string token(static_cast<size_t>(kMaxTokenBytes) + 1, '\0');
  file.read(token.data(), kMaxTokenBytes + 1);
  if (file.bad()) return Status::IoError("cannot read the web identity token file " + path);
  token.resize(static_cast<size_t>(file.gcount()));
  if (token.size() > static_cast<size_t>(kMaxTokenBytes)) {
    return Status::InvalidArgument("the web identity token file " + path + " is larger than 64 KiB");
  }
  const size_t begin = token.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos)
    return Status::InvalidArgument("the web identity token file " + path + " is empty");
  const size_t end = token.find_last_not_of(" \t\r\n");
  return token.substr(begin, end - begin + 1);
}

class WebIdentitySource final : public CredentialsSource {
 public:
  explicit WebIdentitySource(WebIdentityOptions options) : options_(std::move(options)) {
    if (options_.session_name.empty()) {
      const auto now = std::chrono::system_clock::now().time_since_epoch();
      options_.session_name =
          "streamhook-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count());
    }
    sts_.region = options_.region;
    sts_.endpoint_override = options_.sts_endpoint_override;
    sts_.http.ca_file = options_.ca_file;
  }

  Result<Credentials> Fetch() override {
    if (options_.role_arn.empty() && options_.token_file.empty()) {
      return Status::NotFound("AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are not set");
    }
    if (options_.token_file.empty())
      return Status::NotFound("AWS_ROLE_ARN is set but AWS_WEB_IDENTITY_TOKEN_FILE is not");
    if (options_.role_arn.empty())
      return Status::NotFound("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
    // Read on every fetch: the token is rotated on disk and an old one may have expired.
    Result<std::string> token = ReadToken(options_.token_file);
    if (!token.ok()) return token.status();
    return StsAssumeRoleWithWebIdentity(
        sts_, AssumeRoleRequest{options_.role_arn, options_.session_name, "", options_.duration}, *token);
  }

  std::string Describe() const override {
    if (options_.role_arn.empty() || options_.token_file.empty()) return "web identity";
    return "web identity role " + options_.role_arn + " (token file " + options_.token_file + ")";
  }

 private:
  WebIdentityOptions options_;
  StsOptions sts_;
};

}  // namespace

WebIdentityOptions WebIdentityOptionsFromEnvironment() {
  WebIdentityOptions options;
  options.role_arn = Variable("AWS_ROLE_ARN");
  options.token_file = Variable("AWS_WEB_IDENTITY_TOKEN_FILE");
  options.session_name = Variable("AWS_ROLE_SESSION_NAME");
  options.region = Variable("AWS_REGION");
  if (options.region.empty()) options.region = Variable("AWS_DEFAULT_REGION");
  options.sts_endpoint_override = Variable("AWS_ENDPOINT_URL_STS");
  return options;
}

std::unique_ptr<CredentialsProvider> MakeWebIdentityCredentialsProvider(WebIdentityOptions options) {
  RefreshOptions refresh = options.refresh;
  return MakeRefreshingCredentialsProvider(std::make_unique<WebIdentitySource>(std::move(options)), refresh);
}

}  // namespace streamhook::aws
