#include "profiles/profile_change.h"

#include <simdjson.h>

#include <string>
#include <utility>

namespace streamhook::profiles {
namespace {

using simdjson::dom::element;

// An id as text: Segment accepts numbers for ids, kept as they were written.
std::string IdText(element value) {
  std::string_view text;
  if (value.get_string().get(text) == simdjson::SUCCESS) return std::string(text);
  if (value.is_int64() || value.is_uint64()) return simdjson::minify(value);
  return {};
}

std::string StringAt(element message, std::string_view pointer) {
  std::string_view text;
  if (message.at_pointer(pointer).get_string().get(text) != simdjson::SUCCESS) return {};
  return std::string(text);
}

void AddDescribing(element message, ProfileChange* change) {
  for (const char* kind : {kEmail, kPhone}) {
    std::string value = StringAt(message, std::string("/traits/") + kind);
    if (value.empty()) value = StringAt(message, std::string("/context/traits/") + kind);
    if (!value.empty()) change->identities.emplace_back(kind, std::move(value));
  }
  simdjson::dom::array external;
  if (message.at_pointer("/context/externalIds").get_array().get(external) != simdjson::SUCCESS) return;
  for (element entry : external) {
    const std::string type = StringAt(entry, "/type");
    element id;
    if (type.empty() || type == "user_id" || type == "anonymous_id") continue;
    if (entry["id"].get(id) != simdjson::SUCCESS) continue;
    std::string value = IdText(id);
    if (!value.empty()) change->identities.emplace_back(type, std::move(value));
  }
}

}  // namespace

Result<std::optional<ProfileChange>> ProfileChangeOf(const EventView& event, spool::Lsn lsn) {
  if (event.trigger != Trigger::kIdentify && event.trigger != Trigger::kAlias)
    return std::optional<ProfileChange>();
  thread_local simdjson::dom::parser parser;
  element message;
  if (parser.parse(event.json.data(), event.json.size()).get(message) != simdjson::SUCCESS ||
      !message.is_object()) {
    return Status::InvalidArgument("event " + std::string(event.message_id) + " is not a JSON object");
  }
  ProfileChange change;
  change.lsn = lsn;
  change.trigger = event.trigger;
  change.received_at_ms = event.received_at_ms;
  change.user_id = std::string(event.user_id);
  change.anonymous_id = std::string(event.anonymous_id);
  if (event.trigger == Trigger::kAlias) {
    element previous;
    if (message["previousId"].get(previous) == simdjson::SUCCESS) change.previous_id = IdText(previous);
    if (change.previous_id.empty() || change.user_id.empty()) {
      return Status::InvalidArgument("alias " + std::string(event.message_id) +
                                     " lacks previousId or userId");
    }
    return std::optional<ProfileChange>(std::move(change));
  }
  element traits;
  if (message["traits"].get(traits) == simdjson::SUCCESS && traits.is_object()) {
    change.traits_json = simdjson::minify(traits);
  }
  AddDescribing(message, &change);
  return std::optional<ProfileChange>(std::move(change));
}

}  // namespace streamhook::profiles
