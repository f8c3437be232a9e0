// Masking, the static and environment providers, and region resolution. The profile provider is in
// profile_credentials.cc, the chain in credentials_chain.cc.
#include "aws/credentials.h"

#include <cstdlib>

#include "aws/profile_files.h"
#include "common/time_format.h"

namespace streamhook::aws {
namespace {

// Shorter secrets would give away too large a share of themselves in 4 characters.
constexpr size_t kMinLengthToShowPart = 12;

// The first variable of `names` that is set and not empty: {name, value}, or {"", ""}.
std::pair<std::string, std::string> FirstSetVariable(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const char* value = std::getenv(name);
    if (value && *value) return {name, value};
  }
  return {};
}

// Signing with credentials that are known to be expired only earns a rejection from AWS; say so
// here, where the source is known.
Status CheckNotExpired(const Credentials& credentials, std::string_view where) {
  if (!credentials.expiration || *credentials.expiration > std::chrono::system_clock::now())
    return Status::Ok();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(credentials.expiration->time_since_epoch())
          .count();
  return Status::Unauthenticated("the credentials from " + std::string(where) + " expired at " +
                                 FormatIso8601Millis(ms) + "; refresh them");
}

class StaticCredentialsProvider final : public CredentialsProvider {
 public:
  explicit StaticCredentialsProvider(Credentials credentials) : credentials_(std::move(credentials)) {}

  Result<Credentials> Get() override {
    if (credentials_.access_key_id.empty() && credentials_.secret_access_key.empty()) {
      return Status::InvalidArgument(
          "explicit AWS credentials have neither an access key id nor a secret key");
    }
    if (credentials_.secret_access_key.empty()) {
      return Status::InvalidArgument("the explicit AWS access key id " +
                                     MaskAccessKeyId(credentials_.access_key_id) +
                                     " was given without a secret access key");
    }
    if (credentials_.access_key_id.empty()) {
      return Status::InvalidArgument("an explicit AWS secret access key was given without an access key id");
    }
    if (Status status = CheckNotExpired(credentials_, Describe()); !status.ok()) return status;
    return credentials_;
  }

  std::string Describe() const override {
    return "explicit access key " + MaskAccessKeyId(credentials_.access_key_id);
  }

 private:
  const Credentials credentials_;
};

class EnvironmentCredentialsProvider final : public CredentialsProvider {
 public:
  Result<Credentials> Get() override {
    auto [key_name, key] = FirstSetVariable({"AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"});
    auto [secret_name, secret] = FirstSetVariable({"AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"});
    if (key.empty() && secret.empty()) {
      return Status::NotFound("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
    }
    if (secret.empty()) {
      return Status::InvalidArgument(key_name + " is set (" + MaskAccessKeyId(key) +
                                     ") but AWS_SECRET_ACCESS_KEY is not");
    }
    if (key.empty()) return Status::InvalidArgument(secret_name + " is set but AWS_ACCESS_KEY_ID is not");

    Credentials credentials;
    credentials.access_key_id = std::move(key);
    credentials.secret_access_key = std::move(secret);
    credentials.session_token = FirstSetVariable({"AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"}).second;
    const std::string expiration = FirstSetVariable({"AWS_CREDENTIAL_EXPIRATION"}).second;
    if (!expiration.empty()) {
      const std::optional<int64_t> ms = ParseIso8601Millis(expiration);
      if (!ms) {
        return Status::InvalidArgument(
            "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time such as "
            "2026-11-23T12:00:00Z");
      }
      credentials.expiration = std::chrono::system_clock::time_point(std::chrono::milliseconds(*ms));
    }
    if (Status status = CheckNotExpired(credentials, "the environment"); !status.ok()) return status;
    return credentials;
  }

  std::string Describe() const override { return "environment"; }
};

// Region names go into host names (kinesis.<region>.amazonaws.com), so only what AWS uses passes:
// lower-case letters, digits and dashes, starting with a letter.
Result<std::string> CheckRegion(std::string_view region, std::string_view where) {
  bool valid = !region.empty() && region.size() <= 64 && region.front() >= 'a' && region.front() <= 'z' &&
               region.back() != '-';
  for (char c : region) valid = valid && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  if (!valid) {
    const std::string shown(region.substr(0, 64));
    return Status::InvalidArgument("the region '" + shown + "' from " + std::string(where) +
                                   " is not an AWS region name such as eu-central-1");
  }
  return std::string(region);
}

}  // namespace

std::string MaskSecret(std::string_view secret) {
  if (secret.size() < kMinLengthToShowPart) return "****";
  return "****" + std::string(secret.substr(secret.size() - 4));
}

std::string MaskAccessKeyId(std::string_view access_key_id) {
  if (access_key_id.size() < kMinLengthToShowPart) return "****";
  return std::string(access_key_id.substr(0, 4)) + std::string(access_key_id.size() - 8, '*') +
         std::string(access_key_id.substr(access_key_id.size() - 4));
}

std::unique_ptr<CredentialsProvider> MakeStaticCredentialsProvider(Credentials credentials) {
  return std::make_unique<StaticCredentialsProvider>(std::move(credentials));
}

std::unique_ptr<CredentialsProvider> MakeEnvironmentCredentialsProvider() {
  return std::make_unique<EnvironmentCredentialsProvider>();
}

Result<std::string> ResolveRegion(std::string_view flag, std::string_view profile) {
  if (!flag.empty()) return CheckRegion(flag, "the region setting");
  for (const char* variable : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    const auto [name, value] = FirstSetVariable({variable});
    if (!value.empty()) return CheckRegion(value, name);
  }
  const ProfileFilePaths paths = DefaultProfileFilePaths();
  const std::string profile_name = ResolveProfileName(profile);
  auto config = ReadProfileFile(paths.config, ProfileFileKind::kConfig);
  if (!config.ok()) return config.status();
  const std::string where = "profile '" + profile_name + "' in " + paths.config.string();
  if (const auto it = config->profiles.find(profile_name); it != config->profiles.end()) {
    if (const auto region = it->second.find("region");
        region != it->second.end() && !region->second.empty()) {
      return CheckRegion(region->second, where);
    }
  }
  return Status::NotFound(
      "no AWS region configured: set the region option, or AWS_REGION, or `region = ...` in " + where +
      (config->exists ? "" : " (the file does not exist)"));
}

}  // namespace streamhook::aws
