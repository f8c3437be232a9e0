// The netmera payload's "user" object from a profile: the user's current attributes and
// identities, as Netmera's connector sends them.
#pragma once

#include "common/event.h"
#include "common/json_writer.h"
#include "profiles/profile_types.h"

namespace streamhook::profiles {

// Writes {"userId", "anonymousId", "attributes": <profile traits>, "identities": {...}} as the
// next value of `w`. userId/anonymousId are the event's, else the profile's (current userId,
// newest anonymousId). identities: "userId", "anonymousId" (as above), "email" and "phone" (the
// newest), one key per external id type (its newest value), and when known "anonymousIds" and
// "previousIds" (every one, oldest first). Absent values are left out.
void WriteProfileUser(const Profile& profile, const EventView& event, JsonWriter& w);

}  // namespace streamhook::profiles
