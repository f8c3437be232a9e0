// Fuzzes ParseTrackingCall, the whole path of a tracking request body: scan, authenticate,
// validate, normalize. Input: [route byte][flags byte][body]. The route byte picks the endpoint
// (every body shape plus a trailing slash and an unknown path); flags pick Basic auth, the method
// and tiny limits, so the size and count checks are reached with small inputs.
//
// Properties: an error carries no events and a status/code the API documents, never the write key;
// accepted events are valid JSON objects without `writeKey`, with a messageId within the limit, the
// receivedAt and source given, and survive the spool encoding; parsing the same request again
// (scratch buffers reused) gives the same result.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/encoding.h"
#include "common/event.h"
#include "fuzz_check.h"
#include "ingest/parse_request.h"

namespace {

using streamhook::Event;
using streamhook::HttpRequest;
using namespace streamhook::ingest;

constexpr std::string_view kWriteKey = "wk_fuzz_5ecret";
constexpr std::string_view kSourceId = "src-fuzz";
constexpr int64_t kNowMs = 1714564800000;  // 2024-05-01T12:00:00Z

constexpr std::string_view kPaths[] = {
    "/v1/track", "/v1/identify", "/v1/page",   "/v1/screen",       "/v1/group",  "/v1/alias",
    "/v1/batch", "/v1/import",   "/v1/events", "/v1/message-logs", "/v1/batch/", "/v1/nope",
};
constexpr size_t kPathCount = sizeof(kPaths) / sizeof(kPaths[0]);

enum Flags : uint8_t {
  kBasicAuth = 1,    // send the key in Authorization (else only a body writeKey can authenticate)
  kWrongMethod = 2,  // GET instead of POST
  kTinyLimits = 4,   // limits small enough for short inputs to cross them
};

class OneKey final : public WriteKeyResolver {
 public:
  std::optional<std::string> SourceIdForWriteKey(std::string_view key) const override {
    if (key == kWriteKey) return std::string(kSourceId);
    return std::nullopt;
  }
};

// "id-1", "id-2", ...: predictable, so two parses of one request can be compared.
class CountingIds final : public IdGenerator {
 public:
  std::string NewId() override { return "id-" + std::to_string(++count_); }

 private:
  int count_ = 0;
};

bool SameEvent(const Event& a, const Event& b) {
  return a.trigger == b.trigger && a.received_at_ms == b.received_at_ms && a.source_id == b.source_id &&
         a.message_id == b.message_id && a.user_id == b.user_id && a.anonymous_id == b.anonymous_id &&
         a.event_code == b.event_code && a.json == b.json;
}

bool IsJsonObjectWithoutWriteKey(simdjson::dom::parser& parser, const std::string& json) {
  simdjson::dom::object object;
  if (parser.parse(json).get(object) != simdjson::SUCCESS) return false;
  for (auto field : object) {
    if (field.key == "writeKey") return false;
  }
  return true;
}

void CheckError(const IngestError& error) {
  const int s = error.http_status;
  FUZZ_CHECK(s == 400 || s == 401 || s == 404 || s == 405 || s == 413);
  FUZZ_CHECK(error.code < ErrorCode::kCount);
  FUZZ_CHECK(!ErrorCodeName(error.code).empty());
  FUZZ_CHECK(!error.message.empty());
  FUZZ_CHECK(error.message.find(kWriteKey) == std::string::npos);
  // The response body a client gets must be JSON.
  simdjson::dom::parser parser;
  simdjson::dom::element element;
  FUZZ_CHECK(parser.parse(ErrorResponse(error).body).get(element) == simdjson::SUCCESS);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::string_view path = kPaths[data[0] % kPathCount];
  const uint8_t flags = data[1];
  HttpRequest request;
  request.method = (flags & kWrongMethod) ? "GET" : "POST";
  request.path = std::string(path);
  request.body.assign(reinterpret_cast<const char*>(data) + 2, size - 2);
  if (flags & kBasicAuth) {
    request.headers.emplace_back("authorization",
                                 "Basic " + streamhook::Base64Encode(std::string(kWriteKey) + ":"));
  }
  IngestLimits limits;
  if (flags & kTinyLimits) {
    limits = {
        .max_event_bytes = 200, .max_batch_bytes = 400, .max_batch_events = 3, .max_message_id_length = 8};
  }

  const OneKey keys;
  CountingIds ids;
  const ParseResult result = ParseTrackingCall(path, request, keys, kNowMs, ids, limits);
  if (!result.ok()) {
    FUZZ_CHECK(result.events.empty());
    CheckError(*result.error);
  } else {
    const bool single = data[0] % kPathCount < 6;
    FUZZ_CHECK(single ? result.events.size() == 1 : result.events.size() <= limits.max_batch_events);
    simdjson::dom::parser parser;
    std::string record;
    for (const Event& event : result.events) {
      FUZZ_CHECK(event.source_id == kSourceId);
      FUZZ_CHECK(event.received_at_ms == kNowMs);
      FUZZ_CHECK(!event.message_id.empty());
      FUZZ_CHECK(event.message_id.size() <= limits.max_message_id_length);
      FUZZ_CHECK(IsJsonObjectWithoutWriteKey(parser, event.json));
      // What the spool stores must decode to the same event.
      record.clear();
      streamhook::EncodeEvent(event, &record);
      auto decoded = streamhook::DecodeEvent(record);
      FUZZ_CHECK(decoded.ok());
      FUZZ_CHECK(decoded->trigger == event.trigger && decoded->json == event.json &&
                 decoded->message_id == event.message_id && decoded->user_id == event.user_id &&
                 decoded->anonymous_id == event.anonymous_id && decoded->event_code == event.event_code &&
                 decoded->source_id == event.source_id && decoded->received_at_ms == event.received_at_ms);
    }
  }

  // Pure function: the per-thread scratch buffers must not leak one parse into the next.
  CountingIds again_ids;
  const ParseResult again = ParseTrackingCall(path, request, keys, kNowMs, again_ids, limits);
  FUZZ_CHECK(again.ok() == result.ok());
  if (!again.ok()) {
    FUZZ_CHECK(again.error->code == result.error->code && again.error->message == result.error->message &&
               again.error->index == result.error->index);
  }
  FUZZ_CHECK(again.events.size() == result.events.size());
  for (size_t i = 0; i < again.events.size(); ++i) FUZZ_CHECK(SameEvent(again.events[i], result.events[i]));
  return 0;
}
