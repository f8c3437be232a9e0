// /admin/v1/sources and /admin/v1/sources/{id}.
#include <string>

#include "admin_test_fixture.h"

namespace streamhook::admin {
namespace {

const std::string kSources = "/admin/v1/sources";

TEST_F(AdminApiTest, CreatedSourceShowsTheWriteKeyOnceThenMasked) {
  const HttpResponse created = Call("POST", kSources, R"({"name":"Web"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = StringAt(created, "/id");
  const std::string write_key = StringAt(created, "/writeKey");
  EXPECT_EQ(write_key.size(), 43u) << "generated: 32 random bytes, base64url";
  EXPECT_EQ(StringAt(created, "/name"), "Web");
  EXPECT_EQ(store_->SourceIdForWriteKey(write_key), id) << "usable by ingest at once";

  const HttpResponse fetched = Call("GET", kSources + "/" + id);
  ASSERT_EQ(fetched.status, 200);
  EXPECT_EQ(StringAt(fetched, "/writeKey"), write_key.substr(0, 4) + "****");
  EXPECT_EQ(fetched.body.find(write_key), std::string::npos);
  const HttpResponse list = Call("GET", kSources);
  ASSERT_EQ(ArraySizeAt(list, "/sources"), 1u);
  EXPECT_EQ(StringAt(list, "/sources/0/writeKey"), write_key.substr(0, 4) + "****");
  EXPECT_EQ(list.body.find(write_key), std::string::npos);
}

TEST_F(AdminApiTest, ChosenWriteKeyAndDuplicates) {
  const HttpResponse created = Call("POST", kSources, R"({"name":"iOS","writeKey":"ios-write-key-0001"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(StringAt(created, "/writeKey"), "ios-write-key-0001");
  const HttpResponse duplicate = Call("POST", kSources, R"({"name":"Copy","writeKey":"ios-write-key-0001"})");
  ExpectError(duplicate, 409, "conflict");
  EXPECT_EQ(duplicate.body.find("ios-write-key-0001"), std::string::npos);
  EXPECT_EQ(ArraySizeAt(Call("GET", kSources), "/sources"), 1u);
}

TEST_F(AdminApiTest, SourceValidationNamesTheField) {
  ExpectFieldError(Call("POST", kSources, R"({})"), "name");
  ExpectFieldError(Call("POST", kSources, R"({"name":""})"), "name");
  ExpectFieldError(Call("POST", kSources, R"({"name":1})"), "name");
  ExpectFieldError(Call("POST", kSources, R"({"name":"a","writeKey":"short"})"), "writeKey");
  ExpectFieldError(Call("POST", kSources, R"({"name":"a","writeKey":"with:colon-key"})"), "writeKey");
  ExpectFieldError(Call("POST", kSources, R"({"name":"a","writeKey":123456789})"), "writeKey");
  ExpectFieldError(Call("POST", kSources, R"({"name":"a","id":"mine"})"), "id");
  EXPECT_TRUE(store_->ListSources()->empty());
}

TEST_F(AdminApiTest, DeleteSourceRevokesItsWriteKey) {
  const HttpResponse created = Call("POST", kSources, R"({"name":"Web","writeKey":"revoked-write-key"})");
  const std::string id = StringAt(created, "/id");
  ASSERT_TRUE(store_->SourceIdForWriteKey("revoked-write-key").has_value());
  EXPECT_EQ(Call("DELETE", kSources + "/" + id).status, 204);
  EXPECT_FALSE(store_->SourceIdForWriteKey("revoked-write-key").has_value());
  ExpectError(Call("GET", kSources + "/" + id), 404, "not_found");
  ExpectError(Call("DELETE", kSources + "/" + id), 404, "not_found");
}

}  // namespace
}  // namespace streamhook::admin
