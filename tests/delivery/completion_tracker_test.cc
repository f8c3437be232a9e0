#include "delivery/completion_tracker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace streamhook::delivery {
namespace {

TEST(CompletionTracker, StartsAtItsPosition) {
  CompletionTracker tracker(42);
  EXPECT_EQ(tracker.SafePosition(), 42u);
  EXPECT_EQ(tracker.outstanding(), 0u);
}

TEST(CompletionTracker, ReadUpToWithNothingTrackedMovesToTheReadPosition) {
  // Everything read was filtered out: nothing to wait for.
  CompletionTracker tracker(0);
  tracker.ReadUpTo(100);
  EXPECT_EQ(tracker.SafePosition(), 100u);
  tracker.ReadUpTo(250);
  EXPECT_EQ(tracker.SafePosition(), 250u);
  EXPECT_EQ(tracker.outstanding(), 0u);
}

TEST(CompletionTracker, ReadUpToNeverMovesBack) {
  CompletionTracker tracker(50);
  tracker.ReadUpTo(10);
  EXPECT_EQ(tracker.SafePosition(), 50u);
  tracker.ReadUpTo(80);
  tracker.ReadUpTo(60);
  EXPECT_EQ(tracker.SafePosition(), 80u);
}

TEST(CompletionTracker, WaitsForTheOldestUnfinishedRecord) {
  CompletionTracker tracker(10);
  tracker.Track(10);
  tracker.Track(11);
  tracker.Track(12);
  tracker.ReadUpTo(13);
  EXPECT_EQ(tracker.SafePosition(), 10u);
  EXPECT_EQ(tracker.outstanding(), 3u);

  tracker.Done(12);  // finished first, but 10 and 11 are still out
  EXPECT_EQ(tracker.SafePosition(), 10u);
  EXPECT_EQ(tracker.outstanding(), 2u);

  tracker.Done(10);
  EXPECT_EQ(tracker.SafePosition(), 11u);
  EXPECT_EQ(tracker.outstanding(), 1u);

  tracker.Done(11);  // the finished prefix now covers 12 too
  EXPECT_EQ(tracker.SafePosition(), 13u);
  EXPECT_EQ(tracker.outstanding(), 0u);
}

TEST(CompletionTracker, SkipsRecordsThatWereNeverTracked) {
  // 11..14 and 16..19 were filtered out by the hook.
  CompletionTracker tracker(10);
  tracker.Track(10);
  tracker.Track(15);
  tracker.ReadUpTo(20);
  tracker.Done(10);
  EXPECT_EQ(tracker.SafePosition(), 15u);
  tracker.Done(15);
  EXPECT_EQ(tracker.SafePosition(), 20u);
}

TEST(CompletionTracker, UnknownDoneIsIgnored) {
  CompletionTracker tracker(10);
  tracker.Track(10);
  tracker.Track(12);
  tracker.ReadUpTo(14);
  tracker.Done(5);   // before the start
  tracker.Done(11);  // between tracked records, never tracked
  tracker.Done(13);  // after the last tracked record
  tracker.Done(99);  // beyond the read position
  EXPECT_EQ(tracker.SafePosition(), 10u);
  EXPECT_EQ(tracker.outstanding(), 2u);
}

TEST(CompletionTracker, DuplicateDoneIsIgnored) {
  CompletionTracker tracker(1);
  tracker.Track(1);
  tracker.Track(2);
  tracker.Track(3);
  tracker.ReadUpTo(4);
  tracker.Done(2);
  tracker.Done(2);  // still waiting behind 1: must not count twice
  EXPECT_EQ(tracker.outstanding(), 2u);
  EXPECT_EQ(tracker.SafePosition(), 1u);
  tracker.Done(1);
  tracker.Done(1);  // already popped from the front
  EXPECT_EQ(tracker.outstanding(), 1u);
  EXPECT_EQ(tracker.SafePosition(), 3u);
  tracker.Done(3);
  EXPECT_EQ(tracker.outstanding(), 0u);
  EXPECT_EQ(tracker.SafePosition(), 4u);
}

TEST(CompletionTracker, KeepsTrackingAfterDrainingToEmpty) {
  CompletionTracker tracker(0);
  tracker.Track(0);
  tracker.ReadUpTo(1);
  tracker.Done(0);
  EXPECT_EQ(tracker.SafePosition(), 1u);
  tracker.Track(3);
  tracker.Track(4);
  tracker.ReadUpTo(5);
  EXPECT_EQ(tracker.SafePosition(), 3u);
  tracker.Done(4);
  EXPECT_EQ(tracker.SafePosition(), 3u);
  tracker.Done(3);
  EXPECT_EQ(tracker.SafePosition(), 5u);
}

// A model of the contract: the safe position is the oldest unfinished tracked LSN, else the read
// position. The tracker is driven as HookRunner drives it: batches are tracked then ReadUpTo'd,
// and completions (plus stray unknown and duplicate ones) arrive in random order in between.
// One run of the model check below; false (with a failure recorded) at the first divergence.
bool RunRandomized(uint32_t seed, uint64_t start, uint64_t records) {
  std::mt19937 rng(seed);
  CompletionTracker tracker(start);
  std::set<uint64_t> unfinished;
  std::vector<uint64_t> finished;
  uint64_t read_position = start;
  uint64_t last_safe = start;

  auto check = [&](const char* after) {
    const uint64_t safe = tracker.SafePosition();
    const uint64_t expected = unfinished.empty() ? read_position : *unfinished.begin();
    if (safe != expected || safe < last_safe || tracker.outstanding() != unfinished.size()) {
      ADD_FAILURE() << "after " << after << ": safe " << safe << ", expected " << expected << " (previous "
                    << last_safe << "), outstanding " << tracker.outstanding() << " vs " << unfinished.size();
      return false;
    }
    last_safe = safe;
    return true;
  };

  std::vector<uint64_t> out;  // handed out and not finished
  const uint64_t end = start + records;
  while (read_position < end || !out.empty()) {
    if (read_position < end) {
      const uint64_t batch_end = std::min(end, read_position + 1 + rng() % 64);
      for (uint64_t lsn = read_position; lsn < batch_end; ++lsn) {
        if (rng() % 4 == 0) continue;  // filtered out by the hook
        tracker.Track(lsn);
        unfinished.insert(lsn);
        out.push_back(lsn);
      }
      tracker.ReadUpTo(batch_end);
      read_position = batch_end;
      if (!check("ReadUpTo")) return false;
    }
    std::shuffle(out.begin(), out.end(), rng);
    const size_t completions = read_position < end ? rng() % (out.size() + 1) : out.size();
    for (size_t i = 0; i < completions; ++i) {
      const uint64_t lsn = out.back();
      out.pop_back();
      tracker.Done(lsn);
      unfinished.erase(lsn);
      finished.push_back(lsn);
      if (!check("Done")) return false;
      if (rng() % 16 == 0) {  // a retry reports a finished record again
        tracker.Done(finished[rng() % finished.size()]);
        if (!check("duplicate Done")) return false;
      }
      if (rng() % 16 == 0) {  // a record that was never tracked
        tracker.Done(end + rng() % 100);
        if (!check("unknown Done")) return false;
      }
    }
  }
  EXPECT_EQ(tracker.outstanding(), 0u);
  EXPECT_EQ(tracker.SafePosition(), end);
  EXPECT_GT(finished.size(), records / 2);  // the run really tracked most records
  return true;
}

// A model of the contract: the safe position is the oldest unfinished tracked LSN, else the read
// position; it never moves back. The tracker is driven as HookRunner drives it: each batch is
// tracked then ReadUpTo'd, and completions (with stray duplicate and unknown ones) arrive in a
// random order in between.
TEST(CompletionTracker, RandomizedCompletionOrder) {
  for (uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    if (!RunRandomized(seed, 1000, 10000)) break;
  }
}

}  // namespace
}  // namespace streamhook::delivery
