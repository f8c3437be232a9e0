// The Kinesis partition key of an event: it decides the shard, so one user's records share one.
#pragma once

#include <string>
#include <string_view>

#include "common/event.h"
#include "common/status.h"

namespace streamhook::hooks {

// The key under a hook's `partitionKey` setting:
//   "userId"     userId, else anonymousId (Segment's Kinesis destination), else messageId;
//   "messageId"  the messageId (spreads records evenly, gives up per-user order);
//   "/a/b"       the value at that JSON pointer in the message: a string as it is, a number or
//                boolean as its JSON text.
// InvalidArgument when a pointer finds nothing, null, an object or an array, or the key is empty.
Result<std::string> PartitionKeyFor(std::string_view setting, const EventView& event);

}  // namespace streamhook::hooks
