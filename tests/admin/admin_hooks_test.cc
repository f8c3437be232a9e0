// /admin/v1/hooks and /admin/v1/hooks/{id}.
#include <string>

#include "admin_test_fixture.h"

namespace streamhook::admin {
namespace {

const std::string kHooks = "/admin/v1/hooks";

Members MinimalHook() {
  return {{"name", R"("Orders")"}, {"streamName", R"("orders-stream")"}, {"triggers", R"(["TRACK"])"}};
}

Members FullHook() {
  return {{"name", R"("Everything")"},
          {"type", R"("KINESIS")"},
          {"streamName", R"("all.events_v2")"},
          {"triggers", R"(["EVENT","MESSAGE_LOG","TRACK","IDENTIFY","PAGE","SCREEN","GROUP","ALIAS"])"},
          {"eventCodes", R"(["Order Completed","n:purchase"])"},
          {"payloadFormat", R"("netmera")"},
          {"partitionKey", R"("/properties/orderId")"},
          {"batch", R"({"maxRecords":20,"maxBytes":65536,"lingerMs":1000})"},
          {"enabled", "false"}};
}

TEST_F(AdminApiTest, CreateWithDefaultsReturns201) {
  const HttpResponse created = Call("POST", kHooks, ObjectOf(MinimalHook()));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = StringAt(created, "/id");
  EXPECT_EQ(id.size(), 36u);
  EXPECT_EQ(StringAt(created, "/type"), "KINESIS");
  EXPECT_EQ(StringAt(created, "/payloadFormat"), "segment");
  EXPECT_EQ(StringAt(created, "/partitionKey"), "userId");
  EXPECT_EQ(ArraySizeAt(created, "/eventCodes"), 0u);
  EXPECT_EQ(IntAt(created, "/batch/maxRecords"), 500);
  EXPECT_EQ(IntAt(created, "/batch/maxBytes"), 5242880);
  EXPECT_EQ(IntAt(created, "/batch/lingerMs"), 50);
  EXPECT_TRUE(BoolAt(created, "/enabled"));
  EXPECT_EQ(StringAt(created, "/createdAt"), StringAt(created, "/updatedAt"));

  const HttpResponse fetched = Call("GET", kHooks + "/" + id);
  ASSERT_EQ(fetched.status, 200);
  EXPECT_EQ(fetched.body, created.body);
  const HttpResponse list = Call("GET", kHooks);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(ArraySizeAt(list, "/hooks"), 1u);
  EXPECT_EQ(StringAt(list, "/hooks/0/id"), id);
  ASSERT_NE(store_->Snapshot()->FindHook(id), nullptr) << "the snapshot sees the new hook at once";
}

TEST_F(AdminApiTest, CreateWithEveryFieldAndAChosenId) {
  const HttpResponse created = Call("POST", kHooks, ObjectOf(With(FullHook(), "id", R"("all-events")")));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(StringAt(created, "/id"), "all-events");
  EXPECT_EQ(ArraySizeAt(created, "/triggers"), 8u);
  EXPECT_EQ(StringAt(created, "/triggers/1"), "MESSAGE_LOG");
  EXPECT_EQ(StringAt(created, "/eventCodes/1"), "n:purchase");
  EXPECT_EQ(StringAt(created, "/payloadFormat"), "netmera");
  EXPECT_EQ(StringAt(created, "/partitionKey"), "/properties/orderId");
  EXPECT_EQ(IntAt(created, "/batch/maxRecords"), 20);
  EXPECT_EQ(IntAt(created, "/batch/maxBytes"), 65536);
  EXPECT_EQ(IntAt(created, "/batch/lingerMs"), 1000);
  EXPECT_FALSE(BoolAt(created, "/enabled"));
  const config::Hook stored = *store_->GetHook("all-events");
  EXPECT_EQ(stored.triggers.front(), Trigger::kEvent);
  EXPECT_EQ(stored.batch, (config::BatchSettings{20, 65536, 1000}));

  ExpectError(Call("POST", kHooks, ObjectOf(With(MinimalHook(), "id", R"("all-events")"))), 409, "conflict");
}

TEST_F(AdminApiTest, HookValidationNamesEachBadField) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"id", R"("has/slash")"},
      {"name", R"("")"},
      {"name", "7"},
      {"type", R"("FIREHOSE")"},
      {"streamName", R"("bad name")"},
      {"streamName", R"("")"},
      {"triggers", "[]"},
      {"triggers", R"(["CLICK"])"},
      {"triggers", R"("TRACK")"},
      {"triggers", "[1]"},
      {"eventCodes", R"("Order Completed")"},
      {"eventCodes", "[1]"},
      {"eventCodes", R"([""])"},
      {"payloadFormat", R"("xml")"},
      {"partitionKey", R"("sessionId")"},
      {"partitionKey", R"("/a~2")"},
      {"batch", "5"},
      {"batch.maxRecords", R"({"maxRecords":0})"},
      {"batch.maxRecords", R"({"maxRecords":501})"},
      {"batch.maxRecords", R"({"maxRecords":1.5})"},
      {"batch.maxBytes", R"({"maxBytes":0})"},
      {"batch.maxBytes", R"({"maxBytes":5242881})"},
      {"batch.lingerMs", R"({"lingerMs":-1})"},
      {"batch.lingerMs", R"({"lingerMs":60001})"},
      {"batch.lingerMs", R"({"lingerMs":"10"})"},
      {"batch.flushEvery", R"({"flushEvery":1})"},
      {"enabled", R"("true")"},
      {"color", R"("blue")"},
  };
  for (const auto& [field, json] : cases) {
    const std::string_view key = field.substr(0, field.find('.'));
    const HttpResponse response = Call("POST", kHooks, ObjectOf(With(MinimalHook(), key, json)));
    ExpectFieldError(response, field);
  }
  for (std::string_view required : {"name", "streamName", "triggers"}) {
    ExpectFieldError(Call("POST", kHooks, ObjectOf(Without(MinimalHook(), required))), required);
  }
  EXPECT_TRUE(store_->ListHooks()->empty()) << "nothing invalid was stored";
}

