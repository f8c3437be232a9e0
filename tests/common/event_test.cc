#include "common/event.h"

#include <gtest/gtest.h>

namespace streamhook {
namespace {

TEST(Event, RoundTripsThroughRecordBytes) {
  Event e;
  e.trigger = Trigger::kMessageLog;
  e.received_at_ms = 1795782896789;
  e.source_id = "src-1";
  e.message_id = "m-1";
  e.user_id = "u-é";
  e.event_code = "opened";
  e.json = R"({"a":1})";
  std::string record;
  EncodeEvent(e, &record);
  auto view = DecodeEvent(record);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  EXPECT_EQ(view->trigger, Trigger::kMessageLog);
  EXPECT_EQ(view->received_at_ms, e.received_at_ms);
  EXPECT_EQ(view->source_id, "src-1");
  EXPECT_EQ(view->message_id, "m-1");
  EXPECT_EQ(view->user_id, "u-é");
  EXPECT_EQ(view->anonymous_id, "");
  EXPECT_EQ(view->event_code, "opened");
  EXPECT_EQ(view->json, R"({"a":1})");
}

TEST(Event, TruncatedRecordsAreCorruption) {
  Event e;
  e.json = "{}";
  std::string record;
  EncodeEvent(e, &record);
  for (size_t n = 0; n < record.size(); ++n) {
    EXPECT_FALSE(DecodeEvent(std::string_view(record).substr(0, n)).ok()) << n;
  }
  EXPECT_FALSE(DecodeEvent(record + "x").ok());
}

TEST(Trigger, NamesRoundTrip) {
  for (int t = 1; t <= 8; ++t) {
    const auto trigger = static_cast<Trigger>(t);
    EXPECT_EQ(TriggerFromName(TriggerName(trigger)), trigger);
  }
  EXPECT_FALSE(TriggerFromName("track").has_value());
}

}  // namespace
}  // namespace streamhook
