// AWS credentials: where streamhook finds the keys it signs with, and the region it talks to.
//
// Sources, as the AWS CLI and SDKs know them: explicit keys (flags/config), environment variables,
// the shared credentials and config files (profiles), web identity and EC2 instance metadata.
// Assumed roles, web identity and instance metadata (temporary, refreshed credentials) are made in
// temporary_credentials.h. MakeDefaultCredentialsChain tries the sources in the documented order.
// Every message names where it looked and never contains a secret: key ids and secrets appear only
// through MaskAccessKeyId / MaskSecret.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace streamhook::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;                                        // empty for long-term keys
  std::optional<std::chrono::system_clock::time_point> expiration;  // for temporary credentials
};

// For logs and errors: "****" plus the last 4 characters, or just "****" when the secret is shorter
// than 12 characters (then 4 characters would give away too much of it).
std::string MaskSecret(std::string_view secret);
// "AKIA************MPLE": first and last 4 characters, the rest starred; "****" when shorter than 12.
std::string MaskAccessKeyId(std::string_view access_key_id);

class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  // The credentials to sign with now, or why there are none (message names where it looked,
  // never a secret). NotFound means "this source is not configured"; other codes mean it is
  // configured but broken (partial keys, unreadable file, expired), which a chain reports at once.
  // Thread-safe.
  virtual Result<Credentials> Get() = 0;
  // AWS rejected the credentials as expired: drop any cache so the next Get() reloads.
  virtual void Invalidate() {}
  // Where the credentials come from, e.g. "environment", "profile 'dev' in /root/.aws/credentials".
  virtual std::string Describe() const = 0;
};

// Always the given credentials. Get() fails (InvalidArgument) when the key id or the secret is empty.
std::unique_ptr<CredentialsProvider> MakeStaticCredentialsProvider(Credentials credentials);

// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, also the legacy AWS_ACCESS_KEY,
// AWS_SECRET_KEY and AWS_SECURITY_TOKEN names as the SDKs accept, and AWS_CREDENTIAL_EXPIRATION
// (ISO 8601). Read on every Get().
std::unique_ptr<CredentialsProvider> MakeEnvironmentCredentialsProvider();

// Shared credentials file (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials) and config file
// (AWS_CONFIG_FILE, default ~/.aws/config, sections "[profile NAME]" and "[default]"), profile from
// the argument, else AWS_PROFILE, else "default". Keys in the credentials file win over the config
// file for the same profile, as in the AWS CLI. Re-reads the files when they change (mtime, size or
// inode), so rotated keys apply. Paths and profile are fixed when the provider is made.
std::unique_ptr<CredentialsProvider> MakeProfileCredentialsProvider(std::string profile = "");

struct CredentialsChainOptions {
  std::string access_key_id, secret_access_key, session_token;  // explicit (e.g. from CLI flags/config)
  std::string profile;                                          // explicit --profile
};

// Explicit keys if given (either one); else an explicit profile if given; else, as the AWS SDKs:
// environment, web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), profile files, EC2
// instance metadata (unless AWS_EC2_METADATA_DISABLED=true). A profile with role_arn assumes that
// role (MakeProfileRoleCredentialsProvider). Get() fails with a message listing what was tried; a
// source that is configured but broken stops the chain with its own error instead of falling
// through to the next.
std::unique_ptr<CredentialsProvider> MakeDefaultCredentialsChain(CredentialsChainOptions options);

// The region: the flag if not empty, else AWS_REGION, else AWS_DEFAULT_REGION, else the profile's
// `region` in the config file (profile from the argument, else AWS_PROFILE, else "default").
// NotFound with a message saying where to set it if none; InvalidArgument if the name is not a
// plausible region (it becomes part of a host name).
Result<std::string> ResolveRegion(std::string_view flag, std::string_view profile = "");

}  // namespace streamhook::aws
