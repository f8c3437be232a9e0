// The two process-wide secrets and where they come from: the master key (encrypts secrets in
// config.db) and the admin token (authorizes /admin/v1). Each is taken from the environment when
// set, else from a file in the data directory that is created 0600 with a random value on first
// start. `created` tells the caller to print the new value once; it is never logged afterwards.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace streamhook::config {

inline constexpr const char* kMasterKeyEnv = "STREAMHOOK_MASTER_KEY";
inline constexpr const char* kAdminTokenEnv = "STREAMHOOK_ADMIN_TOKEN";
inline constexpr const char* kMasterKeyFile = "master.key";
inline constexpr const char* kAdminTokenFile = "admin.token";

struct LoadedSecret {
  std::string value;     // the secret itself (for the master key: 32 raw bytes)
  bool created = false;  // true when this call generated it and wrote the file
  std::string origin;    // where it came from, for messages: "STREAMHOOK_MASTER_KEY" or a file path
};

// Reads the secret stored in `path` (surrounding whitespace trimmed), or, when the file does not
// exist, writes `generate()` + "\n" to it with mode 0600 (O_EXCL, fsync) and returns it with
// created = true. Creates missing parent directories (0700). Errors when the file is empty,
// unreadable, or readable by group/others (a leaked secret; the message says to chmod 600).
Result<LoadedSecret> LoadOrCreateSecretFile(const std::filesystem::path& path,
                                            const std::function<std::string()>& generate);

// Parses a master key as written by people: 64 hex digits, or base64 (standard or url-safe) of 32
// bytes. InvalidArgument naming both accepted forms otherwise; the bad value is never echoed.
Result<std::string> ParseMasterKey(std::string_view text);

// The master key (32 raw bytes): from `env_value` when set and non-empty, else
// <data_dir>/master.key, created with 64 random hex digits on first start.
Result<LoadedSecret> LoadMasterKey(const std::filesystem::path& data_dir,
                                   std::optional<std::string_view> env_value);
// Same, with env_value = $STREAMHOOK_MASTER_KEY.
Result<LoadedSecret> LoadMasterKey(const std::filesystem::path& data_dir);

// The admin token: from `env_value` when set and non-empty, else <data_dir>/admin.token, created
// with 32 random bytes base64url on first start. A token shorter than 16 characters is refused.
Result<LoadedSecret> LoadAdminToken(const std::filesystem::path& data_dir,
                                    std::optional<std::string_view> env_value);
// Same, with env_value = $STREAMHOOK_ADMIN_TOKEN.
Result<LoadedSecret> LoadAdminToken(const std::filesystem::path& data_dir);

}  // namespace streamhook::config
