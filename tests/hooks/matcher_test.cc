#include "hooks/matcher.h"

#include <gtest/gtest.h>

#include <string_view>
#include <vector>

namespace streamhook::hooks {
namespace {

config::Hook HookFor(std::vector<Trigger> triggers, std::vector<std::string> event_codes = {}) {
  config::Hook hook;
  hook.id = "hk-1";
  hook.triggers = std::move(triggers);
  hook.event_codes = std::move(event_codes);
  return hook;
}

// The event_code ingest fills in: track's event name, EVENT's code, MESSAGE_LOG's status.
EventView EventOf(Trigger trigger, std::string_view event_code = {}) {
  EventView event;
  event.trigger = trigger;
  event.message_id = "m-1";
  event.user_id = "u-1";
  event.event_code = event_code;
  event.json = "{}";
  return event;
}

constexpr Trigger kAllTriggers[] = {Trigger::kTrack,  Trigger::kIdentify,  Trigger::kPage,
                                    Trigger::kScreen, Trigger::kGroup,     Trigger::kAlias,
                                    Trigger::kEvent,  Trigger::kMessageLog};

TEST(HookMatches, TakesExactlyTheListedTriggers) {
  const auto hook = HookFor({Trigger::kTrack, Trigger::kIdentify});
  for (Trigger trigger : kAllTriggers) {
    const bool listed = trigger == Trigger::kTrack || trigger == Trigger::kIdentify;
    EXPECT_EQ(HookMatches(hook, EventOf(trigger, "x")), listed) << TriggerName(trigger);
  }
}

TEST(HookMatches, EachSingleTriggerHookTakesOnlyItsTrigger) {
  for (Trigger wanted : kAllTriggers) {
    const auto hook = HookFor({wanted});
    for (Trigger trigger : kAllTriggers) {
      EXPECT_EQ(HookMatches(hook, EventOf(trigger)), trigger == wanted)
          << "hook " << TriggerName(wanted) << ", event " << TriggerName(trigger);
    }
  }
}

TEST(HookMatches, NoEventCodesMeansEveryCodeIncludingNone) {
  const auto hook = HookFor({Trigger::kTrack, Trigger::kPage});
  EXPECT_TRUE(HookMatches(hook, EventOf(Trigger::kTrack, "Order Completed")));
  EXPECT_TRUE(HookMatches(hook, EventOf(Trigger::kTrack, "anything else")));
  EXPECT_TRUE(HookMatches(hook, EventOf(Trigger::kPage)));  // page has no code
}

TEST(HookMatches, TrackEventNameIsTheCode) {
  const auto hook = HookFor({Trigger::kTrack}, {"Order Completed", "Signed Up"});
  EXPECT_TRUE(HookMatches(hook, EventOf(Trigger::kTrack, "Order Completed")));
  EXPECT_TRUE(HookMatches(hook, EventOf(Trigger::kTrack, "Signed Up")));
  EXPECT_FALSE(HookMatches(hook, EventOf(Trigger::kTrack, "Product Viewed")));
}

TEST(HookMatches, EventCodeIsTheCode) {
  const auto hook = HookFor({Trigger::kEvent}, {"n:purchase"});
  EXPECT_TRUE(HookMatches(hook, EventOf(Trigger::kEvent, "n:purchase")));
  EXPECT_FALSE(HookMatches(hook, EventOf(Trigger::kEvent, "n:login")));
}

TEST(HookMatches, MessageLogStatusIsTheCode) {
  const auto hook = HookFor({Trigger::kMessageLog}, {"opened", "clicked"});
  EXPECT_TRUE(HookMatches(hook, EventOf(Trigger::kMessageLog, "opened")));
  EXPECT_TRUE(HookMatches(hook, EventOf(Trigger::kMessageLog, "clicked")));
  EXPECT_FALSE(HookMatches(hook, EventOf(Trigger::kMessageLog, "sent")));
  EXPECT_FALSE(HookMatches(hook, EventOf(Trigger::kMessageLog, "failed")));
}

TEST(HookMatches, CodesCompareExactly) {
  const auto hook = HookFor({Trigger::kTrack}, {"Purchase"});
  EXPECT_FALSE(HookMatches(hook, EventOf(Trigger::kTrack, "purchase")));
  EXPECT_FALSE(HookMatches(hook, EventOf(Trigger::kTrack, "Purchase ")));
  EXPECT_FALSE(HookMatches(hook, EventOf(Trigger::kTrack, "Purch")));
  EXPECT_FALSE(HookMatches(hook, EventOf(Trigger::kTrack, "")));
  EXPECT_TRUE(HookMatches(hook, EventOf(Trigger::kTrack, "Purchase")));
}

TEST(HookMatches, CodesDoNotWidenTheTriggers) {
  // The code matches, but identify is not one of the hook's triggers.
  const auto hook = HookFor({Trigger::kTrack}, {"Signed Up"});
  EXPECT_FALSE(HookMatches(hook, EventOf(Trigger::kIdentify, "Signed Up")));
  EXPECT_FALSE(HookMatches(hook, EventOf(Trigger::kEvent, "Signed Up")));
}

TEST(HookMatches, CodesApplyToEveryListedTrigger) {
  // With codes listed, a trigger whose events carry no code (identify) never matches.
  const auto hook = HookFor({Trigger::kTrack, Trigger::kIdentify, Trigger::kMessageLog}, {"opened"});
  EXPECT_FALSE(HookMatches(hook, EventOf(Trigger::kIdentify)));
  EXPECT_TRUE(HookMatches(hook, EventOf(Trigger::kMessageLog, "opened")));
  EXPECT_TRUE(HookMatches(hook, EventOf(Trigger::kTrack, "opened")));
}

TEST(HookMatches, UnicodeCodes) {
  const auto hook = HookFor({Trigger::kTrack}, {"Sipariş Tamamlandı"});
  EXPECT_TRUE(HookMatches(hook, EventOf(Trigger::kTrack, "Sipariş Tamamlandı")));
  EXPECT_FALSE(HookMatches(hook, EventOf(Trigger::kTrack, "Siparis Tamamlandi")));
}

TEST(HookMatches, EnabledFlagIsTheCallersConcern) {
  auto hook = HookFor({Trigger::kTrack});
  hook.enabled = false;
  EXPECT_TRUE(HookMatches(hook, EventOf(Trigger::kTrack, "x")));
}

TEST(HookMatches, HookWithoutTriggersTakesNothing) {
  const auto hook = HookFor({});
  for (Trigger trigger : kAllTriggers)
    EXPECT_FALSE(HookMatches(hook, EventOf(trigger))) << TriggerName(trigger);
}

}  // namespace
}  // namespace streamhook::hooks
