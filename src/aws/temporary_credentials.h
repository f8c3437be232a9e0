// Temporary credentials, the way AWS users run streamhook: an assumed IAM role (with an external
// id, as Segment's and RudderStack's Kinesis destinations do), a web identity token (EKS service
// accounts), and EC2 instance metadata (IMDSv2). All three cache their credentials and refresh
// them in the background before they expire (see refreshing_credentials.h), so Get() blocks only
// for the first fetch, after Invalidate(), or when every refresh failed until expiry.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "aws/credentials.h"
#include "aws/refreshing_credentials.h"

namespace streamhook::aws {

struct AssumeRoleOptions {
  std::string role_arn;     // "arn:aws:iam::123456789012:role/streamhook-writer"
  std::string external_id;  // the sts:ExternalId the role's trust policy requires; empty: none
  std::string session_name = "streamhook";
  // STS region (the connector's region): https://sts.<region>.amazonaws.com, also the signing
  // region. Empty: the global endpoint, signed for us-east-1.
  std::string region;
  std::chrono::seconds duration = std::chrono::hours(1);  // 900..43200 s, within the role's maximum
  std::string sts_endpoint_override;                      // e.g. "http://127.0.0.1:4566" (tests)
  std::string ca_file;                                    // extra CA certificates (PEM) for STS
  RefreshOptions refresh;
};

// What MakeAssumeRoleCredentialsProvider's Get() would refuse without calling STS: the role ARN's
// shape, the session name, the external id's characters, the duration. For config validation.
Status CheckAssumeRoleOptions(const AssumeRoleOptions& options);

// Credentials of `options.role_arn`, assumed with sts:AssumeRole signed by `source` (called on each
// refresh; Invalidate() passes through to it). Get() errors name the role ARN and never contain a
// key, secret, token or the external id: PermissionDenied when STS refuses (trust policy, wrong or
// missing external id), Unauthenticated when the source credentials are rejected, Unavailable for
// throttling, 5xx and network failures, InvalidArgument for bad options; a source that fails
// passes its error on. Describe(): "role <arn> assumed with <source>".
std::unique_ptr<CredentialsProvider> MakeAssumeRoleCredentialsProvider(
    std::shared_ptr<CredentialsProvider> source, AssumeRoleOptions options);

struct WebIdentityOptions {
  std::string role_arn;
  std::string token_file;    // re-read on every refresh: the token rotates (hourly on EKS)
  std::string session_name;  // empty: "streamhook-<unix time>"
  std::string region;        // as in AssumeRoleOptions
  std::chrono::seconds duration = std::chrono::hours(1);
  std::string sts_endpoint_override;
  std::string ca_file;
  RefreshOptions refresh;
};

// Credentials from sts:AssumeRoleWithWebIdentity (unsigned; the token authenticates). Get() is
// NotFound when role_arn or token_file is empty, IoError when the token file cannot be read, else
// as for MakeAssumeRoleCredentialsProvider. Describe(): "web identity role <arn> (token file <path>)".
std::unique_ptr<CredentialsProvider> MakeWebIdentityCredentialsProvider(WebIdentityOptions options);

// The options as the AWS SDKs read them: AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN,
// AWS_ROLE_SESSION_NAME, region from AWS_REGION or AWS_DEFAULT_REGION, endpoint from
// AWS_ENDPOINT_URL_STS.
WebIdentityOptions WebIdentityOptionsFromEnvironment();

// A profile that assumes a role: role_arn with source_profile (keys or, chained, another role
// profile), credential_source (Environment, Ec2InstanceMetadata) or web_identity_token_file;
// external_id, role_session_name and duration_seconds as the AWS CLI reads them. STS region from
// ResolveRegion (AWS_REGION, else the profile's region; none: the global endpoint), endpoint from
// AWS_ENDPOINT_URL_STS. nullptr when the profile (argument, else AWS_PROFILE, else "default") has
// no role_arn, or a file is unreadable (then MakeProfileCredentialsProvider applies and says so).
// The files are read once, here; mistakes in them (a missing source profile, mfa_serial, a cycle)
// come back from Get() as InvalidArgument.
std::unique_ptr<CredentialsProvider> MakeProfileRoleCredentialsProvider(std::string profile = "");

struct InstanceMetadataOptions {
  std::string endpoint = "http://169.254.169.254";  // AWS_EC2_METADATA_SERVICE_ENDPOINT
  bool disabled = false;                            // AWS_EC2_METADATA_DISABLED=true
  // Short, so that a machine outside EC2 finds out quickly that nobody answers.
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(1);
  std::chrono::milliseconds request_timeout = std::chrono::seconds(3);
  RefreshOptions refresh;
};

// The options from the environment variables named above.
InstanceMetadataOptions InstanceMetadataOptionsFromEnvironment();

// The instance profile's role credentials from EC2 instance metadata, IMDSv2 only: a session token
// from PUT /latest/api/token, then the role name and its credentials from
// /latest/meta-data/iam/security-credentials/. Get() is NotFound when disabled, when nothing
// answers at the endpoint before any credentials were obtained (not on EC2), or when the instance
// has no role; Unavailable for later failures.
std::unique_ptr<CredentialsProvider> MakeInstanceMetadataCredentialsProvider(InstanceMetadataOptions options);

}  // namespace streamhook::aws
