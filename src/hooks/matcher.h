// Which events go to a hook.
#pragma once

#include "common/event.h"
#include "config/model.h"

namespace streamhook::hooks {

// True when the event's trigger is one of the hook's and, if the hook lists event codes, the
// event's code (track's event name, EVENT's code, MESSAGE_LOG's status) is one of them.
// Whether the hook is enabled and the connector active is the caller's concern.
bool HookMatches(const config::Hook& hook, const EventView& event);

}  // namespace streamhook::hooks
