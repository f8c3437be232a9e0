// IngestHandler: answers only after the sink's callback, maps sink failures to 503/500, counts.
#include "ingest/ingest_handler.h"

#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "common/time_format.h"
#include "ingest_test_util.h"

namespace streamhook::ingest {
namespace {

using testing::Json;
using testing::MapResolver;
using testing::Post;

// Holds every Append so the test decides when (and how) the sink answers.
class HoldingSink : public EventSink {
 public:
  void Append(std::vector<Event> events, std::function<void(Status)> done) override {
    appended.push_back(std::move(events));
    pending.push_back(std::move(done));
  }
  std::vector<std::vector<Event>> appended;
  std::vector<std::function<void(Status)>> pending;
};

class IngestHandlerTest : public ::testing::Test {
 protected:
  // Handles `request`, recording the response when (if) it comes.
  void Send(const HttpRequest& request) {
    response_.reset();
    responses_ = 0;
    handler_.Handle(request, [this](HttpResponse r) {
      response_ = std::move(r);
      ++responses_;
    });
  }
  static std::string_view HeaderOf(const HttpResponse& r, std::string_view name) {
    for (const auto& [key, value] : r.headers) {
      if (key == name) return value;
    }
    return {};
  }

  MapResolver keys_;
  HoldingSink sink_;
  IngestHandler handler_{&keys_, &sink_};
  std::optional<HttpResponse> response_;
  int responses_ = 0;
};

const char kBatch[] =
    R"({"batch":[{"type":"identify","userId":"u"},{"type":"track","userId":"u","event":"E"}]})";

TEST_F(IngestHandlerTest, Answers200OnlyAfterTheSinkSaysDurable) {
  Send(Post("/v1/batch", kBatch));
  ASSERT_EQ(sink_.pending.size(), 1u);
  ASSERT_EQ(sink_.appended[0].size(), 2u);
  EXPECT_EQ(sink_.appended[0][1].event_code, "E");
  EXPECT_FALSE(response_.has_value()) << "answered before the sink called back";
  EXPECT_EQ(handler_.stats().accepted_events(), 0u);
  sink_.pending[0](Status::Ok());
  ASSERT_TRUE(response_.has_value());
  EXPECT_EQ(responses_, 1);
  EXPECT_EQ(response_->status, 200);
  EXPECT_EQ(response_->body, R"({"success":true})");
  EXPECT_EQ(response_->content_type, "application/json");
  EXPECT_EQ(handler_.stats().accepted_events(), 2u);
}

TEST_F(IngestHandlerTest, CallbackFromAnotherThread) {
  Send(Post("/v1/identify", R"({"userId":"u"})"));
  ASSERT_EQ(sink_.pending.size(), 1u);
  std::thread spool_thread([done = sink_.pending[0]] { done(Status::Ok()); });
  spool_thread.join();
  ASSERT_TRUE(response_.has_value());
  EXPECT_EQ(response_->status, 200);
  EXPECT_EQ(handler_.stats().accepted_events(), 1u);
}

TEST_F(IngestHandlerTest, FullSinkIs503WithRetryAfter) {
  for (int i = 0; i < 20; ++i) {
    Send(Post("/v1/batch", kBatch));
    sink_.pending.back()(Status::ResourceExhausted("spool is full (disk 95%)"));
    ASSERT_TRUE(response_.has_value());
    EXPECT_EQ(response_->status, 503);
    const std::string retry_after(HeaderOf(*response_, "Retry-After"));
    ASSERT_FALSE(retry_after.empty());
    const int seconds = std::stoi(retry_after);
    EXPECT_GE(seconds, 1);
    EXPECT_LE(seconds, 5);
    EXPECT_EQ(Json(response_->body).Str("/code"), "spool_full");
  }
  EXPECT_EQ(handler_.stats().rejected_requests(ErrorCode::kSpoolFull), 20u);
  EXPECT_EQ(handler_.stats().accepted_events(), 0u);
}

TEST_F(IngestHandlerTest, OtherSinkFailureIs500WithAGenericMessage) {
  Send(Post("/v1/batch", kBatch));
  sink_.pending[0](Status::IoError("write /var/lib/streamhook/spool/000042.log: EIO"));
  ASSERT_TRUE(response_.has_value());
  EXPECT_EQ(response_->status, 500);
  EXPECT_EQ(response_->body.find("000042"), std::string::npos) << response_->body;
  Json json(response_->body);
  EXPECT_EQ(json.At("/success"), "false");
  EXPECT_EQ(json.Str("/code"), "internal_error");
  EXPECT_EQ(handler_.stats().rejected_requests(ErrorCode::kInternal), 1u);
}

TEST_F(IngestHandlerTest, RefusedRequestsAnswerAtOnceAndNeverReachTheSink) {
  Send(Post("/v1/track", R"({"userId":"u"})"));
  ASSERT_TRUE(response_.has_value());
  EXPECT_EQ(response_->status, 400);
  Json json(response_->body);
  EXPECT_EQ(json.At("/success"), "false");
  EXPECT_EQ(json.Str("/code"), "missing_event");
  EXPECT_NE(json.Str("/message"), "<missing>");
  Send(Post("/v1/track", R"({"userId":"u","event":"E"})", "wk_unknown"));
  EXPECT_EQ(response_->status, 401);
  HttpRequest get = Post("/v1/track", "");
  get.method = "GET";
  Send(get);
  EXPECT_EQ(response_->status, 405);
  EXPECT_EQ(HeaderOf(*response_, "Allow"), "POST");
  Send(Post("/v1/nope", "{}"));
  EXPECT_EQ(response_->status, 404);
  EXPECT_EQ(Json(response_->body).Str("/code"), "not_found");
  EXPECT_TRUE(sink_.appended.empty());
  EXPECT_EQ(handler_.stats().rejected_requests(ErrorCode::kMissingEvent), 1u);
  EXPECT_EQ(handler_.stats().rejected_requests(ErrorCode::kUnauthorized), 1u);
  EXPECT_EQ(handler_.stats().rejected_requests(ErrorCode::kMethodNotAllowed), 1u);
  EXPECT_EQ(handler_.stats().rejected_requests(ErrorCode::kNotFound), 1u);
}

TEST_F(IngestHandlerTest, EmptyBatchSucceedsWithoutTheSink) {
  Send(Post("/v1/batch", R"({"batch":[]})"));
  ASSERT_TRUE(response_.has_value());
  EXPECT_EQ(response_->status, 200);
  EXPECT_TRUE(sink_.appended.empty());
}

TEST_F(IngestHandlerTest, PrometheusCounters) {
  Send(Post("/v1/batch", kBatch));
  sink_.pending[0](Status::Ok());
  Send(Post("/v1/batch", "{"));
  std::string text;
  handler_.AppendPrometheus(&text);
  EXPECT_NE(text.find("# TYPE streamhook_events_accepted_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nstreamhook_events_accepted_total 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nstreamhook_requests_rejected_total{reason=\"invalid_json\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("\nstreamhook_requests_rejected_total{reason=\"spool_full\"} 0\n"), std::string::npos)
      << text;
}

TEST_F(IngestHandlerTest, EventsCarryTheResolvedSourceAndReceivedTime) {
  const int64_t before = NowMillis();
  Send(Post("/v1/events", R"([{"code":"c","userId":"u"}])"));
  const int64_t after = NowMillis();
  ASSERT_EQ(sink_.appended.size(), 1u);
  const Event& e = sink_.appended[0][0];
  EXPECT_EQ(e.source_id, testing::kSourceId);
  EXPECT_GE(e.received_at_ms, before);
  EXPECT_LE(e.received_at_ms, after);
  EXPECT_EQ(e.message_id.size(), 36u);  // a random UUID
  sink_.pending[0](Status::Ok());
}

}  // namespace
}  // namespace streamhook::ingest
