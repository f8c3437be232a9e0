// /admin/v1/hooks/{id}/dead-letters[...] against a fake DeadLetterAdmin.
#include <map>
#include <string>
#include <vector>

#include "admin_test_fixture.h"

namespace streamhook::admin {
namespace {

const std::string kLetters = "/admin/v1/hooks/h1/dead-letters";

// Keeps letters per hook in memory and records what it was asked, so tests can check both the
// HTTP answers and the calls behind them.
class FakeDeadLetterAdmin final : public config::DeadLetterAdmin {
 public:
  Result<std::vector<std::string>> List(std::string_view hook_id, size_t offset, size_t limit,
                                        size_t* total) override {
    if (!fail_.ok()) return fail_;
    const std::vector<std::string>& all = letters[std::string(hook_id)];
    *total = all.size();
    last_list = {offset, limit};
    std::vector<std::string> page;
    for (size_t i = offset; i < all.size() && page.size() < limit; ++i) page.push_back(all[i]);
    return page;
  }

  Result<size_t> Replay(std::string_view hook_id, size_t up_to) override {
    if (!fail_.ok()) return fail_;
    last_up_to = up_to;
    const size_t moved = Take(hook_id, up_to);
    progress[std::string(hook_id)].queued += moved;
    return moved;
  }

  config::ReplayProgress Progress(std::string_view hook_id) override {
    return progress[std::string(hook_id)];
  }

  Result<size_t> Purge(std::string_view hook_id, size_t up_to) override {
    if (!fail_.ok()) return fail_;
    last_up_to = up_to;
    return Take(hook_id, up_to);
  }

  void Fail(Status status) { fail_ = std::move(status); }

  std::map<std::string, std::vector<std::string>> letters;
  std::map<std::string, config::ReplayProgress> progress;
  std::pair<size_t, size_t> last_list{SIZE_MAX, SIZE_MAX};
  size_t last_up_to = SIZE_MAX;

 private:
  // Removes letters [0, up_to) of the hook; how many there were.
  size_t Take(std::string_view hook_id, size_t up_to) {
    std::vector<std::string>& all = letters[std::string(hook_id)];
    const size_t count = std::min(up_to, all.size());
    all.erase(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(count));
    return count;
  }

  Status fail_;
};

std::string Letter(int n) {
  return R"({"lsn":)" + std::to_string(n) + R"(,"error":"ValidationException","record":{"n":)" +
         std::to_string(n) + "}}";
}

class DeadLettersTest : public AdminApiTest {
 protected:
  DeadLettersTest() {
    api_->SetDeadLetterAdmin(&fake_);
    const HttpResponse created =
        Call("POST", "/admin/v1/hooks", R"({"id":"h1","name":"h","streamName":"s","triggers":["TRACK"]})");
    EXPECT_EQ(created.status, 201) << created.body;
    for (int i = 0; i < 5; ++i) fake_.letters["h1"].push_back(Letter(i));
    fake_.letters["other"] = {Letter(100)};
  }

  // A request with a query string (Call sends none).
  HttpResponse WithQuery(std::string method, std::string path, std::string query,
                         std::string body = {}) const {
    HttpRequest request;
    request.method = std::move(method);
    request.path = std::move(path);
    request.query = std::move(query);
    request.body = std::move(body);
    request.headers.emplace_back("authorization", "Bearer " + std::string(kToken));
    return api_->Serve(request);
  }

  // Expects a 400 invalid_parameter answer naming `name`.
  void ExpectParameterError(const HttpResponse& response, std::string_view name) {
    EXPECT_EQ(response.status, 400) << response.body;
    EXPECT_EQ(StringAt(response, "/code"), "invalid_parameter") << response.body;
    EXPECT_EQ(StringAt(response, "/field"), name) << response.body;
    EXPECT_NE(StringAt(response, "/message").find(name), std::string::npos) << response.body;
  }

