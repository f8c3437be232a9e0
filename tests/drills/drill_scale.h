// How long the drills run. The same test sources build twice: drills_test (label integration, a
// few seconds of each fault) and drills_slow_test (label slow, the full drill), which defines
// STREAMHOOK_DRILL_SLOW.
#pragma once

#include <chrono>

namespace streamhook::drills {

#ifdef STREAMHOOK_DRILL_SLOW
inline constexpr bool kSlowDrill = true;
#else
inline constexpr bool kSlowDrill = false;
#endif

// kill -9 and restart, this many times in a row.
inline constexpr int kCrashRounds = kSlowDrill ? 10 : 3;
// The Kinesis endpoint is gone this long.
inline constexpr std::chrono::seconds kOutage{kSlowDrill ? 60 : 10};
// Half of the records are throttled this long.
inline constexpr std::chrono::seconds kThrottleStorm{kSlowDrill ? 60 : 10};

}  // namespace streamhook::drills
