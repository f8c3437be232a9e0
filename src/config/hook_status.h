// HookStatus: how a hook's delivery is doing, as the admin API shows it read-only next to the
// hook's settings ("status": {...}). Delivery knows it; config only displays it, so the admin API
// asks through a HookStatusSource that the server sets (AdminApi::SetHookStatusSource).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace streamhook::config {

struct HookStatus {
  std::string state;                 // "delivering" | "inactive" | "error"
  std::string error;                 // what went wrong when state is "error" (no secrets); empty otherwise
  uint64_t lag_records = 0;          // records spooled for the hook but not yet delivered
  uint64_t dead_letters = 0;         // records waiting in the hook's dead letters
  int64_t last_delivered_at_ms = 0;  // Unix ms of the last successful delivery; 0 = never

  bool operator==(const HookStatus&) const = default;
};

// The status of the hook with this id, or nullopt when delivery has none for it (yet). Called on
// the admin API's thread, once per hook shown: must be thread-safe and quick (no I/O).
using HookStatusSource = std::function<std::optional<HookStatus>(std::string_view hook_id)>;

}  // namespace streamhook::config
