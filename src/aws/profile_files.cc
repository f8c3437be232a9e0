#include "aws/profile_files.h"

#include <fcntl.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

namespace streamhook::aws {
namespace {

bool IsBlank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (IsBlank(text.front()) || text.front() == '\r')) text.remove_prefix(1);
  while (!text.empty() && (IsBlank(text.back()) || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// Cuts an inline comment: '#' or ';' that follows whitespace. Values such as secret keys never
// contain whitespace, so this cannot cut into them.
std::string_view StripInlineComment(std::string_view value) {
  for (size_t i = 1; i < value.size(); ++i) {
    if ((value[i] == '#' || value[i] == ';') && IsBlank(value[i - 1])) return Trim(value.substr(0, i));
  }
  return value;
}

std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string EnvOrEmpty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::filesystem::path HomeDirectory() {
  std::string home = EnvOrEmpty("HOME");
  if (!home.empty()) return home;
  // No HOME (e.g. a service started without one): ask the passwd database.
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  if (getpwuid_r(getuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found && found->pw_dir) {
    return found->pw_dir;
  }
  return "/";
}

std::filesystem::path ExpandHome(const std::string& path) {
  if (path == "~") return HomeDirectory();
  if (path.rfind("~/", 0) == 0) return HomeDirectory() / path.substr(2);
  return path;
}

// The profile a config-file section describes, or nullopt for sections that are not profiles.
std::optional<std::string> ConfigSectionProfile(std::string_view section) {
  if (section == "default") return std::string(section);
  constexpr std::string_view kPrefix = "profile";
  if (section.size() > kPrefix.size() && section.substr(0, kPrefix.size()) == kPrefix &&
      IsBlank(section[kPrefix.size()])) {
    const std::string_view name = Trim(section.substr(kPrefix.size()));
    if (!name.empty()) return std::string(name);
  }
  return std::nullopt;
}

}  // namespace

Result<IniSections> ParseIni(std::string_view text) {
  IniSections sections;
  ProfileProperties* section = nullptr;
  bool after_property = false;
  int line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    const std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    const std::string where = "line " + std::to_string(line_number) + ": ";
    if (line.front() == '[') {
      const size_t close = line.find(']');
      if (close == std::string_view::npos)
        return Status::InvalidArgument(where + "a section header needs a ']'");
      const std::string_view rest = Trim(line.substr(close + 1));
      if (!rest.empty() && rest.front() != '#' && rest.front() != ';') {
        return Status::InvalidArgument(where + "unexpected text after the section header");
      }
      const std::string_view name = Trim(line.substr(1, close - 1));
      if (name.empty()) return Status::InvalidArgument(where + "empty section name");
      section = &sections[std::string(name)];
      after_property = false;
      continue;
    }
    if (IsBlank(raw.front()) && after_property) continue;  // nested setting or continued value
    if (!section) return Status::InvalidArgument(where + "a setting before any [section] header");
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) return Status::InvalidArgument(where + "expected 'name = value'");
    const std::string_view key = Trim(line.substr(0, eq));
    if (key.empty()) return Status::InvalidArgument(where + "a setting without a name");
    (*section)[LowerAscii(key)] = std::string(StripInlineComment(Trim(line.substr(eq + 1))));
    after_property = true;
  }
  return sections;
}

ProfileFilePaths DefaultProfileFilePaths() {
  ProfileFilePaths paths;
  const std::string credentials = EnvOrEmpty("AWS_SHARED_CREDENTIALS_FILE");
  const std::string config = EnvOrEmpty("AWS_CONFIG_FILE");
  paths.credentials =
      credentials.empty() ? HomeDirectory() / ".aws" / "credentials" : ExpandHome(credentials);
  paths.config = config.empty() ? HomeDirectory() / ".aws" / "config" : ExpandHome(config);
  return paths;
}

std::string ResolveProfileName(std::string_view profile) {
  if (!profile.empty()) return std::string(profile);
  std::string from_env = EnvOrEmpty("AWS_PROFILE");
  return from_env.empty() ? "default" : from_env;
}

Result<ProfileFile> ReadProfileFile(const std::filesystem::path& path, ProfileFileKind kind) {
  ProfileFile file;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return file;
    return Status::IoError("cannot read " + path.string() + ": " + std::strerror(errno));
  }
  std::string text;
  char buffer[8192];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      return Status::IoError("cannot read " + path.string() + ": " + std::strerror(error));
    }
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  file.exists = true;

  auto sections = ParseIni(text);
  if (!sections.ok()) {
    return Status::InvalidArgument("cannot parse " + path.string() + ": " + sections.status().message());
  }
  for (auto& [name, properties] : *sections) {
    std::optional<std::string> profile =
        kind == ProfileFileKind::kCredentials ? std::optional<std::string>(name) : ConfigSectionProfile(name);
    if (!profile) continue;
    // "[default]" and "[profile default]" may both appear in a config file: merge them.
    auto& merged = file.profiles[*profile];
    for (auto& [key, value] : properties) merged[key] = std::move(value);
  }
  return file;
}

}  // namespace streamhook::aws
