#include "config/validation.h"

#include <boost/url/parse.hpp>

namespace streamhook::config {
namespace {

bool IsLower(char c) {
  return c >= 'a' && c <= 'z';
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsAlnum(char c) {
  return IsLower(c) || IsDigit(c) || (c >= 'A' && c <= 'Z');
}
bool IsVisibleAscii(char c) {
  return c > ' ' && c < 0x7F;
}
bool IsControl(char c) {
  return static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
}

template <typename Pred>
bool All(std::string_view s, Pred pred) {
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

Problem CheckText(std::string_view text, size_t max_length) {
  if (text.empty() || text.size() > max_length) {
    return "must be 1 to " + std::to_string(max_length) + " characters long";
  }
  for (char c : text) {
    if (IsControl(c)) return "must not contain control characters";
  }
  return std::nullopt;
}

}  // namespace

Problem CheckRegion(std::string_view region) {
  // Split on '-': at least three parts; first two letters, last all digits, middle ones letters.
  const Problem wrong = "must be an AWS region name such as us-east-1";
  if (region.size() > 32) return wrong;
  size_t parts = 0;
  while (true) {
    const size_t dash = region.find('-');
    const std::string_view part = region.substr(0, dash);
    const bool last = dash == std::string_view::npos;
    ++parts;
    if (part.empty()) return wrong;
    if (parts == 1 && (part.size() != 2 || !All(part, IsLower))) return wrong;
    if (last) {
      if (parts < 3 || !All(part, IsDigit)) return wrong;
      return std::nullopt;
    }
    if (!All(part, IsLower)) return wrong;
    region.remove_prefix(dash + 1);
  }
}

Problem CheckStreamName(std::string_view name) {
  if (name.empty() || name.size() > 128 ||
      !All(name, [](char c) { return IsAlnum(c) || c == '_' || c == '.' || c == '-'; })) {
    return "must be 1 to 128 characters of a-z, A-Z, 0-9, '_', '.' and '-' (a Kinesis stream name)";
  }
  return std::nullopt;
}

Problem CheckEndpointUrl(std::string_view url) {
  const auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return "must be an absolute http:// or https:// URL";
  const auto& u = *parsed;
  if (u.scheme() != "http" && u.scheme() != "https") return "must use the http or https scheme";
  if (u.encoded_host().empty()) return "must name a host";
  if (u.has_userinfo()) return "must not contain user info (credentials belong in accessKeyId)";
  if (u.has_query() || u.has_fragment()) return "must not have a query or fragment";
  return std::nullopt;
}

Problem CheckCaFile(std::string_view path) {
  if (path.empty() || path.front() != '/') return "must be an absolute file path";
  if (path.size() > 4096) return "must be at most 4096 characters long";
  if (path.find('\0') != std::string_view::npos) return "must not contain NUL characters";
  return std::nullopt;
}

Problem CheckPartitionKey(std::string_view key) {
  if (key == "userId" || key == "messageId") return std::nullopt;
  const Problem wrong = "must be \"userId\", \"messageId\" or a JSON pointer such as \"/properties/orderId\"";
  if (key.empty() || key.front() != '/' || key.size() > 1024) return wrong;
  for (size_t i = 0; i < key.size(); ++i) {
    if (IsControl(key[i])) return wrong;
    // RFC 6901: '~' only appears as the escapes ~0 ('~') and ~1 ('/').
    if (key[i] == '~' && (i + 1 == key.size() || (key[i + 1] != '0' && key[i + 1] != '1'))) {
      return "must be a valid JSON pointer: '~' must be followed by 0 or 1";
    }
  }
  return std::nullopt;
}

Problem CheckResourceId(std::string_view id) {
  if (id.empty() || id.size() > 64 || !All(id, [](char c) { return IsAlnum(c) || c == '_' || c == '-'; })) {
    return "must be 1 to 64 characters of a-z, A-Z, 0-9, '_' and '-'";
  }
  return std::nullopt;
}

Problem CheckName(std::string_view name) {
  return CheckText(name, 200);
}

Problem CheckEventCode(std::string_view code) {
  return CheckText(code, 256);
}

Problem CheckAccessKeyId(std::string_view id) {
  if (id.empty() || id.size() > 128 || !All(id, IsVisibleAscii)) {
    return "must be 1 to 128 printable ASCII characters without spaces";
  }
  return std::nullopt;
}

Problem CheckSecretAccessKey(std::string_view secret) {
  if (secret.starts_with("****")) {
    return "looks like a masked value; omit secretAccessKey to keep the stored one";
  }
  if (secret.empty() || secret.size() > 256 || !All(secret, IsVisibleAscii)) {
    return "must be 1 to 256 printable ASCII characters without spaces";
  }
  return std::nullopt;
}

Problem CheckRoleArn(std::string_view arn) {
  const Problem wrong =
      "must be an IAM role ARN such as arn:aws:iam::123456789012:role/path/name, at most 2048 characters";
  if (arn.size() > 2048 || !arn.starts_with("arn:aws")) return wrong;
  arn.remove_prefix(std::string_view("arn:aws").size());
  // The rest of the partition ("-cn", "-us-gov"), then the service and an empty region.
  while (!arn.empty() && (IsLower(arn.front()) || arn.front() == '-')) arn.remove_prefix(1);
  if (!arn.starts_with(":iam::")) return wrong;
  arn.remove_prefix(std::string_view(":iam::").size());
  if (arn.size() < 12 || !All(arn.substr(0, 12), IsDigit)) return wrong;
  arn.remove_prefix(12);
  if (!arn.starts_with(":role/")) return wrong;
  arn.remove_prefix(std::string_view(":role/").size());
  const size_t last_slash = arn.rfind('/');
  const std::string_view name = last_slash == std::string_view::npos ? arn : arn.substr(last_slash + 1);
  if (name.empty() || name.size() > 64 || arn.find("//") != std::string_view::npos || arn.front() == '/' ||
      !All(arn, [](char c) {
        return IsAlnum(c) || std::string_view("_+=,.@-/").find(c) != std::string_view::npos;
      })) {
    return "must end in a role name (1 to 64 characters of a-z, A-Z, 0-9 and _+=,.@-) after an optional "
           "path, as in arn:aws:iam::123456789012:role/path/name";
  }
  return std::nullopt;
}

Problem CheckExternalId(std::string_view id) {
  if (id.size() < 2 || id.size() > 1224 || !All(id, [](char c) {
        return IsAlnum(c) || std::string_view("_+=,.@:/-").find(c) != std::string_view::npos;
      })) {
    return "must be 2 to 1224 characters of a-z, A-Z, 0-9 and _+=,.@:/-";
  }
  return std::nullopt;
}

Problem CheckWriteKey(std::string_view key) {
  if (key.size() < 8 || key.size() > 256 || !All(key, [](char c) { return IsVisibleAscii(c) && c != ':'; })) {
    return "must be 8 to 256 printable ASCII characters other than space and ':'";
  }
  return std::nullopt;
}

}  // namespace streamhook::config
