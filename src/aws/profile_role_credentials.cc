// Profiles that assume a role, as the AWS CLI reads them from ~/.aws/config:
//
//   [profile writer]
//   role_arn = arn:aws:iam::123456789012:role/streamhook-writer
//   source_profile = base            (or credential_source = Environment | Ec2InstanceMetadata)
//   external_id = customer-42        role_session_name = ...   duration_seconds = 3600
//
// and role_arn with web_identity_token_file. A source profile may itself assume a role (chained
// roles); a profile naming itself as source uses its own keys.
#include <cstdlib>
#include <set>

#include "aws/profile_files.h"
#include "aws/temporary_credentials.h"

namespace streamhook::aws {
namespace {

// Longer source_profile chains than this are surely a mistake (the AWS CLI has no limit).
constexpr int kMaxChain = 5;

struct Files {
  ProfileFilePaths paths;
  ProfileFile credentials, config;
};

std::string Lookup(const ProfileProperties& properties, std::string_view key) {
  const auto it = properties.find(key);
  return it == properties.end() ? std::string() : it->second;
}

// The profile's properties from both files, the credentials file's winning; nullopt when absent.
std::optional<ProfileProperties> Merged(const Files& files, const std::string& name) {
  std::optional<ProfileProperties> merged;
  for (const ProfileFile* file : {&files.config, &files.credentials}) {
    const auto it = file->profiles.find(name);
    if (it == file->profiles.end()) continue;
    if (!merged) merged.emplace();
    for (const auto& [key, value] : it->second) (*merged)[key] = value;
  }
  return merged;
}

// Get() answers with the error found while reading the profile.
class BrokenProfileProvider final : public CredentialsProvider {
 public:
  BrokenProfileProvider(Status status, std::string where)
      : status_(std::move(status)), where_(std::move(where)) {}
  Result<Credentials> Get() override { return status_; }
  std::string Describe() const override { return where_; }

 private:
  const Status status_;
  const std::string where_;
};

class ProfileRoleBuilder {
 public:
  ProfileRoleBuilder(Files files, std::string region) : files_(std::move(files)), region_(std::move(region)) {
    const char* endpoint = std::getenv("AWS_ENDPOINT_URL_STS");
    endpoint_ = endpoint ? endpoint : "";
  }

  std::string Where(const std::string& name) const {
    return "profile '" + name + "' in " + files_.paths.config.string();
  }

  // The provider for `name`, whose properties have a role_arn.
  Result<std::unique_ptr<CredentialsProvider>> Role(const std::string& name, const ProfileProperties& profile,
                                                    int depth) {
    const std::string where = Where(name);
    if (depth > kMaxChain) {
      return Status::InvalidArgument(where + " starts a source_profile chain longer than " +
                                     std::to_string(kMaxChain) + " profiles (is there a cycle?)");
    }
    if (profile.contains("mfa_serial")) {
      return Status::InvalidArgument(where +
                                     " sets mfa_serial: assuming that role needs an MFA code typed in, " +
                                     "which a server cannot do");
    }
    AssumeRoleOptions options;
    options.role_arn = Lookup(profile, "role_arn");
    options.external_id = Lookup(profile, "external_id");
    if (const std::string session = Lookup(profile, "role_session_name"); !session.empty()) {
      options.session_name = session;
    }
    if (const std::string duration = Lookup(profile, "duration_seconds"); !duration.empty()) {
      char* end = nullptr;
      const long seconds = std::strtol(duration.c_str(), &end, 10);
      if (*end != '\0' || seconds <= 0) {
        return Status::InvalidArgument(where + " has duration_seconds = '" + duration +
                                       "', not a number of seconds");
      }
      options.duration = std::chrono::seconds(seconds);
    }
    options.region = region_;
    options.sts_endpoint_override = endpoint_;
    if (Status status = CheckAssumeRoleOptions(options); !status.ok()) {
      return Status::InvalidArgument(where + ": " + status.message());
    }

    if (const std::string token_file = Lookup(profile, "web_identity_token_file"); !token_file.empty()) {
      WebIdentityOptions web;
      web.role_arn = options.role_arn;
      web.token_file = token_file;
      web.session_name = Lookup(profile, "role_session_name");
      web.region = region_;
      web.duration = options.duration;
      web.sts_endpoint_override = endpoint_;
      return MakeWebIdentityCredentialsProvider(std::move(web));
    }
    auto source = Source(name, profile, depth);
    if (!source.ok()) return source.status();
    return MakeAssumeRoleCredentialsProvider(std::move(*source), std::move(options));
  }

