#include "admin_test_fixture.h"

#include "config/random_tokens.h"

namespace streamhook::admin {

std::string ObjectOf(const Members& members) {
  std::string out = "{";
  for (const auto& [key, json] : members) {
    if (out.size() > 1) out += ",";
    out += "\"" + key + "\":" + json;
  }
  return out + "}";
}

Members With(Members members, std::string_view key, std::string_view json) {
  for (auto& [k, v] : members) {
    if (k == key) {
      v = std::string(json);
      return members;
    }
  }
  members.emplace_back(std::string(key), std::string(json));
  return members;
}

Members Without(Members members, std::string_view key) {
  std::erase_if(members, [&](const auto& member) { return member.first == key; });
  return members;
}

AdminApiTest::AdminApiTest() : master_key_(config::RandomBytes(32)) {
  ReopenStore();
}

void AdminApiTest::ReopenStore() {
  api_.reset();
  store_.reset();
  Result<std::unique_ptr<config::SqliteConfigStore>> store =
      config::SqliteConfigStore::Open(dir_.path(), *config::SecretBox::Create(master_key_));
  if (!store.ok()) {
    ADD_FAILURE() << store.status().ToString();
    return;
  }
  store_ = std::move(store).value();
  api_ = std::make_unique<AdminApi>(store_.get(), kToken);
}

void AdminApiTest::PutConnectorForTest() {
  const HttpResponse response = Call("PUT", "/admin/v1/connectors/kinesis", std::string(kConnectorBody));
  ASSERT_EQ(response.status, 200) << response.body;
}

HttpResponse AdminApiTest::Call(std::string method, std::string path, std::string body,
                                std::string_view token) const {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.body = std::move(body);
  request.remote = "127.0.0.1:5555";
  if (!token.empty()) request.headers.emplace_back("authorization", "Bearer " + std::string(token));
  // Go through the HttpHandler form, as the server will.
  HttpResponse answer;
  int calls = 0;
  api_->AsHandler()(request, [&](HttpResponse response) {
    answer = std::move(response);
    ++calls;
  });
  EXPECT_EQ(calls, 1) << "a handler must respond exactly once";
  return answer;
}

simdjson::dom::element AdminApiTest::Parse(const HttpResponse& response, std::string_view pointer) {
  simdjson::dom::element root;
  if (parser_.parse(response.body).get(root) != simdjson::SUCCESS) {
    ADD_FAILURE() << "not JSON: " << response.body;
    return {};
  }
  simdjson::dom::element value;
  if (root.at_pointer(pointer).get(value) != simdjson::SUCCESS) {
    ADD_FAILURE() << "no " << pointer << " in " << response.body;
    return {};
  }
  return value;
}

std::string AdminApiTest::StringAt(const HttpResponse& response, std::string_view pointer) {
  std::string_view text;
  EXPECT_EQ(Parse(response, pointer).get_string().get(text), simdjson::SUCCESS)
      << pointer << " is not a string";
  return std::string(text);
}

int64_t AdminApiTest::IntAt(const HttpResponse& response, std::string_view pointer) {
  int64_t number = 0;
  EXPECT_EQ(Parse(response, pointer).get_int64().get(number), simdjson::SUCCESS) << pointer;
  return number;
}

bool AdminApiTest::BoolAt(const HttpResponse& response, std::string_view pointer) {
  bool value = false;
  EXPECT_EQ(Parse(response, pointer).get_bool().get(value), simdjson::SUCCESS) << pointer;
  return value;
}

size_t AdminApiTest::ArraySizeAt(const HttpResponse& response, std::string_view pointer) {
  simdjson::dom::array array;
  EXPECT_EQ(Parse(response, pointer).get_array().get(array), simdjson::SUCCESS) << pointer;
  return array.size();
}

bool AdminApiTest::Has(const HttpResponse& response, std::string_view pointer) {
  simdjson::dom::element root;
  if (parser_.parse(response.body).get(root) != simdjson::SUCCESS) return false;
  return root.at_pointer(pointer).error() == simdjson::SUCCESS;
}

bool AdminApiTest::IsNullAt(const HttpResponse& response, std::string_view pointer) {
  return Parse(response, pointer).is_null();
}

void AdminApiTest::ExpectFieldError(const HttpResponse& response, std::string_view field) {
  EXPECT_EQ(response.status, 400) << response.body;
  EXPECT_FALSE(BoolAt(response, "/success"));
  EXPECT_EQ(StringAt(response, "/code"), "invalid_field") << response.body;
  EXPECT_EQ(StringAt(response, "/field"), field) << response.body;
  EXPECT_NE(StringAt(response, "/message").find(field), std::string::npos) << response.body;
}

void AdminApiTest::ExpectError(const HttpResponse& response, int status, std::string_view code) {
  EXPECT_EQ(response.status, status) << response.body;
  EXPECT_FALSE(BoolAt(response, "/success"));
  EXPECT_EQ(StringAt(response, "/code"), code) << response.body;
}

}  // namespace streamhook::admin
