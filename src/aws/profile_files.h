// The shared AWS files (~/.aws/credentials and ~/.aws/config): where they are and what profiles
// they hold. Used by the profile credentials provider and by ResolveRegion.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace streamhook::aws {

// One section's properties, keys lower-cased (as the AWS CLI's parser does).
using ProfileProperties = std::map<std::string, std::string, std::less<>>;
using IniSections = std::map<std::string, ProfileProperties, std::less<>>;

// Parses the INI dialect of the shared AWS files: "[section]" headers, "key = value" lines,
// whole-line comments starting with '#' or ';', and inline comments that follow whitespace.
// Indented lines continue the property above them (nested settings such as "s3 =" followed by
// "  max_concurrent_requests = 20") and are skipped. A section seen twice is merged, later keys
// winning. Errors name the line number but never the line's text, which may hold a secret.
Result<IniSections> ParseIni(std::string_view text);

struct ProfileFilePaths {
  std::filesystem::path credentials;  // AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials
  std::filesystem::path config;       // AWS_CONFIG_FILE, else ~/.aws/config
};

// The paths as the environment says now; a leading "~/" expands to $HOME (or the passwd entry).
ProfileFilePaths DefaultProfileFilePaths();

// The argument if not empty, else AWS_PROFILE, else "default".
std::string ResolveProfileName(std::string_view profile);

enum class ProfileFileKind {
  kCredentials,  // sections are profile names: "[dev]"
  kConfig,       // "[profile dev]" and "[default]"; other sections ("[sso-session x]") are skipped
};

struct ProfileFile {
  bool exists = false;
  std::map<std::string, ProfileProperties, std::less<>> profiles;  // profile name -> properties
};

// Reads and parses one file. A missing file is not an error (exists stays false); an unreadable or
// malformed one is, with the path in the message.
Result<ProfileFile> ReadProfileFile(const std::filesystem::path& path, ProfileFileKind kind);

}  // namespace streamhook::aws