TEST_F(AdminApiTest, HookBoundaryValuesAreAccepted) {
  Members hook = With(MinimalHook(), "batch", R"({"maxRecords":1,"maxBytes":5242880,"lingerMs":0})");
  hook = With(hook, "streamName", "\"" + std::string(128, 's') + "\"");
  hook =
      With(hook, "triggers", R"(["track","TRACK","page"])");  // names are case-insensitive; repeats collapse
  const HttpResponse created = Call("POST", kHooks, ObjectOf(hook));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(ArraySizeAt(created, "/triggers"), 2u);
  EXPECT_EQ(StringAt(created, "/triggers/1"), "PAGE");
  EXPECT_EQ(IntAt(created, "/batch/maxRecords"), 1);
  EXPECT_EQ(IntAt(created, "/batch/lingerMs"), 0);
}

TEST_F(AdminApiTest, PutReplacesTheWholeHook) {
  const std::string id = StringAt(Call("POST", kHooks, ObjectOf(FullHook())), "/id");
  const std::string path = kHooks + "/" + id;
  const std::string created_at = StringAt(Call("GET", path), "/createdAt");

  const HttpResponse put = Call("PUT", path, ObjectOf(With(MinimalHook(), "streamName", R"("replaced")")));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(StringAt(put, "/id"), id);
  EXPECT_EQ(StringAt(put, "/streamName"), "replaced");
  EXPECT_EQ(StringAt(put, "/payloadFormat"), "segment") << "omitted fields return to their defaults";
  EXPECT_EQ(IntAt(put, "/batch/maxRecords"), 500);
  EXPECT_TRUE(BoolAt(put, "/enabled"));
  EXPECT_EQ(StringAt(put, "/createdAt"), created_at);
  EXPECT_EQ(store_->GetHook(id)->stream_name, "replaced");

  // A GET answer can be sent back unchanged; a different id cannot.
  const HttpResponse echoed = Call("PUT", path, Call("GET", path).body);
  EXPECT_EQ(echoed.status, 200) << echoed.body;
  ExpectFieldError(Call("PUT", path, ObjectOf(With(MinimalHook(), "id", R"("other")"))), "id");
  ExpectFieldError(Call("PUT", path, ObjectOf(Without(MinimalHook(), "triggers"))), "triggers");
  ExpectError(Call("PUT", kHooks + "/missing", ObjectOf(MinimalHook())), 404, "not_found");
}

TEST_F(AdminApiTest, PatchChangesOnlyTheGivenFields) {
  const std::string id = StringAt(Call("POST", kHooks, ObjectOf(FullHook())), "/id");
  const std::string path = kHooks + "/" + id;
  const HttpResponse patched = Call("PATCH", path, R"({"enabled":true,"batch":{"lingerMs":5}})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_TRUE(BoolAt(patched, "/enabled"));
  EXPECT_EQ(IntAt(patched, "/batch/lingerMs"), 5);
  EXPECT_EQ(IntAt(patched, "/batch/maxRecords"), 20) << "other batch settings are kept";
  EXPECT_EQ(StringAt(patched, "/payloadFormat"), "netmera");
  EXPECT_EQ(StringAt(patched, "/streamName"), "all.events_v2");
  EXPECT_TRUE(store_->GetHook(id)->enabled);

  ExpectFieldError(Call("PATCH", path, R"({"batch":{"maxBytes":0}})"), "batch.maxBytes");
  ExpectFieldError(Call("PATCH", path, R"({"triggers":[]})"), "triggers");
  EXPECT_EQ(store_->GetHook(id)->batch.max_bytes, 65536) << "a refused PATCH changes nothing";
  ExpectError(Call("PATCH", kHooks + "/missing", "{}"), 404, "not_found");
}

TEST_F(AdminApiTest, DeleteHook) {
  const std::string id = StringAt(Call("POST", kHooks, ObjectOf(MinimalHook())), "/id");
  const HttpResponse deleted = Call("DELETE", kHooks + "/" + id);
  EXPECT_EQ(deleted.status, 204);
  EXPECT_TRUE(deleted.body.empty());
  ExpectError(Call("GET", kHooks + "/" + id), 404, "not_found");
  ExpectError(Call("DELETE", kHooks + "/" + id), 404, "not_found");
  EXPECT_EQ(ArraySizeAt(Call("GET", kHooks), "/hooks"), 0u);
}

}  // namespace
}  // namespace streamhook::admin
