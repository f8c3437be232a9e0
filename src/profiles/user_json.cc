#include "profiles/user_json.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace streamhook::profiles {
namespace {

void OptionalString(JsonWriter& w, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  w.Key(key);
  w.String(value);
}

void StringArray(JsonWriter& w, std::string_view key, const std::vector<std::string_view>& values) {
  if (values.empty()) return;
  w.Key(key);
  w.BeginArray();
  for (auto value : values) w.String(value);
  w.EndArray();
}

bool IsReservedKey(std::string_view kind) {
  return IsKeyKind(kind) || kind == "anonymousIds" || kind == "previousIds";
}

}  // namespace

void WriteProfileUser(const Profile& profile, const EventView& event, JsonWriter& w) {
  const std::string user_id = event.user_id.empty() ? profile.Latest(kUserId) : std::string(event.user_id);
  const std::string anonymous_id =
      event.anonymous_id.empty() ? profile.Latest(kAnonymousId) : std::string(event.anonymous_id);
  std::vector<std::string_view> anonymous_ids, previous_ids;
  std::map<std::string_view, const Identity*> newest;  // describing kind -> newest identity
  for (const auto& identity : profile.identities) {    // oldest first
    if (identity.kind == kAnonymousId) {
      anonymous_ids.push_back(identity.value);
    } else if (identity.kind == kPreviousId) {
      previous_ids.push_back(identity.value);
    } else if (!IsReservedKey(identity.kind)) {
      const Identity*& slot = newest[identity.kind];
      if (slot == nullptr || identity.lsn >= slot->lsn) slot = &identity;
    }
  }
  w.BeginObject();
  OptionalString(w, "userId", user_id);
  OptionalString(w, "anonymousId", anonymous_id);
  w.Key("attributes");
  w.Raw(profile.traits_json.empty() ? std::string_view("{}") : std::string_view(profile.traits_json));
  w.Key("identities");
  w.BeginObject();
  OptionalString(w, "userId", user_id);
  OptionalString(w, "anonymousId", anonymous_id);
  for (const auto& [kind, identity] : newest) OptionalString(w, kind, identity->value);
  StringArray(w, "anonymousIds", anonymous_ids);
  StringArray(w, "previousIds", previous_ids);
  w.EndObject();
  w.EndObject();
}

}  // namespace streamhook::profiles
