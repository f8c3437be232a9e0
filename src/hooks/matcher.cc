#include "hooks/matcher.h"

#include <algorithm>

namespace streamhook::hooks {

bool HookMatches(const config::Hook& hook, const EventView& event) {
  if (std::find(hook.triggers.begin(), hook.triggers.end(), event.trigger) == hook.triggers.end())
    return false;
  if (hook.event_codes.empty()) return true;
  return std::any_of(hook.event_codes.begin(), hook.event_codes.end(),
                     [&](const std::string& code) { return code == event.event_code; });
}

}  // namespace streamhook::hooks
