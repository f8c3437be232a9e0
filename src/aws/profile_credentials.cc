// The profile credentials provider: keys from the shared credentials and config files, re-read
// when either file changes so that rotated keys apply without a restart.
#include <sys/stat.h>

#include <mutex>
#include <set>

#include "aws/credentials.h"
#include "aws/profile_files.h"

namespace streamhook::aws {
namespace {

// Enough of a file's identity to notice a rewrite: in place (mtime, size) or by rename (inode).
struct FileStamp {
  bool exists = false;
  int64_t mtime_ns = 0;
  int64_t size = 0;
  uint64_t inode = 0;
  uint64_t device = 0;

  bool operator==(const FileStamp&) const = default;
};

FileStamp StampOf(const std::filesystem::path& path) {
  FileStamp stamp;
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return stamp;
  stamp.exists = true;
  stamp.mtime_ns = static_cast<int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
  stamp.size = static_cast<int64_t>(info.st_size);
  stamp.inode = info.st_ino;
  stamp.device = info.st_dev;
  return stamp;
}

std::string Lookup(const ProfileProperties& properties, std::string_view key) {
  const auto it = properties.find(key);
  return it == properties.end() ? std::string() : it->second;
}

class ProfileCredentialsProvider final : public CredentialsProvider {
 public:
  ProfileCredentialsProvider(std::string profile, ProfileFilePaths paths)
      : profile_(std::move(profile)), paths_(std::move(paths)) {}

  Result<Credentials> Get() override {
    // Stat before reading: a change after the stat shows up as a new stamp on the next call.
    const FileStamp credentials_stamp = StampOf(paths_.credentials);
    const FileStamp config_stamp = StampOf(paths_.config);
    std::lock_guard lock(mutex_);
    if (!cached_ || credentials_stamp != credentials_stamp_ || config_stamp != config_stamp_) {
      cached_ = Load();
      credentials_stamp_ = credentials_stamp;
      config_stamp_ = config_stamp;
    }
    return *cached_;
  }

  void Invalidate() override {
    std::lock_guard lock(mutex_);
    cached_.reset();
  }

  std::string Describe() const override {
    std::lock_guard lock(mutex_);
    return "profile '" + profile_ + "' in " + source_;
  }

 private:
  // Reads both files; the caller holds mutex_.
  Result<Credentials> Load() {
    source_ = paths_.credentials.string() + " or " + paths_.config.string();
    auto credentials_file = ReadProfileFile(paths_.credentials, ProfileFileKind::kCredentials);
    if (!credentials_file.ok()) return credentials_file.status();
    auto config_file = ReadProfileFile(paths_.config, ProfileFileKind::kConfig);
    if (!config_file.ok()) return config_file.status();
    if (!credentials_file->exists && !config_file->exists) {
      return Status::NotFound("no shared credentials file at " + paths_.credentials.string() +
                              " and no config file at " + paths_.config.string());
    }

    // Config first, then the credentials file on top: its keys win, as in the AWS CLI.
    ProfileProperties merged;
    bool found = false;
    std::string access_key_source;
    for (const auto* file : {&*config_file, &*credentials_file}) {
      const auto it = file->profiles.find(profile_);
      if (it == file->profiles.end()) continue;
      found = true;
      const bool is_config = file == &*config_file;
      if (it->second.contains("aws_access_key_id")) {
        access_key_source = (is_config ? paths_.config : paths_.credentials).string();
      }
      for (const auto& [key, value] : it->second) merged[key] = value;
    }
    if (!found) return Status::NotFound(NotFoundMessage(*credentials_file, *config_file));
    source_ = access_key_source.empty() ? source_ : access_key_source;

    Credentials credentials;
    credentials.access_key_id = Lookup(merged, "aws_access_key_id");
    credentials.secret_access_key = Lookup(merged, "aws_secret_access_key");
    credentials.session_token = Lookup(merged, "aws_session_token");
    if (credentials.session_token.empty()) credentials.session_token = Lookup(merged, "aws_security_token");
    const std::string where = "profile '" + profile_ + "' in " + source_;
    if (credentials.access_key_id.empty() && credentials.secret_access_key.empty()) {
      for (const char* unsupported : {"role_arn", "credential_process", "sso_session", "sso_start_url",
                                      "web_identity_token_file", "login_session"}) {
        if (merged.contains(unsupported)) {
          return Status::InvalidArgument(
              where + " uses " + unsupported +
              ", which streamhook does not support; give the profile "
              "aws_access_key_id and aws_secret_access_key, or pass keys explicitly");
        }
      }
      return Status::NotFound(where + " has no aws_access_key_id and aws_secret_access_key");
    }
    if (credentials.secret_access_key.empty()) {
      return Status::InvalidArgument(where + " sets aws_access_key_id (" +
                                     MaskAccessKeyId(credentials.access_key_id) +
                                     ") but not aws_secret_access_key");
    }
    if (credentials.access_key_id.empty()) {
      return Status::InvalidArgument(where + " sets aws_secret_access_key but not aws_access_key_id");
    }
    return credentials;
  }

  std::string NotFoundMessage(const ProfileFile& credentials_file, const ProfileFile& config_file) const {
    std::string message = "profile '" + profile_ + "' not found in ";
    std::set<std::string> available;
    for (const auto* file : {&credentials_file, &config_file}) {
      if (!file->exists) continue;
      if (file == &config_file && credentials_file.exists) message += " or ";
      message += (file == &config_file ? paths_.config : paths_.credentials).string();
      for (const auto& entry : file->profiles) available.insert(entry.first);
    }
    if (available.empty()) return message + " (no profiles there)";
    message += " (profiles there:";
    for (const auto& name : available) message += " '" + name + "'";
    return message + ")";
  }

  const std::string profile_;
  const ProfileFilePaths paths_;
  mutable std::mutex mutex_;
  std::optional<Result<Credentials>> cached_;
  FileStamp credentials_stamp_;
  FileStamp config_stamp_;
  std::string source_ = paths_.credentials.string() + " or " + paths_.config.string();
};

}  // namespace

std::unique_ptr<CredentialsProvider> MakeProfileCredentialsProvider(std::string profile) {
  return std::make_unique<ProfileCredentialsProvider>(ResolveProfileName(profile), DefaultProfileFilePaths());
}

}  // namespace streamhook::aws
