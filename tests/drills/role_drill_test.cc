// Assumed role: the connector names a role ARN and an external id, as Segment's and RudderStack's
// Kinesis destinations are set up. The server gets temporary credentials from STS (a local STS that
// checks every AssumeRole signature with botocore and the external id), signs with them, refreshes
// them before they expire while events flow, and loses or duplicates nothing across the refreshes.
#include <cstdio>
#include <set>
#include <thread>

#include "aws/sts_test_server.h"
#include "drills/delivery_check.h"
#include "drills/drill_fixture.h"
#include "drills/load_sender.h"

namespace streamhook::drills {
namespace {

constexpr char kStream[] = "role-events";
constexpr char kExternalId[] = "streamhook-ext-4711";

class RoleDrill : public DrillTest {};

TEST_F(RoleDrill, AssumedRoleCredentialsSignAndAreRefreshedWithoutLoss) {
  aws::StsTestServerOptions sts_options;
  sts_options.external_id = kExternalId;
  sts_options.region = "us-east-1";
  sts_options.lifetime_seconds = 20;  // short, so the run sees refreshes
  aws::StsTestServer sts(sts_options);
  ASSERT_TRUE(sts.ready());
  ASSERT_TRUE(StartStandin());
  MakeServer("", {{"AWS_ENDPOINT_URL_STS", sts.url()}});
  ASSERT_TRUE(StartServer());
  const std::string connector = R"({"region":"us-east-1","accessKeyId":")" + sts_options.source_key +
                                R"(","secretAccessKey":")" + sts_options.source_secret + R"(","roleArn":")" +
                                sts_options.role_arn + R"(","externalId":")" + kExternalId +
                                R"(","endpoint":")" + standin().endpoint() + R"(","active":true})";
  const e2e::HttpReply reply = server().Admin("PUT", "/admin/v1/connectors/kinesis", connector);
  ASSERT_EQ(reply.status, 200) << reply.error << reply.body;
  const std::string hook = CreateHook(kStream);
  ASSERT_FALSE(hook.empty());

  LoadSender load(server().port(), write_key(), {.pause = std::chrono::milliseconds(100)});
  load.Start();
  std::this_thread::sleep_for(std::chrono::seconds(30));  // longer than one credential lifetime
  load.Stop();
  ASSERT_TRUE(WaitForDelivery(std::chrono::seconds(60)));

  const aws::StsTestServerStats stats = sts.Stats();
  const std::set<std::string> issued(stats.issued.begin(), stats.issued.end());
  const std::vector<AcceptedRecord> records = standin().Records(kStream);
  std::set<std::string> used;
  size_t unissued = 0;
  for (const AcceptedRecord& record : records) {
    used.insert(record.access_key_id);
    if (issued.count(record.access_key_id) == 0) ++unissued;
  }
  const DeliveryCheck check = CheckDelivery(load.acknowledged_ids(), records);
  std::printf(
      "[drill] role: %lld AssumeRole calls (%lld bad signatures, external id sent: %s); %zu temporary "
      "keys issued, %zu of them signed the %zu records; %zu records signed with a key STS did not issue\n",
      static_cast<long long>(stats.assume_role), static_cast<long long>(stats.bad_signatures),
      stats.last_external_id_sent ? "yes" : "no", issued.size(), used.size(), records.size(), unissued);
  PrintCheck("role", check);
  EXPECT_EQ(stats.bad_signatures, 0);
  EXPECT_TRUE(stats.last_external_id_sent);
  EXPECT_GE(stats.assume_role, 2) << "the credentials were not refreshed during the run";
  EXPECT_EQ(unissued, 0u) << "records were signed with the source keys, not the role's";
  EXPECT_GE(used.size(), 2u);
  EXPECT_EQ(check.missing, 0u);
  EXPECT_EQ(check.duplicates, 0u);
  EXPECT_EQ(check.order_violations, 0u) << check.order_example;
  EXPECT_EQ(server().Log().find(sts_options.source_secret), std::string::npos);
}

}  // namespace
}  // namespace streamhook::drills
