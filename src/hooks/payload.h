// The record a hook writes to Kinesis for an event.
#pragma once

#include <string>

#include "common/event.h"
#include "common/status.h"
#include "config/model.h"

namespace streamhook::hooks {

// Appends the record data to *out.
//   segment: the message as stored (with messageId, receivedAt, timestamp) — Segment's Kinesis
//            destination writes the whole message.
//   netmera: {"hookId", "trigger", "eventCode", "event": <the message>, "user": {"userId",
//            "anonymousId", "attributes": <traits, else context.traits, else {}>, "identities":
//            {"userId", "anonymousId", "email"?}}, "timestamp"} — the event with the user's
//            attributes and identities, as Netmera's connector sends them.
// InvalidArgument when the stored message is not a JSON object (it always is, unless damaged).
Status BuildPayload(const config::Hook& hook, const EventView& event, std::string* out);

}  // namespace streamhook::hooks
