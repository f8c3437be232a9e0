// The default credentials chain: explicit keys, else an explicit profile, else the environment,
// web identity, the profile files and EC2 instance metadata, in the order the AWS SDKs use.
#include <atomic>
#include <vector>

#include "aws/credentials.h"
#include "aws/temporary_credentials.h"

namespace streamhook::aws {
namespace {

class CredentialsChain final : public CredentialsProvider {
 public:
  explicit CredentialsChain(std::vector<std::unique_ptr<CredentialsProvider>> providers)
      : providers_(std::move(providers)) {}

  Result<Credentials> Get() override {
    std::string tried;
    for (size_t i = 0; i < providers_.size(); ++i) {
      Result<Credentials> credentials = providers_[i]->Get();
      if (credentials.ok()) {
        last_used_.store(static_cast<int>(i), std::memory_order_relaxed);
        return credentials;
      }
      // Configured but broken (partial keys, unreadable file): falling through to another source
      // would sign with keys the user did not mean, so report it.
      if (credentials.status().code() != Status::Code::kNotFound) return credentials.status();
      tried += (tried.empty() ? "" : "; ") + providers_[i]->Describe() + " (" +
               credentials.status().message() + ")";
    }
    return Status::NotFound("no AWS credentials found; tried " + tried +
                            ". Give keys explicitly, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                            "or add aws_access_key_id and aws_secret_access_key to the profile, or run "
                            "with a web identity token or an EC2 instance role");
  }

  void Invalidate() override {
    for (auto& provider : providers_) provider->Invalidate();
  }

  std::string Describe() const override {
    const int last = last_used_.load(std::memory_order_relaxed);
    if (last >= 0) return providers_[static_cast<size_t>(last)]->Describe();
    std::string sources;
    for (const auto& provider : providers_)
      sources += (sources.empty() ? "" : ", then ") + provider->Describe();
    return sources;
  }

 private:
  const std::vector<std::unique_ptr<CredentialsProvider>> providers_;
  std::atomic<int> last_used_{-1};  // which provider answered last, for Describe()
};

// A profile that assumes a role, else the plain profile provider (keys, re-read on change).
std::unique_ptr<CredentialsProvider> ProfileProvider(std::string profile) {
  if (auto role = MakeProfileRoleCredentialsProvider(profile)) return role;
  return MakeProfileCredentialsProvider(std::move(profile));
}

}  // namespace

std::unique_ptr<CredentialsProvider> MakeDefaultCredentialsChain(CredentialsChainOptions options) {
  if (!options.access_key_id.empty() || !options.secret_access_key.empty() ||
      !options.session_token.empty()) {
    return MakeStaticCredentialsProvider(Credentials{std::move(options.access_key_id),
                                                     std::move(options.secret_access_key),
                                                     std::move(options.session_token), std::nullopt});
  }
  // An explicit profile overrides the environment, as `aws --profile` does.
  if (!options.profile.empty()) return ProfileProvider(std::move(options.profile));
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  providers.push_back(MakeEnvironmentCredentialsProvider());
  providers.push_back(MakeWebIdentityCredentialsProvider(WebIdentityOptionsFromEnvironment()));
  providers.push_back(ProfileProvider(""));
  // Last: outside EC2 it costs a connection attempt (up to the 1 s connect timeout, then its
  // NotFound is held for a minute).
  providers.push_back(MakeInstanceMetadataCredentialsProvider(InstanceMetadataOptionsFromEnvironment()));
  return std::make_unique<CredentialsChain>(std::move(providers));
}

}  // namespace streamhook::aws
