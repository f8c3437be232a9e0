#include "profiles/traits_merge.h"

#include <gtest/gtest.h>

namespace streamhook::profiles {
namespace {

std::string Merged(std::string_view base, std::string_view update) {
  auto merged = MergeTraits(base, update);
  EXPECT_TRUE(merged.ok()) << merged.status().ToString();
  return merged.ok() ? *merged : "<error>";
}

TEST(TraitsMergeTest, UpdateReplacesSameKeysAndKeepsOthers) {
  EXPECT_EQ(Merged(R"({"name":"Ann","plan":"free"})", R"({"plan":"pro","age":31})"),
            R"({"name":"Ann","plan":"pro","age":31})");
}

TEST(TraitsMergeTest, IsTopLevelOnly) {
  // Segment replaces a nested object whole: the old city must not survive.
  EXPECT_EQ(Merged(R"({"address":{"city":"Izmir","zip":"35000"}})", R"({"address":{"city":"Ankara"}})"),
            R"({"address":{"city":"Ankara"}})");
}

TEST(TraitsMergeTest, NullIsStoredNotDeleted) {
  EXPECT_EQ(Merged(R"({"a":1,"b":2})", R"({"a":null})"), R"({"a":null,"b":2})");
}

TEST(TraitsMergeTest, EmptyInputs) {
  EXPECT_EQ(Merged("{}", "{}"), "{}");
  EXPECT_EQ(Merged("{}", R"({"x":[1,2]})"), R"({"x":[1,2]})");
  EXPECT_EQ(Merged(R"({"x":true})", "{}"), R"({"x":true})");
}

TEST(TraitsMergeTest, RepeatedKeyCountsOnceWithItsLastValue) {
  EXPECT_EQ(Merged(R"({"a":1,"a":2})", R"({"b":3,"b":4})"), R"({"a":2,"b":4})");
}

TEST(TraitsMergeTest, KeysNeedingEscapesSurvive) {
  EXPECT_EQ(Merged(R"({"qu\"ote":1})", R"({"new\nline":"v\u00e9"})"),
            "{\"qu\\\"ote\":1,\"new\\nline\":\"v\xC3\xA9\"}");
}

TEST(TraitsMergeTest, NonObjectsAreRefused) {
  EXPECT_EQ(MergeTraits("[]", "{}").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(MergeTraits("{}", "\"x\"").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(MergeTraits("{", "{}").status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace streamhook::profiles
