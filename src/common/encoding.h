// Byte encodings used on the wire: base64 (Kinesis Data), hex (SigV4), and digests.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace streamhook {

// Standard base64 with padding (RFC 4648 section 4), as Kinesis JSON carries record data.
std::string Base64Encode(std::string_view bytes);
// Appends the encoding to *out; avoids a temporary on hot paths.
void Base64EncodeAppend(std::string_view bytes, std::string* out);
// Decodes standard base64 (padding optional, no whitespace). nullopt when the input is not base64.
std::optional<std::string> Base64Decode(std::string_view text);

// Lower-case hex of the bytes.
std::string HexEncode(std::string_view bytes);

using Sha256Digest = std::array<uint8_t, 32>;
using Md5Digest = std::array<uint8_t, 16>;

Sha256Digest Sha256(std::string_view bytes);
Sha256Digest HmacSha256(std::string_view key, std::string_view message);
Md5Digest Md5(std::string_view bytes);

inline std::string_view AsBytes(const Sha256Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}
inline std::string_view AsBytes(const Md5Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

}  // namespace streamhook
