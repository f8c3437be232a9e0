// Netmera-style triggers: custom events (POST /v1/events) and message delivery logs
// (POST /v1/message-logs), each item becoming one EVENT or MESSAGE_LOG Event.
#pragma once

#include <optional>

#include "common/event.h"
#include "ingest/event_builder.h"
#include "ingest/message_scan.h"

namespace streamhook::ingest {

const MessageSchema& NetmeraEventSchema();
const MessageSchema& MessageLogSchema();

// Checks one event item ({code, userId | extId, ...attributes}) and builds its EVENT Event:
// event_code = code, user_id = userId or else extId, and as JSON
// {"type":"event","code","userId","extId","attributes":{every other member},"messageId",
//  "receivedAt","timestamp"}, timestamp being the item's `timestamp` or `time` (ISO 8601) or
// else receivedAt.
std::optional<ItemProblem> BuildNetmeraEvent(const ScannedMessage& message, const ScanArena& arena,
                                             const BuildContext& context, Event* out);

// Checks one delivery log ({messageId, campaign, channel, status, userId, time, ...}) and builds
// its MESSAGE_LOG Event: event_code = status, user_id = userId, message_id = the log's `id` or a
// generated one (a message has several logs), and as JSON {"type":"message_log","id","messageId",
// "campaign","channel","status","userId","time","receivedAt", ...other members}. `time` defaults to
// receivedAt.
std::optional<ItemProblem> BuildMessageLog(const ScannedMessage& message, const ScanArena& arena,
                                           const BuildContext& context, Event* out);

}  // namespace streamhook::ingest
