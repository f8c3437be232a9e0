// Random identifiers and tokens from OpenSSL's CSPRNG: ids for hooks and sources, generated write
// keys and admin tokens, and key material.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace streamhook::config {

// `count` bytes from RAND_bytes. Aborts if the CSPRNG fails: a silently weak key is worse than
// stopping, and OpenSSL 3 only fails when the OS has no entropy source at all.
std::string RandomBytes(size_t count);

// Base64url without padding (RFC 4648 section 5): safe in URLs, headers and shell arguments.
std::string Base64UrlEncode(std::string_view bytes);

// A random (version 4) UUID in lower-case hex, e.g. "3f2b8c1e-...": ids for hooks and sources.
std::string NewUuid();

// 32 random bytes, base64url: 43 characters, used for write keys and the admin token.
std::string NewRandomToken();

}  // namespace streamhook::config
