#include "admin/masking.h"

namespace streamhook::admin {
namespace {
constexpr size_t kShown = 4;
constexpr size_t kMinLengthToShowPart = 12;
}  // namespace

std::string MaskSecretTail(std::string_view secret) {
  if (secret.size() < kMinLengthToShowPart) return "****";
  return "****" + std::string(secret.substr(secret.size() - kShown));
}

std::string MaskWriteKey(std::string_view write_key) {
  if (write_key.size() < kMinLengthToShowPart) return "****";
  return std::string(write_key.substr(0, kShown)) + "****";
}

}  // namespace streamhook::admin
