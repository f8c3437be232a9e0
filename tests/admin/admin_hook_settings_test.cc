// Hook aggregation, recordTtlMs and shardRate through /admin/v1/hooks, and the read-only status.
#include <map>
#include <string>

#include "admin_test_fixture.h"

namespace streamhook::admin {
namespace {

const std::string kHooks = "/admin/v1/hooks";

Members MinimalHook() {
  return {{"name", R"("Orders")"}, {"streamName", R"("orders-stream")"}, {"triggers", R"(["TRACK"])"}};
}

Members TunedHook() {
  return With(With(With(MinimalHook(), "aggregation", R"({"enabled":true,"maxBytes":262144})"), "recordTtlMs",
                   "3600000"),
              "shardRate", R"({"recordsPerSecond":500,"bytesPerSecond":524288})");
}

TEST_F(AdminApiTest, NewHookSettingsDefault) {
  const HttpResponse created = Call("POST", kHooks, ObjectOf(MinimalHook()));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_FALSE(BoolAt(created, "/aggregation/enabled"));
  EXPECT_EQ(IntAt(created, "/aggregation/maxBytes"), 51200);
  EXPECT_EQ(IntAt(created, "/recordTtlMs"), 0);
  EXPECT_EQ(IntAt(created, "/shardRate/recordsPerSecond"), 1000);
  EXPECT_EQ(IntAt(created, "/shardRate/bytesPerSecond"), 1048576);
  const config::Hook stored = *store_->GetHook(StringAt(created, "/id"));
  EXPECT_EQ(stored.aggregation, config::AggregationSettings{});
  EXPECT_EQ(stored.record_ttl_ms, 0);
  EXPECT_EQ(stored.shard_rate, config::ShardRateSettings{});
}

TEST_F(AdminApiTest, NewHookSettingsRoundTrip) {
  const HttpResponse created = Call("POST", kHooks, ObjectOf(TunedHook()));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path = kHooks + "/" + StringAt(created, "/id");
  const HttpResponse fetched = Call("GET", path);
  EXPECT_EQ(fetched.body, created.body);
  EXPECT_TRUE(BoolAt(fetched, "/aggregation/enabled"));
  EXPECT_EQ(IntAt(fetched, "/aggregation/maxBytes"), 262144);
  EXPECT_EQ(IntAt(fetched, "/recordTtlMs"), 3600000);
  EXPECT_EQ(IntAt(fetched, "/shardRate/recordsPerSecond"), 500);
  EXPECT_EQ(IntAt(fetched, "/shardRate/bytesPerSecond"), 524288);
  const config::Hook stored = *store_->GetHook(StringAt(created, "/id"));
  EXPECT_EQ(stored.aggregation, (config::AggregationSettings{true, 262144}));
  EXPECT_EQ(stored.record_ttl_ms, 3600000);
  EXPECT_EQ(stored.shard_rate, (config::ShardRateSettings{500, 524288}));
  // The GET answer goes back unchanged.
  const HttpResponse echoed = Call("PUT", path, fetched.body);
  ASSERT_EQ(echoed.status, 200) << echoed.body;
  EXPECT_EQ(store_->GetHook(StringAt(created, "/id"))->shard_rate, (config::ShardRateSettings{500, 524288}));
}

TEST_F(AdminApiTest, NewHookSettingsBoundariesAreAccepted) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"aggregation", R"({"maxBytes":1024})"},
      {"aggregation", R"({"maxBytes":1048576,"enabled":false})"},
      {"recordTtlMs", "0"},
      {"recordTtlMs", "1000"},
      {"recordTtlMs", "604800000"},
      {"shardRate", R"({"recordsPerSecond":1,"bytesPerSecond":1024})"},
      {"shardRate", R"({"recordsPerSecond":100000,"bytesPerSecond":104857600})"},
      {"aggregation", "{}"},
  };
  for (const auto& [key, json] : cases) {
    const HttpResponse created = Call("POST", kHooks, ObjectOf(With(MinimalHook(), key, json)));
    EXPECT_EQ(created.status, 201) << key << " " << json << ": " << created.body;
  }
  EXPECT_EQ(store_->ListHooks()->size(), std::size(cases));
}

