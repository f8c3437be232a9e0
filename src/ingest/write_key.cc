#include "ingest/write_key.h"

#include "common/encoding.h"

namespace streamhook::ingest {
namespace {

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool StartsWithIgnoringCase(std::string_view text, std::string_view lower_prefix) {
  if (text.size() < lower_prefix.size()) return false;
  for (size_t i = 0; i < lower_prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower_prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> WriteKeyFromBasicAuth(std::string_view authorization) {
  authorization = TrimSpaces(authorization);
  constexpr std::string_view kScheme = "basic ";  // the scheme name is case-insensitive (RFC 7617)
  if (!StartsWithIgnoringCase(authorization, kScheme)) return std::nullopt;
  std::optional<std::string> decoded = Base64Decode(TrimSpaces(authorization.substr(kScheme.size())));
  if (!decoded) return std::nullopt;
  const size_t colon = decoded->find(':');
  if (colon != std::string::npos) decoded->resize(colon);
  if (decoded->empty()) return std::nullopt;
  return decoded;
}

}  // namespace streamhook::ingest
