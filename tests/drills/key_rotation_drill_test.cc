// Key rotation: the connector's keys are replaced through the admin API while events flow. The
// new keys sign the requests from then on, without a restart, and no record is lost or duplicated
// (calls in flight finish on the old client; nothing is resent because of the switch).
#include <cstdio>
#include <thread>

#include "drills/delivery_check.h"
#include "drills/drill_fixture.h"
#include "drills/load_sender.h"

namespace streamhook::drills {
namespace {

constexpr char kStream[] = "rotated-events";
constexpr char kOldKey[] = "AKIDEXAMPLE";  // what DrillTest's connector starts with
constexpr char kNewKey[] = "AKIDROTATED2026";

class KeyRotationDrill : public DrillTest {};

TEST_F(KeyRotationDrill, NewKeysSignFromTheSwitchOnAndNothingIsLostOrDuplicated) {
  ASSERT_TRUE(StartAll());
  const std::string hook = CreateHook(kStream);
  ASSERT_FALSE(hook.empty());
  LoadSender load(server().port(), write_key(), {.pause = std::chrono::milliseconds(20)});
  load.Start();
  ASSERT_TRUE(load.WaitForAcknowledged(10, std::chrono::seconds(60)));

  // The same PUT a user would send, with new keys (the stand-in records which key signed what).
  const std::string connector =
      std::string(R"({"region":"us-east-1","accessKeyId":")") + kNewKey +
      R"(","secretAccessKey":"rotatedSecretKeyValue/0123456789abcdefGHIJ","endpoint":")" +
      standin().endpoint() + R"(","active":true})";
  const e2e::HttpReply reply = server().Admin("PUT", "/admin/v1/connectors/kinesis", connector);
  ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
  EXPECT_EQ(reply.body.find("rotatedSecretKeyValue"), std::string::npos) << "the secret came back in full";
  const size_t at_switch = load.acknowledged_batches();
  ASSERT_TRUE(load.WaitForAcknowledged(at_switch + 10, std::chrono::seconds(60)));
  load.Stop();
  ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(60)));

  const std::vector<AcceptedRecord> records = standin().Records(kStream);
  size_t old_key = 0, new_key = 0, other = 0, old_after_new = 0;
  for (const AcceptedRecord& record : records) {
    if (record.access_key_id == kOldKey) {
      ++old_key;
      if (new_key > 0) ++old_after_new;  // a call already in flight at the switch
    } else if (record.access_key_id == kNewKey) {
      ++new_key;
    } else {
      ++other;
    }
  }
  const DeliveryCheck check = CheckDelivery(load.acknowledged_ids(), records);
  std::printf(
      "[drill] key rotation: %zu records signed with the old key, %zu with the new one (%zu old ones "
      "landed after the first new one: calls in flight at the switch)\n",
      old_key, new_key, old_after_new);
  PrintCheck("key rotation", check);
  EXPECT_GT(old_key, 0u);
  EXPECT_GT(new_key, 0u);
  EXPECT_EQ(other, 0u);
  // The last records are all signed with the new key: the switch took effect without a restart.
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records.back().access_key_id, kNewKey);
  EXPECT_EQ(check.missing, 0u);
  EXPECT_EQ(check.duplicates, 0u);
  EXPECT_EQ(check.order_violations, 0u) << check.order_example;
  EXPECT_EQ(server().Log().find("rotatedSecretKeyValue"), std::string::npos) << "the secret reached the log";
}

}  // namespace
}  // namespace streamhook::drills
