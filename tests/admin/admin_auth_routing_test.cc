// Authorization, routing (404/405) and malformed bodies, across every admin route.
#include <utility>
#include <vector>

#include "admin_test_fixture.h"

namespace streamhook::admin {
namespace {

struct Route {
  std::string method;
  std::string path;
};

std::vector<Route> AllRoutes() {
  return {{"GET", "/admin/v1/connectors/kinesis"},
          {"PUT", "/admin/v1/connectors/kinesis"},
          {"GET", "/admin/v1/hooks"},
          {"POST", "/admin/v1/hooks"},
          {"GET", "/admin/v1/hooks/h1"},
          {"PUT", "/admin/v1/hooks/h1"},
          {"PATCH", "/admin/v1/hooks/h1"},
          {"DELETE", "/admin/v1/hooks/h1"},
          {"GET", "/admin/v1/hooks/h1/dead-letters"},
          {"DELETE", "/admin/v1/hooks/h1/dead-letters"},
          {"GET", "/admin/v1/hooks/h1/dead-letters/0"},
          {"POST", "/admin/v1/hooks/h1/dead-letters/replay"},
          {"GET", "/admin/v1/hooks/h1/dead-letters/replay"},
          {"GET", "/admin/v1/sources"},
          {"POST", "/admin/v1/sources"},
          {"GET", "/admin/v1/sources/s1"},
          {"DELETE", "/admin/v1/sources/s1"}};
}

TEST_F(AdminApiTest, EveryRouteNeedsTheAdminToken) {
  for (const Route& route : AllRoutes()) {
    for (std::string_view token : {std::string_view(), std::string_view("wrong-token-0123456789"),
                                   std::string_view("test-admin-token-012345678"),  // a prefix
                                   std::string_view("test-admin-token-01234567890")}) {
      const HttpResponse response = Call(route.method, route.path, "{}", token);
      ExpectError(response, 401, "unauthorized");
      ASSERT_EQ(response.headers.size(), 1u);
      EXPECT_EQ(response.headers[0].first, "WWW-Authenticate");
    }
  }
  // The token must not leak back, nor what was sent.
  const HttpResponse response = Call("GET", "/admin/v1/hooks", "", "wrong-token-0123456789");
  EXPECT_EQ(response.body.find("wrong-token"), std::string::npos);
  EXPECT_EQ(response.body.find(kToken), std::string::npos);
}

TEST_F(AdminApiTest, AuthorizationSchemesOtherThanBearerAreRefused) {
  HttpRequest request;
  request.method = "GET";
  request.path = "/admin/v1/hooks";
  for (std::string header : {"Basic " + std::string(kToken), std::string(kToken), std::string("Bearer "),
                             "Bearer  " + std::string(kToken)}) {
    request.headers = {{"authorization", header}};
    EXPECT_EQ(api_->Serve(request).status, 401) << header;
  }
  request.headers = {{"authorization", "bearer " + std::string(kToken)}};  // scheme is case-insensitive
  EXPECT_EQ(api_->Serve(request).status, 200);
}

TEST_F(AdminApiTest, UnknownPathsAre404) {
  for (const char* path :
       {"/admin/v1/", "/admin/v1/nothing", "/admin/v1/hooks/", "/admin/v1/hooks/a/b", "/admin/v1/connectors",
        "/admin/v1/connectors/firehose", "/admin/v2/hooks", "/admin/v1//hooks", "/admin/v1/sources/x/y",
        "/v1/track", "/admin/v1/hooks/a/letters", "/admin/v1/hooks/a/dead-letters/",
        "/admin/v1/hooks/a/dead-letters/1/2", "/admin/v1/hooks/a/dead-letters/replay/x",
        "/admin/v1/hooks/a/dead-letters/x"}) {
    ExpectError(Call("GET", path), 404, "not_found");
  }
}

TEST_F(AdminApiTest, WrongMethodsAre405WithAllow) {
  const std::vector<std::pair<Route, std::string>> cases = {
      {{"POST", "/admin/v1/connectors/kinesis"}, "GET, PUT"},
      {{"DELETE", "/admin/v1/connectors/kinesis"}, "GET, PUT"},
      {{"PUT", "/admin/v1/hooks"}, "GET, POST"},
      {{"DELETE", "/admin/v1/hooks"}, "GET, POST"},
      {{"POST", "/admin/v1/hooks/h1"}, "GET, PUT, PATCH, DELETE"},
      {{"PUT", "/admin/v1/sources"}, "GET, POST"},
      {{"PUT", "/admin/v1/sources/s1"}, "GET, DELETE"},
      {{"PATCH", "/admin/v1/sources/s1"}, "GET, DELETE"},
  };
  for (const auto& [route, allow] : cases) {
    const HttpResponse response = Call(route.method, route.path, "{}");
    ExpectError(response, 405, "method_not_allowed");
    ASSERT_EQ(response.headers.size(), 1u) << route.method << " " << route.path;
    EXPECT_EQ(response.headers[0], (std::pair<std::string, std::string>("Allow", allow)));
  }
}

TEST_F(AdminApiTest, MalformedBodiesAre400InvalidJson) {
  ASSERT_EQ(Call("POST", "/admin/v1/hooks", R"({"name":"h","streamName":"s","triggers":["TRACK"]})").status,
            201);
  const std::string hook_id = StringAt(Call("GET", "/admin/v1/hooks"), "/hooks/0/id");
  PutConnectorForTest();
  for (const Route& route : std::vector<Route>{{"PUT", "/admin/v1/connectors/kinesis"},
                                               {"POST", "/admin/v1/hooks"},
                                               {"PUT", "/admin/v1/hooks/" + hook_id},
                                               {"PATCH", "/admin/v1/hooks/" + hook_id},
                                               {"POST", "/admin/v1/sources"}}) {
    for (const char* body : {"", "{", "not json", "[1,2]", "\"text\"", "{\"name\": }"}) {
      const HttpResponse response = Call(route.method, route.path, body);
      ExpectError(response, 400, "invalid_json");
      EXPECT_FALSE(Has(response, "/field")) << route.method << " " << route.path << " " << body;
    }
  }
}

TEST_F(AdminApiTest, RepeatedKeysAreRefused) {
  ExpectFieldError(Call("POST", "/admin/v1/sources", R"({"name":"a","name":"b"})"), "name");
  ExpectFieldError(
      Call("POST", "/admin/v1/hooks",
           R"({"name":"h","streamName":"s","triggers":["TRACK"],"batch":{"lingerMs":1,"lingerMs":2}})"),
      "batch.lingerMs");
}

}  // namespace
}  // namespace streamhook::admin