 private:
  // The credentials a role profile assumes its role with.
  Result<std::unique_ptr<CredentialsProvider>> Source(const std::string& name,
                                                      const ProfileProperties& profile, int depth) {
    const std::string where = Where(name);
    const std::string source_profile = Lookup(profile, "source_profile");
    const std::string credential_source = Lookup(profile, "credential_source");
    if (source_profile.empty() == credential_source.empty()) {
      return Status::InvalidArgument(where + " sets role_arn, so it needs exactly one of source_profile, " +
                                     "credential_source and web_identity_token_file");
    }
    if (credential_source == "Environment") return MakeEnvironmentCredentialsProvider();
    if (credential_source == "Ec2InstanceMetadata") {
      return MakeInstanceMetadataCredentialsProvider(InstanceMetadataOptionsFromEnvironment());
    }
    if (!credential_source.empty()) {
      return Status::InvalidArgument(where + " has credential_source = " + credential_source.substr(0, 64) +
                                     "; streamhook supports Environment and Ec2InstanceMetadata");
    }
    if (source_profile == name) {  // its own keys, as the AWS CLI allows
      Credentials keys{Lookup(profile, "aws_access_key_id"), Lookup(profile, "aws_secret_access_key"),
                       Lookup(profile, "aws_session_token"), std::nullopt};
      if (keys.access_key_id.empty() || keys.secret_access_key.empty()) {
        return Status::InvalidArgument(where + " is its own source_profile but lacks aws_access_key_id or " +
                                       "aws_secret_access_key");
      }
      return MakeStaticCredentialsProvider(std::move(keys));
    }
    const std::optional<ProfileProperties> source = Merged(files_, source_profile);
    if (!source) {
      return Status::InvalidArgument(where + " names source_profile '" + source_profile +
                                     "', which is in neither " + files_.paths.credentials.string() + " nor " +
                                     files_.paths.config.string());
    }
    if (source->contains("role_arn")) return Role(source_profile, *source, depth + 1);  // chained roles
    // Plain keys: the profile provider re-reads the files, so rotated source keys apply.
    return MakeProfileCredentialsProvider(source_profile);
  }

  const Files files_;
  const std::string region_;
  std::string endpoint_;
};

}  // namespace

std::unique_ptr<CredentialsProvider> MakeProfileRoleCredentialsProvider(std::string profile) {
  const std::string name = ResolveProfileName(profile);
  Files files;
  files.paths = DefaultProfileFilePaths();
  auto credentials = ReadProfileFile(files.paths.credentials, ProfileFileKind::kCredentials);
  auto config = ReadProfileFile(files.paths.config, ProfileFileKind::kConfig);
  // Unreadable files are reported by the profile provider, which the caller falls back to.
  if (!credentials.ok() || !config.ok()) return nullptr;
  files.credentials = std::move(*credentials);
  files.config = std::move(*config);
  const std::optional<ProfileProperties> properties = Merged(files, name);
  if (!properties || !properties->contains("role_arn")) return nullptr;

  auto region = ResolveRegion("", name);  // AWS_REGION, else the profile's region; else global STS
  ProfileRoleBuilder builder(std::move(files), region.ok() ? *region : std::string());
  auto provider = builder.Role(name, *properties, 1);
  if (!provider.ok()) return std::make_unique<BrokenProfileProvider>(provider.status(), builder.Where(name));
  return std::move(*provider);
}

}  // namespace streamhook::aws
