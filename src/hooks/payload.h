// The record a hook writes to Kinesis for an event.
#pragma once

#include <string>

#include "common/event.h"
#include "common/status.h"
#include "config/model.h"
#include "profiles/profile_store.h"

namespace streamhook::hooks {

// Appends the record data to *out.
//   segment: the message as stored (with messageId, receivedAt, timestamp) — Segment's Kinesis
//            destination writes the whole message.
//   netmera: {"hookId", "trigger", "eventCode", "event": <the message>, "user": {"userId",
//            "anonymousId", "attributes": <traits, else context.traits, else {}>, "identities":
//            {"userId", "anonymousId", "email"?}}, "timestamp"} — the event with the user's
//            attributes and identities, as Netmera's connector sends them. With `profiles` and a
//            profile for the event's userId/anonymousId, "user" is that profile instead
//            (profiles/user_json.h: its merged traits, every identity); a failing lookup falls back
//            to the event's own traits, so a profile store problem never dead-letters an event.
// InvalidArgument when the stored message is not a JSON object (it always is, unless damaged).
Status BuildPayload(const config::Hook& hook, const EventView& event, std::string* out,
                    const profiles::ProfileStore* profiles = nullptr);

}  // namespace streamhook::hooks