  FakeDeadLetterAdmin fake_;
};

TEST_F(DeadLettersTest, ListPagesOldestFirst) {
  const HttpResponse all = Call("GET", kLetters);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(IntAt(all, "/total"), 5);
  EXPECT_EQ(IntAt(all, "/offset"), 0);
  ASSERT_EQ(ArraySizeAt(all, "/letters"), 5u);
  EXPECT_EQ(IntAt(all, "/letters/0/lsn"), 0);
  EXPECT_EQ(IntAt(all, "/letters/4/record/n"), 4) << "letters are embedded as JSON, not strings";
  EXPECT_EQ(fake_.last_list, (std::pair<size_t, size_t>{0, 100})) << "default offset and limit";

  const HttpResponse page = WithQuery("GET", kLetters, "offset=3&limit=1");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(IntAt(page, "/total"), 5);
  EXPECT_EQ(IntAt(page, "/offset"), 3);
  ASSERT_EQ(ArraySizeAt(page, "/letters"), 1u);
  EXPECT_EQ(IntAt(page, "/letters/0/lsn"), 3);

  const HttpResponse past_the_end = WithQuery("GET", kLetters, "limit=1000&offset=99");
  ASSERT_EQ(past_the_end.status, 200) << past_the_end.body;
  EXPECT_EQ(ArraySizeAt(past_the_end, "/letters"), 0u);
  EXPECT_EQ(IntAt(past_the_end, "/total"), 5);
  EXPECT_EQ(WithQuery("GET", kLetters, "%6Cimit=2").status, 200) << "names are percent-decoded";
  EXPECT_EQ(fake_.last_list, (std::pair<size_t, size_t>{0, 2}));
}

TEST_F(DeadLettersTest, BadQueryParametersAre400NamingThem) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"limit", "limit=0"},
      {"limit", "limit=1001"},
      {"limit", "limit=-1"},
      {"limit", "limit=ten"},
      {"limit", "limit="},
      {"limit", "limit"},
      {"limit", "limit=1.5"},
      {"limit", "limit=+5"},
      {"offset", "offset=-1"},
      {"offset", "offset=1e3"},
      {"offset", "offset=99999999999999999999999"},
      {"offset", "offset=1&offset=2"},
      {"ofset", "ofset=1"},
  };
  for (const auto& [name, query] : cases) {
    ExpectParameterError(WithQuery("GET", kLetters, std::string(query)), name);
  }
  ExpectParameterError(WithQuery("GET", kLetters + "/replay", "verbose=1"), "verbose");
  ExpectParameterError(WithQuery("GET", kLetters + "/0", "x=1"), "x");
  EXPECT_EQ(fake_.last_list, (std::pair<size_t, size_t>{SIZE_MAX, SIZE_MAX})) << "never reached the store";
}

TEST_F(DeadLettersTest, OneLetterByIndex) {
  const HttpResponse letter = Call("GET", kLetters + "/2");
  ASSERT_EQ(letter.status, 200) << letter.body;
  EXPECT_EQ(letter.body, Letter(2));
  const HttpResponse missing = Call("GET", kLetters + "/5");
  ExpectError(missing, 404, "not_found");
  EXPECT_NE(StringAt(missing, "/message").find("index 5"), std::string::npos) << missing.body;
  ExpectError(Call("GET", kLetters + "/-1"), 404, "not_found");
  ExpectError(Call("GET", kLetters + "/two"), 404, "not_found");
  ExpectError(Call("GET", kLetters + "/2/x"), 404, "not_found");
}

TEST_F(DeadLettersTest, ReplayAllThenProgress) {
  const HttpResponse replayed = Call("POST", kLetters + "/replay");
  ASSERT_EQ(replayed.status, 202) << replayed.body;
  EXPECT_EQ(IntAt(replayed, "/queued"), 5);
  EXPECT_EQ(fake_.last_up_to, 5u) << "default: every letter there is now";
  EXPECT_TRUE(fake_.letters["h1"].empty());
  EXPECT_EQ(fake_.letters["other"].size(), 1u) << "other hooks' letters stay";

  fake_.progress["h1"].delivered = 3;
  const HttpResponse progress = Call("GET", kLetters + "/replay");
  ASSERT_EQ(progress.status, 200) << progress.body;
  EXPECT_EQ(IntAt(progress, "/queued"), 5);
  EXPECT_EQ(IntAt(progress, "/delivered"), 3);
  EXPECT_EQ(IntAt(Call("GET", kLetters), "/total"), 0);
}

