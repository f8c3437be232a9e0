#include "common/replay_record.h"

#include <gtest/gtest.h>

#include "common/event.h"

namespace streamhook {
namespace {

TEST(ReplayRecordTest, RoundTripsEveryField) {
  ReplayRecord replay{"hook-1", "msg-9", "user-7", std::string("{\"a\":1}\0\xff", 9), 1700000000123};
  std::string bytes;
  EncodeReplayRecord(replay, &bytes);
  ASSERT_TRUE(IsReplayRecord(bytes));
  Result<ReplayRecord> back = DecodeReplayRecord(bytes);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->hook_id, "hook-1");
  EXPECT_EQ(back->message_id, "msg-9");
  EXPECT_EQ(back->partition_key, "user-7");
  EXPECT_EQ(back->data, replay.data);
  EXPECT_EQ(back->received_at_ms, 1700000000123);
}

TEST(ReplayRecordTest, IsToldApartFromEventRecords) {
  Event event;
  event.message_id = "m";
  event.json = "{}";
  std::string bytes;
  EncodeEvent(event, &bytes);
  EXPECT_FALSE(IsReplayRecord(bytes));
  EXPECT_FALSE(DecodeReplayRecord(bytes).ok());
  std::string replay_bytes;
  EncodeReplayRecord(ReplayRecord{"h", "m", "", "{}", 1}, &replay_bytes);
  EXPECT_FALSE(DecodeEvent(replay_bytes).ok());
}

TEST(ReplayRecordTest, TruncatedOrPaddedRecordsAreCorruption) {
  std::string bytes;
  EncodeReplayRecord(ReplayRecord{"hook", "msg", "key", "data", 5}, &bytes);
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(DecodeReplayRecord(std::string_view(bytes).substr(0, n)).ok()) << n;
  }
  EXPECT_FALSE(DecodeReplayRecord(bytes + "x").ok());
}

}  // namespace
}  // namespace streamhook
