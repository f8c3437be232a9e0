#include "hooks/payload.h"

#include <simdjson.h>

#include <optional>
#include <utility>

#include "common/json_writer.h"
#include "common/time_format.h"
#include "profiles/user_json.h"

namespace streamhook::hooks {
namespace {

using simdjson::dom::element;

// The user's attributes: identify's traits, else the traits clients put in context.
std::string_view AttributesJson(element message, std::string* storage) {
  element traits;
  if (message["traits"].get(traits) == simdjson::SUCCESS && traits.is_object()) {
    *storage = simdjson::minify(traits);
    return *storage;
  }
  if (message.at_pointer("/context/traits").get(traits) == simdjson::SUCCESS && traits.is_object()) {
    *storage = simdjson::minify(traits);
    return *storage;
  }
  return "{}";
}

void OptionalString(JsonWriter& w, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  w.Key(key);
  w.String(value);
}

// The netmera "user" without a profile: what the event itself says of the user.
void WriteEventUser(element message, const EventView& event, JsonWriter& w) {
  std::string attributes_storage;
  const std::string_view attributes = AttributesJson(message, &attributes_storage);
  std::string_view email;
  if (message.at_pointer("/traits/email").get(email) != simdjson::SUCCESS) {
    if (message.at_pointer("/context/traits/email").get(email) != simdjson::SUCCESS) email = {};
  }
  w.BeginObject();
  OptionalString(w, "userId", event.user_id);
  OptionalString(w, "anonymousId", event.anonymous_id);
  w.Key("attributes");
  w.Raw(attributes);
  w.Key("identities");
  w.BeginObject();
  OptionalString(w, "userId", event.user_id);
  OptionalString(w, "anonymousId", event.anonymous_id);
  OptionalString(w, "email", email);
  w.EndObject();
  w.EndObject();
}

}  // namespace

Status BuildPayload(const config::Hook& hook, const EventView& event, std::string* out,
                    const profiles::ProfileStore* profiles) {
  if (hook.payload_format == config::PayloadFormat::kSegment) {
    out->append(event.json);
    return Status::Ok();
  }
  thread_local simdjson::dom::parser parser;
  element message;
  if (parser.parse(event.json.data(), event.json.size()).get(message) != simdjson::SUCCESS ||
      !message.is_object()) {
    return Status::InvalidArgument("stored event " + std::string(event.message_id) + " is not a JSON object");
  }
  std::string_view timestamp;
  if (message["timestamp"].get(timestamp) != simdjson::SUCCESS) timestamp = {};
  std::optional<profiles::Profile> profile;
  if (profiles != nullptr) {
    auto found = profiles->Lookup(event.user_id, event.anonymous_id);
    if (found.ok()) profile = std::move(*found);
  }

  JsonWriter w(out);
  w.BeginObject();
  w.Key("hookId");
  w.String(hook.id);
  w.Key("trigger");
  w.String(TriggerName(event.trigger));
  w.Key("eventCode");
  w.String(event.event_code);
  w.Key("event");
  w.Raw(event.json);
  w.Key("user");
  if (profile) {
    profiles::WriteProfileUser(*profile, event, w);
  } else {
    WriteEventUser(message, event, w);
  }
  w.Key("timestamp");
  w.String(timestamp.empty() ? FormatIso8601Millis(event.received_at_ms) : timestamp);
  w.EndObject();
  return Status::Ok();
}

}  // namespace streamhook::hooks
