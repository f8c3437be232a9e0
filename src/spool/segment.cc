#include "spool/segment.h"

#include <charconv>
#include <cstdio>

namespace streamhook::spool {

namespace {
constexpr size_t kDigits = 20;  // UINT64_MAX has 20 digits
constexpr std::string_view kSuffix = ".log";
}  // namespace

std::string SegmentFileName(Lsn first) {
  char name[kDigits + 1];
  std::snprintf(name, sizeof name, "%020llu", static_cast<unsigned long long>(first));
  return std::string(name) + std::string(kSuffix);
}

std::optional<Lsn> ParseSegmentFileName(std::string_view name) {
  if (name.size() != kDigits + kSuffix.size() || !name.ends_with(kSuffix)) return std::nullopt;
  Lsn lsn = 0;
  const char* end = name.data() + kDigits;
  const auto [ptr, ec] = std::from_chars(name.data(), end, lsn);
  if (ec != std::errc() || ptr != end || lsn == 0) return std::nullopt;
  return lsn;
}

}  // namespace streamhook::spool
