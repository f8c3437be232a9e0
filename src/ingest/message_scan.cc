#include "ingest/message_scan.h"

namespace streamhook::ingest {

simdjson::error_code ScanMessage(simdjson::ondemand::object& object, const MessageSchema& schema, int depth,
                                 ScanArena* arena, ScannedMessage* out) {
  out->extras_begin = static_cast<uint32_t>(arena->extras.size());
  auto error = ForEachField(
      object,
      [&](std::string_view key, const char* member_start,
          simdjson::ondemand::value& value) -> simdjson::error_code {
        for (size_t slot = 0; slot < schema.keys.size(); ++slot) {
          const std::string_view known_key = schema.keys[slot];
          // Length and first letter first: most members are not known fields.
          if (key.size() != known_key.size() || key.empty() || key[0] != known_key[0] || key != known_key)
            continue;
          const bool collect = (schema.members_mask >> slot) & 1;
          JsonValue& known = out->known[slot];
          known = JsonValue();
          return ReadValue(value, depth + 1, /*unescape=*/true, collect ? &arena->members : nullptr, &known);
        }
        JsonValue other;
        if (auto value_error = ReadValue(value, depth + 1, /*unescape=*/false, nullptr, &other)) {
          return value_error;
        }
        const char* member_end = other.raw.data() + other.raw.size();
        arena->extras.push_back({key, std::string_view(member_start, member_end - member_start)});
        return simdjson::SUCCESS;
      });
  out->extras_end = static_cast<uint32_t>(arena->extras.size());
  return error;
}

}  // namespace streamhook::ingest
