#include "common/json_writer.h"

#include <gtest/gtest.h>

namespace streamhook {
namespace {

TEST(JsonWriter, WritesNestedValuesWithCommas) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("a");
  w.String("x\"y\\z\n");
  w.Key("list");
  w.BeginArray();
  w.Int(-3);
  w.Uint(4);
  w.Bool(true);
  w.Null();
  w.BeginObject();
  w.EndObject();
  w.EndArray();
  w.Key("raw");
  w.Raw("{\"k\":1}");
  w.Key("d");
  w.Double(1.5);
  w.EndObject();
  EXPECT_EQ(out, R"({"a":"x\"y\\z\n","list":[-3,4,true,null,{}],"raw":{"k":1},"d":1.5})");
}

TEST(JsonWriter, EscapesControlCharactersAndKeepsUtf8) {
  std::string out;
  AppendJsonString(std::string("\x01\x1f") + "é✓", &out);
  EXPECT_EQ(out, "\"\\u0001\\u001f\xC3\xA9\xE2\x9C\x93\"");
}

}  // namespace
}  // namespace streamhook