TEST_F(AdminApiTest, NewHookSettingsValidationNamesTheField) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"aggregation", "true"},
      {"aggregation", "null"},
      {"aggregation.enabled", R"({"enabled":"yes"})"},
      {"aggregation.enabled", R"({"enabled":1})"},
      {"aggregation.maxBytes", R"({"maxBytes":1023})"},
      {"aggregation.maxBytes", R"({"maxBytes":1048577})"},
      {"aggregation.maxBytes", R"({"maxBytes":2048.5})"},
      {"aggregation.maxBytes", R"({"maxBytes":"4096"})"},
      {"aggregation.maxRecords", R"({"maxRecords":10})"},
      {"aggregation.enabled", R"({"enabled":true,"enabled":false})"},
      {"recordTtlMs", "1"},
      {"recordTtlMs", "999"},
      {"recordTtlMs", "-1"},
      {"recordTtlMs", "604800001"},
      {"recordTtlMs", "1000.5"},
      {"recordTtlMs", R"("1h")"},
      {"recordTtlMs", "null"},
      {"shardRate", "[]"},
      {"shardRate.recordsPerSecond", R"({"recordsPerSecond":0})"},
      {"shardRate.recordsPerSecond", R"({"recordsPerSecond":100001})"},
      {"shardRate.bytesPerSecond", R"({"bytesPerSecond":1023})"},
      {"shardRate.bytesPerSecond", R"({"bytesPerSecond":104857601})"},
      {"shardRate.bytesPerSecond", R"({"bytesPerSecond":true})"},
      {"shardRate.burst", R"({"burst":5})"},
  };
  for (const auto& [field, json] : cases) {
    const std::string_view key = field.substr(0, field.find('.'));
    ExpectFieldError(Call("POST", kHooks, ObjectOf(With(MinimalHook(), key, json))), field);
  }
  // The message says what is allowed.
  const HttpResponse ttl = Call("POST", kHooks, ObjectOf(With(MinimalHook(), "recordTtlMs", "5")));
  EXPECT_NE(StringAt(ttl, "/message").find("0 (no TTL) or an integer from 1000 to 604800000"),
            std::string::npos)
      << ttl.body;
  EXPECT_TRUE(store_->ListHooks()->empty()) << "nothing invalid was stored";
}

