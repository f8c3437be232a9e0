#include "config/secret_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/encoding.h"
#include "config/random_tokens.h"

namespace streamhook::config {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMinAdminTokenLength = 16;

std::string_view Trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string ErrnoText() {
  return std::strerror(errno);
}

std::optional<std::string_view> EnvValue(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string_view(value);
}

std::optional<std::string> DecodeHex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 2);
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < text.size(); i += 2) {
    const int hi = nibble(text[i]);
    const int lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

// Writes a new file with O_EXCL so two processes starting together cannot both create one.
// Sets *lost_race (and writes nothing) when the file appeared meanwhile.
Status WriteNewSecretFile(const fs::path& path, const std::string& contents, bool* lost_race) {
  *lost_race = false;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      *lost_race = true;
      return Status::Ok();
    }
    return Status::IoError("cannot create " + path.string() + ": " + ErrnoText());
  }
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string error = ErrnoText();
      ::close(fd);
      ::unlink(path.c_str());
      return Status::IoError("cannot write " + path.string() + ": " + error);
    }
    written += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) {
    ::unlink(path.c_str());
    return Status::IoError("cannot fsync " + path.string() + ": " + ErrnoText());
  }
  // Make the new directory entry durable too, so a crash cannot lose a key already in use.
  const int dir_fd =
      ::open(path.parent_path().empty() ? "." : path.parent_path().c_str(), O_RDONLY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

Result<std::string> ReadSecretFile(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Status::IoError("cannot stat " + path.string() + ": " + ErrnoText());
  if ((st.st_mode & 077) != 0) {
    return Status::PermissionDenied(path.string() + " is accessible by group or others; run `chmod 600 " +
                                    path.string() + "` (it holds a secret)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read " + path.string() + ": " + ErrnoText());
  std::ostringstream contents;
  contents << in.rdbuf();
  const std::string text = contents.str();
  const std::string_view trimmed = Trim(text);
  if (trimmed.empty()) {
    return Status::InvalidArgument(path.string() + " is empty; delete it to have a new secret generated");
  }
  return std::string(trimmed);
}

}  // namespace

Result<LoadedSecret> LoadOrCreateSecretFile(const fs::path& path,
                                            const std::function<std::string()>& generate) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    const fs::path dir = path.parent_path();
    if (!dir.empty() && !fs::exists(dir, ec)) {
      fs::create_directories(dir, ec);
      if (ec) return Status::IoError("cannot create directory " + dir.string() + ": " + ec.message());
      fs::permissions(dir, fs::perms::owner_all, ec);
    }
    const std::string value = generate();
    bool lost_race = false;
    Status written = WriteNewSecretFile(path, value + "\n", &lost_race);
    if (!written.ok()) return written;
    if (!lost_race) return LoadedSecret{value, true, path.string()};
  }
  Result<std::string> value = ReadSecretFile(path);
  if (!value.ok()) return value.status();
  return LoadedSecret{std::move(value).value(), false, path.string()};
}

Result<std::string> ParseMasterKey(std::string_view text) {
  text = Trim(text);
  std::optional<std::string> key;
  if (text.size() == 64) key = DecodeHex(text);
  if (!key) {
    std::string standard(text);
    for (char& c : standard) {
      if (c == '-') c = '+';
      if (c == '_') c = '/';
    }
    key = Base64Decode(standard);
  }
  if (!key || key->size() != 32) {
    return Status::InvalidArgument(
        "the master key must be 64 hex digits or the base64 of 32 bytes (generate one with "
        "`openssl rand -hex 32`)");
  }
  return std::move(*key);
}

Result<LoadedSecret> LoadMasterKey(const fs::path& data_dir, std::optional<std::string_view> env_value) {
  if (env_value && !env_value->empty()) {
    Result<std::string> key = ParseMasterKey(*env_value);
    if (!key.ok()) return Status::InvalidArgument(std::string(kMasterKeyEnv) + ": " + key.status().message());
    return LoadedSecret{std::move(key).value(), false, kMasterKeyEnv};
  }
  Result<LoadedSecret> file =
      LoadOrCreateSecretFile(data_dir / kMasterKeyFile, [] { return HexEncode(RandomBytes(32)); });
  if (!file.ok()) return file.status();
  Result<std::string> key = ParseMasterKey(file->value);
  if (!key.ok()) return Status::InvalidArgument(file->origin + ": " + key.status().message());
  file->value = std::move(key).value();
  return file;
}

Result<LoadedSecret> LoadMasterKey(const fs::path& data_dir) {
  return LoadMasterKey(data_dir, EnvValue(kMasterKeyEnv));
}

Result<LoadedSecret> LoadAdminToken(const fs::path& data_dir, std::optional<std::string_view> env_value) {
  const bool from_env = env_value && !env_value->empty();
  Result<LoadedSecret> token =
      from_env ? Result<LoadedSecret>(LoadedSecret{std::string(Trim(*env_value)), false, kAdminTokenEnv})
               : LoadOrCreateSecretFile(data_dir / kAdminTokenFile, NewRandomToken);
  if (!token.ok()) return token;
  if (token->value.size() < kMinAdminTokenLength) {
    return Status::InvalidArgument(token->origin + ": the admin token must be at least " +
                                   std::to_string(kMinAdminTokenLength) + " characters long");
  }
  return token;
}

Result<LoadedSecret> LoadAdminToken(const fs::path& data_dir) {
  return LoadAdminToken(data_dir, EnvValue(kAdminTokenEnv));
}

}  // namespace streamhook::config