TEST_F(DeadLettersTest, ReplayUpTo) {
  const HttpResponse replayed = Call("POST", kLetters + "/replay", R"({"upTo":2})");
  ASSERT_EQ(replayed.status, 202) << replayed.body;
  EXPECT_EQ(IntAt(replayed, "/queued"), 2);
  EXPECT_EQ(fake_.last_up_to, 2u);
  EXPECT_EQ(IntAt(Call("GET", kLetters), "/letters/0/lsn"), 2) << "the oldest two went";

  const HttpResponse more = WithQuery("POST", kLetters + "/replay", "upTo=100");
  ASSERT_EQ(more.status, 202) << more.body;
  EXPECT_EQ(IntAt(more, "/queued"), 3) << "fewer letters than upTo: all of them";
  EXPECT_EQ(IntAt(Call("GET", kLetters + "/replay"), "/queued"), 5);

  ExpectFieldError(Call("POST", kLetters + "/replay", R"({"upTo":-1})"), "upTo");
  ExpectFieldError(Call("POST", kLetters + "/replay", R"({"upTo":"all"})"), "upTo");
  ExpectFieldError(Call("POST", kLetters + "/replay", R"({"upto":1})"), "upto");
  ExpectFieldError(WithQuery("POST", kLetters + "/replay", "upTo=1", R"({"upTo":1})"), "upTo");
  ExpectError(Call("POST", kLetters + "/replay", "[1]"), 400, "invalid_json");
  ExpectParameterError(WithQuery("POST", kLetters + "/replay", "upTo=x"), "upTo");
}

TEST_F(DeadLettersTest, PurgeAllOrUpTo) {
  const HttpResponse some = WithQuery("DELETE", kLetters, "upTo=2");
  ASSERT_EQ(some.status, 200) << some.body;
  EXPECT_EQ(IntAt(some, "/purged"), 2);
  EXPECT_EQ(fake_.letters["h1"].size(), 3u);
  const HttpResponse by_body = Call("DELETE", kLetters, R"({"upTo":1})");
  ASSERT_EQ(by_body.status, 200) << by_body.body;
  EXPECT_EQ(IntAt(by_body, "/purged"), 1);
  const HttpResponse rest = Call("DELETE", kLetters);
  ASSERT_EQ(rest.status, 200) << rest.body;
  EXPECT_EQ(IntAt(rest, "/purged"), 2);
  EXPECT_EQ(fake_.last_up_to, 2u);
  EXPECT_TRUE(fake_.letters["h1"].empty());
  EXPECT_EQ(IntAt(Call("GET", kLetters + "/replay"), "/queued"), 0) << "purged letters are not replayed";
  ExpectParameterError(WithQuery("DELETE", kLetters, "upto=1"), "upto");
}

TEST_F(DeadLettersTest, UnknownHookIs404) {
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/admin/v1/hooks/other/dead-letters"},
                                                        {"GET", "/admin/v1/hooks/other/dead-letters/0"},
                                                        {"POST", "/admin/v1/hooks/other/dead-letters/replay"},
                                                        {"GET", "/admin/v1/hooks/other/dead-letters/replay"},
                                                        {"DELETE", "/admin/v1/hooks/other/dead-letters"}}) {
    const HttpResponse response = Call(method, path);
    ExpectError(response, 404, "not_found");
    EXPECT_NE(StringAt(response, "/message").find("other"), std::string::npos) << response.body;
  }
  EXPECT_EQ(fake_.letters["other"].size(), 1u) << "letters of a hook that is not configured stay put";
}

TEST_F(DeadLettersTest, WrongMethodsAre405) {
  const std::vector<std::pair<std::pair<std::string, std::string>, std::string>> cases = {
      {{"POST", kLetters}, "GET, DELETE"},
      {{"PUT", kLetters}, "GET, DELETE"},
      {{"DELETE", kLetters + "/0"}, "GET"},
      {{"PUT", kLetters + "/replay"}, "GET, POST"},
      {{"DELETE", kLetters + "/replay"}, "GET, POST"},
      {{"GE", kLetters}, "GET, DELETE"},
  };
  for (const auto& [route, allow] : cases) {
    const HttpResponse response = Call(route.first, route.second);
    ExpectError(response, 405, "method_not_allowed");
    ASSERT_EQ(response.headers.size(), 1u);
    EXPECT_EQ(response.headers[0].second, allow) << route.first << " " << route.second;
  }
  EXPECT_EQ(fake_.letters["h1"].size(), 5u);
}

