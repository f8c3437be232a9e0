// ProfileChangeOf: reads what an identify or alias event asks of the profile store.
#pragma once

#include <optional>

#include "common/event.h"
#include "common/status.h"
#include "profiles/profile_types.h"
#include "spool/spool_types.h"

namespace streamhook::profiles {

// The change `event` (spool record `lsn`) makes: for identify its ids, its `traits` object, and the
// describing identities (traits.email and traits.phone, else the same in context.traits; each
// context.externalIds entry {id, type} as kind `type`, with externalIds of type user_id and
// anonymous_id left out since the event's own ids say that); for alias its userId, anonymousId and
// previousId. nullopt for the other triggers, which leave profiles alone. InvalidArgument when the
// message is not a JSON object, or an alias lacks previousId/userId (ingest refuses those).
Result<std::optional<ProfileChange>> ProfileChangeOf(const EventView& event, spool::Lsn lsn);

}  // namespace streamhook::profiles
