// Write keys: how a tracking request says which source it belongs to.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace streamhook::ingest {

// Maps a write key to its source id. Implemented by the config store; called once per request
// from any server thread, so implementations must be thread-safe and fast.
class WriteKeyResolver {
 public:
  virtual ~WriteKeyResolver() = default;
  // The id of the source with this write key, or nullopt when no source has it.
  virtual std::optional<std::string> SourceIdForWriteKey(std::string_view write_key) const = 0;
};

// The write key in an `Authorization: Basic base64("KEY:")` header value (Segment's libraries send
// the key as user name with an empty password; a non-empty password is ignored). nullopt when the
// header is absent, not Basic, not base64, or names an empty user.
std::optional<std::string> WriteKeyFromBasicAuth(std::string_view authorization);

}  // namespace streamhook::ingest
