#include "server/router.h"

#include <gtest/gtest.h>

#include <optional>

#include "server/json_error.h"

namespace streamhook::server {
namespace {

HttpHandler Named(std::string name) {
  return [name](const HttpRequest&, Respond respond) {
    HttpResponse response;
    response.body = name;
    respond(std::move(response));
  };
}

HttpResponse Route(const Router& router, std::string method, std::string path) {
  HttpRequest request;
  request.method = std::move(method);
  request.path = std::move(path);
  std::optional<HttpResponse> answer;
  router.Dispatch(request, [&](HttpResponse response) { answer = std::move(response); });
  EXPECT_TRUE(answer.has_value());
  return answer.value_or(HttpResponse{});
}

Router ApiRouter() {
  Router router;
  router.AddPrefix("/v1/", Named("ingest"));
  router.AddPrefix("/admin/v1/", Named("admin"));
  router.AddPrefix("/admin/", Named("admin-other"));
  router.AddExact("/metrics", Named("metrics"));
  router.AddExact("/healthz", Named("healthz"));
  router.AddExact("/v1/special", Named("special"));
  return router;
}

TEST(RouterTest, ExactRoutesMatchOnlyTheirPath) {
  Router router = ApiRouter();
  EXPECT_EQ(Route(router, "GET", "/metrics").body, "metrics");
  EXPECT_EQ(Route(router, "GET", "/healthz").body, "healthz");
  EXPECT_EQ(Route(router, "GET", "/metrics/extra").status, 404);
  EXPECT_EQ(Route(router, "GET", "/metric").status, 404);
}

TEST(RouterTest, PrefixRoutesPreferTheLongestAndYieldToExact) {
  Router router = ApiRouter();
  EXPECT_EQ(Route(router, "POST", "/v1/track").body, "ingest");
  EXPECT_EQ(Route(router, "POST", "/v1/batch").body, "ingest");
  EXPECT_EQ(Route(router, "POST", "/v1/special").body, "special");
  EXPECT_EQ(Route(router, "GET", "/admin/v1/hooks").body, "admin");
  EXPECT_EQ(Route(router, "GET", "/admin/v2/hooks").body, "admin-other");
  EXPECT_EQ(Route(router, "POST", "/v1").status, 404);  // the prefix is "/v1/"
}

TEST(RouterTest, UnknownPathGetsJsonNotFound) {
  Router router = ApiRouter();
  HttpResponse response = Route(router, "DELETE", "/nope");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, R"({"success":false,"code":"not_found","message":"no route for DELETE /nope"})");
}

TEST(RouterTest, NotFoundMessageTruncatesLongPaths) {
  Router router;
  HttpResponse response = Route(router, "GET", "/" + std::string(5000, 'a'));
  EXPECT_EQ(response.status, 404);
  EXPECT_LT(response.body.size(), 400u);
  EXPECT_NE(response.body.find("..."), std::string::npos);
}

TEST(RouterTest, LaterRegistrationReplacesHandler) {
  Router router;
  router.AddExact("/x", Named("first"));
  router.AddExact("/x", Named("second"));
  router.AddPrefix("/p/", Named("first"));
  router.AddPrefix("/p/", Named("second"));
  EXPECT_EQ(Route(router, "GET", "/x").body, "second");
  EXPECT_EQ(Route(router, "GET", "/p/q").body, "second");
}

TEST(RouterTest, AsHandlerKeepsRoutesAsOfTheCall) {
  Router router;
  router.AddExact("/a", Named("a"));
  HttpHandler handler = router.AsHandler();
  router.AddExact("/b", Named("b"));  // after AsHandler: not seen by it
  HttpRequest request;
  request.method = "GET";
  request.path = "/b";
  int status = 0;
  handler(request, [&](HttpResponse response) { status = response.status; });
  EXPECT_EQ(status, 404);
  request.path = "/a";
  handler(request, [&](HttpResponse response) { status = response.status; });
  EXPECT_EQ(status, 200);
}

TEST(JsonErrorTest, EscapesMessage) {
  EXPECT_EQ(JsonErrorBody("bad_request", "quote \" and\nnewline"),
            R"({"success":false,"code":"bad_request","message":"quote \" and\nnewline"})");
  HttpResponse response = JsonErrorResponse(413, "payload_too_large", "too big");
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(response.content_type, "application/json");
}

}  // namespace
}  // namespace streamhook::server
