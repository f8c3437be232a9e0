// Wall-clock time as the APIs spell it: ISO 8601 in JSON, milliseconds since the epoch inside.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace streamhook {

// Milliseconds since the Unix epoch, now.
int64_t NowMillis();

// "2026-11-23T12:34:56.789Z".
std::string FormatIso8601Millis(int64_t epoch_ms);

// Parses ISO 8601 / RFC 3339 date-times as clients send them: "2026-11-23T12:34:56Z",
// with optional fractional seconds (any precision, kept to milliseconds), "Z" or "+hh:mm"/"-hh:mm"
// or "+hhmm" offsets, and a date alone ("2026-11-23", as midnight UTC). A missing offset means UTC.
// nullopt when the text is not such a date-time or names an impossible date.
std::optional<int64_t> ParseIso8601Millis(std::string_view text);

}  // namespace streamhook