TEST_F(DeadLettersTest, StoreErrorsMapToStatuses) {
  fake_.Fail(Status::Unavailable("the dead-letter log is being compacted"));
  ExpectError(Call("GET", kLetters), 503, "unavailable");
  ExpectError(Call("POST", kLetters + "/replay"), 503, "unavailable");
  ExpectError(Call("DELETE", kLetters, R"({"upTo":1})"), 503, "unavailable");
  fake_.Fail(Status::IoError("disk full"));
  ExpectError(Call("GET", kLetters + "/0"), 500, "internal");
}

TEST_F(DeadLettersTest, EveryRouteNeedsTheAdminToken) {
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", kLetters},
                                                        {"GET", kLetters + "/0"},
                                                        {"POST", kLetters + "/replay"},
                                                        {"GET", kLetters + "/replay"},
                                                        {"DELETE", kLetters}}) {
    ExpectError(Call(method, path, "", "wrong-token-0123456789"), 401, "unauthorized");
    ExpectError(Call(method, path, "", ""), 401, "unauthorized");
  }
  EXPECT_EQ(fake_.letters["h1"].size(), 5u);
  EXPECT_EQ(fake_.last_list, (std::pair<size_t, size_t>{SIZE_MAX, SIZE_MAX}));
}

TEST_F(AdminApiTest, DeadLettersWithoutAnAdminAre501) {
  ASSERT_EQ(Call("POST", "/admin/v1/hooks", R"({"id":"h1","name":"h","streamName":"s","triggers":["TRACK"]})")
                .status,
            201);
  for (const auto& [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", kLetters},
                                                        {"GET", kLetters + "/0"},
                                                        {"POST", kLetters + "/replay"},
                                                        {"GET", kLetters + "/replay"},
                                                        {"DELETE", kLetters}}) {
    const HttpResponse response = Call(method, path);
    ExpectError(response, 501, "not_implemented");
    EXPECT_NE(StringAt(response, "/message").find("dead letters"), std::string::npos);
  }
}

TEST_F(DeadLettersTest, DeletingAHookWithDeadLettersNeedsThemHandledFirst) {
  const HttpResponse refused = Call("DELETE", "/admin/v1/hooks/h1");
  ExpectError(refused, 409, "has_dead_letters");
  EXPECT_NE(StringAt(refused, "/message").find("5 dead letters"), std::string::npos) << refused.body;
  EXPECT_EQ(Call("GET", "/admin/v1/hooks/h1").status, 200) << "the hook is still there";
  EXPECT_EQ(fake_.letters["h1"].size(), 5u);

  ExpectParameterError(WithQuery("DELETE", "/admin/v1/hooks/h1", "deadLetters=keep"), "deadLetters");
  ExpectParameterError(WithQuery("DELETE", "/admin/v1/hooks/h1", "force=1"), "force");

  const HttpResponse deleted = WithQuery("DELETE", "/admin/v1/hooks/h1", "deadLetters=purge");
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  EXPECT_TRUE(fake_.letters["h1"].empty());
  EXPECT_EQ(fake_.letters["other"].size(), 1u) << "only that hook's letters";
  ExpectError(Call("GET", "/admin/v1/hooks/h1"), 404, "not_found");

  // A hook without dead letters is deleted as before; an unknown one is still a 404.
  ASSERT_EQ(Call("POST", "/admin/v1/hooks", R"({"id":"h2","name":"h","streamName":"s","triggers":["TRACK"]})")
                .status,
            201);
  EXPECT_EQ(Call("DELETE", "/admin/v1/hooks/h2").status, 204);
  ExpectError(Call("DELETE", "/admin/v1/hooks/h3"), 404, "not_found");
}

}  // namespace
}  // namespace streamhook::admin