TEST_F(AdminApiTest, PatchMergesNewSettingsAndPutResetsThem) {
  const std::string id = StringAt(Call("POST", kHooks, ObjectOf(TunedHook())), "/id");
  const std::string path = kHooks + "/" + id;

  const HttpResponse patched =
      Call("PATCH", path, R"({"aggregation":{"enabled":false},"shardRate":{"bytesPerSecond":2048}})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_FALSE(BoolAt(patched, "/aggregation/enabled"));
  EXPECT_EQ(IntAt(patched, "/aggregation/maxBytes"), 262144) << "the other sub-field is kept";
  EXPECT_EQ(IntAt(patched, "/shardRate/recordsPerSecond"), 500);
  EXPECT_EQ(IntAt(patched, "/shardRate/bytesPerSecond"), 2048);
  EXPECT_EQ(IntAt(patched, "/recordTtlMs"), 3600000) << "fields left out of a PATCH are kept";

  ASSERT_EQ(Call("PATCH", path, R"({"recordTtlMs":0})").status, 200);
  EXPECT_EQ(store_->GetHook(id)->record_ttl_ms, 0) << "0 turns the TTL off";

  ExpectFieldError(Call("PATCH", path, R"({"shardRate":{"recordsPerSecond":0}})"),
                   "shardRate.recordsPerSecond");
  ExpectFieldError(Call("PATCH", path, R"({"aggregation":{"maxBytes":5}})"), "aggregation.maxBytes");
  EXPECT_EQ(store_->GetHook(id)->shard_rate, (config::ShardRateSettings{500, 2048}))
      << "a refused PATCH changes nothing";

  // PUT describes the whole hook: sub-fields left out of an object take their defaults, and
  // objects left out entirely too.
  const HttpResponse put =
      Call("PUT", path, ObjectOf(With(MinimalHook(), "aggregation", R"({"maxBytes":4096})")));
  ASSERT_EQ(put.status, 200) << put.body;
  const config::Hook replaced = *store_->GetHook(id);
  EXPECT_EQ(replaced.aggregation, (config::AggregationSettings{false, 4096}));
  EXPECT_EQ(replaced.shard_rate, config::ShardRateSettings{});
  EXPECT_EQ(replaced.record_ttl_ms, 0);
}

TEST_F(AdminApiTest, NewSettingsSurviveAReopenOfTheStore) {
  const std::string id = StringAt(Call("POST", kHooks, ObjectOf(TunedHook())), "/id");
  ReopenStore();
  ASSERT_NE(store_, nullptr);
  const config::Hook hook = *store_->GetHook(id);
  EXPECT_EQ(hook.aggregation, (config::AggregationSettings{true, 262144}));
  EXPECT_EQ(hook.record_ttl_ms, 3600000);
  EXPECT_EQ(hook.shard_rate, (config::ShardRateSettings{500, 524288}));
}

class HookStatusTest : public AdminApiTest {
 protected:
  HookStatusTest() {
    api_->SetHookStatusSource([this](std::string_view hook_id) -> std::optional<config::HookStatus> {
      ++calls_;
      const auto it = statuses_.find(std::string(hook_id));
      if (it == statuses_.end()) return std::nullopt;
      return it->second;
    });
  }

  std::map<std::string, config::HookStatus> statuses_;
  int calls_ = 0;
};

TEST_F(AdminApiTest, StatusIsOmittedWithoutASource) {
  const std::string id = StringAt(Call("POST", kHooks, ObjectOf(MinimalHook())), "/id");
  EXPECT_FALSE(Has(Call("GET", kHooks + "/" + id), "/status"));
  const HttpResponse list = Call("GET", kHooks);
  ASSERT_EQ(ArraySizeAt(list, "/hooks"), 1u);
  EXPECT_FALSE(Has(list, "/hooks/0/status"));
}

TEST_F(HookStatusTest, StatusIsShownInGetsOnly) {
  const std::string a = StringAt(Call("POST", kHooks, ObjectOf(With(MinimalHook(), "id", R"("a")"))), "/id");
  const std::string b = StringAt(Call("POST", kHooks, ObjectOf(With(MinimalHook(), "id", R"("b")"))), "/id");
  statuses_["a"] = {"error", "ResourceNotFoundException: stream orders-stream not found", 42, 7,
                    1767225600123};
  statuses_["b"] = {"delivering", "", 0, 0, 0};

  const HttpResponse one = Call("GET", kHooks + "/a");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(StringAt(one, "/status/state"), "error");
  EXPECT_EQ(StringAt(one, "/status/error"), "ResourceNotFoundException: stream orders-stream not found");
  EXPECT_EQ(IntAt(one, "/status/lagRecords"), 42);
  EXPECT_EQ(IntAt(one, "/status/deadLetters"), 7);
  EXPECT_EQ(StringAt(one, "/status/lastDeliveredAt"), "2026-01-01T00:00:00.123Z");

  const HttpResponse list = Call("GET", kHooks);
  ASSERT_EQ(ArraySizeAt(list, "/hooks"), 2u);
  EXPECT_EQ(StringAt(list, "/hooks/0/status/state"), "error");
  EXPECT_EQ(StringAt(list, "/hooks/1/status/state"), "delivering");
  EXPECT_TRUE(IsNullAt(list, "/hooks/1/status/error"));
  EXPECT_TRUE(IsNullAt(list, "/hooks/1/status/lastDeliveredAt")) << "never delivered";

  // A hook delivery knows nothing about yet has no status.
  statuses_.erase("b");
  EXPECT_FALSE(Has(Call("GET", kHooks + "/b"), "/status"));
  EXPECT_TRUE(Has(Call("GET", kHooks), "/hooks/0/status"));
  EXPECT_FALSE(Has(Call("GET", kHooks), "/hooks/1/status"));

  // Writes answer without it and do not ask for it.
  const int calls_before = calls_;
  EXPECT_FALSE(Has(Call("PATCH", kHooks + "/a", R"({"enabled":false})"), "/status"));
  EXPECT_EQ(calls_, calls_before);
}

TEST_F(HookStatusTest, StatusSentBackIsIgnored) {
  Call("POST", kHooks, ObjectOf(With(MinimalHook(), "id", R"("a")")));
  statuses_["a"] = {"inactive", "", 3, 0, 0};
  const HttpResponse fetched = Call("GET", kHooks + "/a");
  ASSERT_TRUE(Has(fetched, "/status"));
  const HttpResponse put = Call("PUT", kHooks + "/a", fetched.body);
  EXPECT_EQ(put.status, 200) << put.body;
  const HttpResponse patched =
      Call("PATCH", kHooks + "/a", R"({"status":{"state":"delivering"},"enabled":false})");
  EXPECT_EQ(patched.status, 200) << patched.body;
  EXPECT_FALSE(store_->GetHook("a")->enabled);
  EXPECT_EQ(StringAt(Call("GET", kHooks + "/a"), "/status/state"), "inactive") << "the source decides";
}

}  // namespace
}  // namespace streamhook::admin
