// Segment's tracking calls (track, identify, page, screen, group, alias): which fields matter, the
// rules a message must meet, and the normalized message stored for it.
#pragma once

#include <optional>
#include <string_view>

#include "common/event.h"
#include "ingest/event_builder.h"
#include "ingest/message_scan.h"
#include "ingest/request_scan.h"

namespace streamhook::ingest {

// The fields of a tracking message that ingest reads; every other member is copied as sent.
const MessageSchema& TrackingSchema();

// "track" -> Trigger::kTrack, ... "alias" -> Trigger::kAlias; nullopt for anything else.
std::optional<Trigger> TrackingTriggerFromType(std::string_view type);

// Sets *trigger to the call a batch item names in its `type`; the problem (not_an_object,
// invalid_type) when it is not an object or names no tracking call.
std::optional<ItemProblem> BatchItemTrigger(const ScannedMessage& message, Trigger* trigger);

// Checks `message` as a `trigger` call and builds its Event into *out: the envelope, and as JSON
// the message with `type`, `messageId` (given or generated), `receivedAt`, `timestamp` corrected
// for the client's clock (receivedAt - (sentAt - client timestamp)), `originalTimestamp` and
// `sentAt`, without `writeKey`. `batch` (null for a single call) supplies the context and
// integrations merged into the message (its own keys win) and the sentAt of items without one.
std::optional<ItemProblem> BuildTrackingEvent(const ScannedMessage& message, Trigger trigger,
                                              const ScannedBody* batch, const ScanArena& arena,
                                              const BuildContext& context, Event* out);

}  // namespace streamhook::ingest
