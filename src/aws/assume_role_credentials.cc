// The assume-role provider: sts:AssumeRole with source credentials and an optional external id.
#include "aws/sts_client.h"
#include "aws/temporary_credentials.h"

namespace streamhook::aws {
namespace {

AssumeRoleRequest RequestFor(const AssumeRoleOptions& options) {
  return AssumeRoleRequest{options.role_arn, options.session_name, options.external_id, options.duration};
}

class AssumeRoleSource final : public CredentialsSource {
 public:
  AssumeRoleSource(std::shared_ptr<CredentialsProvider> source, AssumeRoleOptions options)
      : source_(std::move(source)), options_(std::move(options)) {
    sts_.region = options_.region;
    sts_.endpoint_override = options_.sts_endpoint_override;
    sts_.http.ca_file = options_.ca_file;
  }

  Result<Credentials> Fetch() override {
    if (!source_)
      return Status::InvalidArgument("no source credentials to assume role " + options_.role_arn + " with");
    if (Status status = CheckAssumeRoleOptions(options_); !status.ok()) return status;
    Result<Credentials> assumed = Status::Internal("not called");
    // Twice at most: when STS rejects the source credentials (expired session token, rotated keys),
    // reload them and try again.
    for (int attempt = 0; attempt < 2; ++attempt) {
      Result<Credentials> source = source_->Get();
      if (!source.ok()) {
        // The source's NotFound would make a chain skip this provider; it is configured, so no.
        return Status(source.status().code() == Status::Code::kNotFound
                          ? Status::Unauthenticated("no source credentials to assume role " +
                                                    options_.role_arn + ": " + source.status().message())
                          : source.status());
      }
      assumed = StsAssumeRole(sts_, *source, RequestFor(options_));
      if (assumed.ok() || assumed.status().code() != Status::Code::kUnauthenticated) break;
      source_->Invalidate();
    }
    return assumed;
  }

  void Invalidate() override {
    if (source_) source_->Invalidate();
  }

  std::string Describe() const override {
    return "role " + options_.role_arn + " assumed with " + (source_ ? source_->Describe() : "nothing");
  }

 private:
  const std::shared_ptr<CredentialsProvider> source_;
  const AssumeRoleOptions options_;
  StsOptions sts_;
};

}  // namespace

Status CheckAssumeRoleOptions(const AssumeRoleOptions& options) {
  return CheckAssumeRoleRequest(RequestFor(options));
}

std::unique_ptr<CredentialsProvider> MakeAssumeRoleCredentialsProvider(
    std::shared_ptr<CredentialsProvider> source, AssumeRoleOptions options) {
  RefreshOptions refresh = options.refresh;
  return MakeRefreshingCredentialsProvider(
      std::make_unique<AssumeRoleSource>(std::move(source), std::move(options)), refresh);
}

}  // namespace streamhook::aws
