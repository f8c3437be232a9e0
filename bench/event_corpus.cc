#include "event_corpus.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <string_view>
#include <utility>

#include "common/json_writer.h"
#include "common/time_format.h"

namespace streamhook::bench {
namespace {

// The Segment e-commerce / mobile / video specs' names, plus a few product-specific ones. Ordered
// roughly by how often real sites send them: the Zipf sampler makes the first ones most common.
constexpr std::array<std::string_view, 40> kTrackNames = {"Product Viewed",
                                                          "Products Searched",
                                                          "Product List Viewed",
                                                          "Product Clicked",
                                                          "Application Opened",
                                                          "Product Added",
                                                          "Cart Viewed",
                                                          "Promotion Viewed",
                                                          "Signed In",
                                                          "Checkout Started",
                                                          "Application Backgrounded",
                                                          "Product List Filtered",
                                                          "Push Notification Received",
                                                          "Checkout Step Viewed",
                                                          "Checkout Step Completed",
                                                          "Payment Info Entered",
                                                          "Order Completed",
                                                          "Product Removed",
                                                          "Promotion Clicked",
                                                          "Feature Used",
                                                          "Video Playback Started",
                                                          "Video Playback Completed",
                                                          "Push Notification Tapped",
                                                          "Wishlist Product Added",
                                                          "Email Opened",
                                                          "Email Link Clicked",
                                                          "Coupon Entered",
                                                          "Coupon Applied",
                                                          "Signed Up",
                                                          "Account Created",
                                                          "Signed Out",
                                                          "Product Shared",
                                                          "Product Reviewed",
                                                          "Application Installed",
                                                          "Video Ad Started",
                                                          "Trial Started",
                                                          "Subscription Started",
                                                          "Password Reset",
                                                          "Order Refunded",
                                                          "Order Cancelled"};

constexpr std::array<std::string_view, 8> kCategories = {"Shoes", "Electronics", "Books",  "Garden",
                                                         "Toys",  "Beauty",      "Sports", "Grocery"};
constexpr std::array<std::string_view, 6> kLocales = {"en-US", "en-GB", "de-DE", "tr-TR", "fr-FR", "es-ES"};
constexpr std::array<std::string_view, 4> kCurrencies = {"USD", "EUR", "TRY", "GBP"};
constexpr std::array<std::string_view, 5> kUserAgents = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 "
    "Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/119.0 Mobile Safari/537.36"};
constexpr std::array<std::string_view, 7> kPages = {
    "/", "/search", "/cart", "/checkout", "/account", "/products/shoes", "/blog/summer-sale"};
constexpr std::array<std::string_view, 5> kScreens = {"Home", "Product Detail", "Cart", "Settings", "Feed"};
constexpr std::array<std::string_view, 5> kPlans = {"free", "basic", "pro", "team", "enterprise"};
constexpr std::array<std::string_view, 16> kWords = {
    "light", "weight",    "running", "shoe", "with",  "breathable", "mesh", "upper",
    "and",   "cushioned", "sole",    "for",  "daily", "training",   "all",  "seasons"};

using Fields = std::vector<std::pair<std::string, std::string>>;  // key -> raw JSON value

std::string Str(std::string_view text) {
  std::string out;
  AppendJsonString(text, &out);
  return out;
}

// Plain words, so no escaping changes the length the caller asked for.
std::string Words(size_t length, size_t start) {
  std::string out;
  for (size_t i = start; out.size() < length; ++i) {
    if (!out.empty()) out += ' ';
    out += kWords[i % kWords.size()];
  }
  out.resize(length);
  return out;
}

}  // namespace

struct EventCorpus::Draft {
  std::string_view type;
  std::string user_id;
  std::string anonymous_id;
  Fields fields;              // top level: event, name, groupId, previousId
  std::string_view body_key;  // "properties", "traits" or "context"
  Fields body;                // the object the size filler goes into
  Fields context;             // empty when body_key is "context"
  std::string timestamp;
};

namespace {

void WriteObject(JsonWriter* w, const Fields& fields, std::string_view filler) {
  w->BeginObject();
  for (const auto& [key, raw] : fields) {
    w->Key(key);
    w->Raw(raw);
  }
  if (!filler.empty()) {
    w->Key("description");
    w->String(filler);
  }
  w->EndObject();
}

std::string Render(const std::string& run_id, const auto& d, std::string_view filler, size_t* id_slot) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("type");
  w.String(d.type);
  w.Key("messageId");
  *id_slot = out.size() + 1 + run_id.size() + 1;  // past the quote, the run id and the '-'
  w.String(run_id + "-" + std::string(kSequenceDigits, '0'));
  if (!d.user_id.empty()) {
    w.Key("userId");
    w.String(d.user_id);
  }
  if (!d.anonymous_id.empty()) {
    w.Key("anonymousId");
    w.String(d.anonymous_id);
  }
  for (const auto& [key, raw] : d.fields) {
    w.Key(key);
    w.Raw(raw);
  }
  w.Key("timestamp");
  w.String(d.timestamp);
  w.Key(d.body_key);
  WriteObject(&w, d.body, filler);
  if (!d.context.empty()) {
    w.Key("context");
    WriteObject(&w, d.context, {});
  }
  w.EndObject();
  return out;
}

std::string MakeRunId() {
  char buf[kRunIdLength + 1];
  std::random_device device;
  const uint64_t mixed = (static_cast<uint64_t>(NowMillis()) * 0x9E3779B97F4A7C15ull) ^
                         (static_cast<uint64_t>(getpid()) << 32) ^ device();
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(mixed ^ (mixed >> 32)));
  return buf;
}

}  // namespace

EventCorpus::EventCorpus(CorpusOptions options)
    : rng_(options.seed),
      run_id_(options.run_id.empty() ? MakeRunId() : options.run_id),
      users_(options.users, options.zipf_exponent),
      track_names_(kTrackNames.size(), 0.8),
      base_time_ms_(NowMillis()) {}

size_t EventCorpus::Uniform(size_t n) {
  return std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
}

std::string EventCorpus::UserId(size_t rank) const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "user_%07zu", rank);
  return buf;
}

std::string EventCorpus::AnonymousId() {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04x-4%03x-a%03x-%012llx",
                static_cast<unsigned long long>(rng_() & 0xffffffffu),
                static_cast<unsigned>(Uniform(0x10000)), static_cast<unsigned>(Uniform(0x1000)),
                static_cast<unsigned>(Uniform(0x1000)),
                static_cast<unsigned long long>(rng_() & 0xffffffffffffull));
  return buf;
}

void EventCorpus::DraftContext(Draft* d, bool mobile) {
  char ip[32];
  std::snprintf(ip, sizeof ip, "10.%zu.%zu.%zu", Uniform(256), Uniform(256), Uniform(254) + 1);
  d->context.emplace_back("library", mobile ? R"({"name":"analytics-ios","version":"4.1.8"})"
                                            : R"({"name":"analytics.js","version":"4.1.0"})");
  d->context.emplace_back("ip", Str(ip));
  d->context.emplace_back("locale", Str(kLocales[Uniform(kLocales.size())]));
  if (mobile) {
    d->context.emplace_back("os", R"({"name":"iOS","version":"17.1"})");
  } else {
    d->context.emplace_back("userAgent", Str(kUserAgents[Uniform(kUserAgents.size())]));
  }
}

void EventCorpus::DraftTrack(Draft* d) {
  const size_t name = track_names_.Sample(rng_);
  d->fields.emplace_back("event", Str(kTrackNames[name]));
  d->body_key = "properties";
  char id[32];
  std::snprintf(id, sizeof id, "prod_%05zu", Uniform(20000));
  d->body.emplace_back("product_id", Str(id));
  d->body.emplace_back("category", Str(kCategories[Uniform(kCategories.size())]));
  const size_t extras = Uniform(4);
  if (extras >= 1) d->body.emplace_back("price", std::to_string(Uniform(50000) + 99) + "e-2");
  if (extras >= 2) d->body.emplace_back("quantity", std::to_string(Uniform(5) + 1));
  if (extras >= 3) d->body.emplace_back("currency", Str(kCurrencies[Uniform(kCurrencies.size())]));
  DraftContext(d, Uniform(4) == 0);
}

void EventCorpus::DraftIdentify(Draft* d) {
  d->body_key = "traits";
  d->body.emplace_back("email", Str(d->user_id + "@example.com"));
  d->body.emplace_back("plan", Str(kPlans[Uniform(kPlans.size())]));
  d->body.emplace_back("createdAt",
                       Str(FormatIso8601Millis(base_time_ms_ - int64_t(Uniform(1000)) * 86400000)));
  DraftContext(d, Uniform(4) == 0);
}

void EventCorpus::DraftPage(Draft* d, bool screen) {
  d->body_key = "properties";
  if (screen) {
    d->fields.emplace_back("name", Str(kScreens[Uniform(kScreens.size())]));
    d->body.emplace_back("variation", Str(Uniform(2) ? "blue" : "green"));
  } else {
    const std::string_view path = kPages[Uniform(kPages.size())];
    d->fields.emplace_back("name", Str(path == "/" ? "Home" : path.substr(1)));
    d->body.emplace_back("path", Str(path));
    d->body.emplace_back("url", Str("https://shop.example.com" + std::string(path)));
    d->body.emplace_back("referrer", Str("https://www.google.com/"));
  }
  DraftContext(d, screen);
}

void EventCorpus::DraftGroup(Draft* d) {
  char id[32];
  std::snprintf(id, sizeof id, "org_%04zu", Uniform(2000));
  d->fields.emplace_back("groupId", Str(id));
  d->body_key = "traits";
  d->body.emplace_back("name", Str(std::string("Company ") + id));
  d->body.emplace_back("employees", std::to_string(Uniform(5000) + 1));
  d->body.emplace_back("plan", Str(kPlans[Uniform(kPlans.size())]));
  DraftContext(d, false);
}

void EventCorpus::DraftAlias(Draft* d) {
  d->fields.emplace_back("previousId", Str(AnonymousId()));
  // An alias has no properties; its context carries the filler.
  DraftContext(d, false);
  d->body_key = "context";
  d->body = std::move(d->context);
  d->context.clear();
}

std::string EventCorpus::MakeEvent(size_t* id_slot) {
  Draft d;
  const size_t roll = Uniform(100);  // track 70, identify 10, page 10, screen 5, group 3, alias 2
  d.type = roll < 70   ? "track"
           : roll < 80 ? "identify"
           : roll < 90 ? "page"
           : roll < 95 ? "screen"
           : roll < 98 ? "group"
                       : "alias";
  const bool anonymous_only =
      (d.type == "track" || d.type == "page" || d.type == "screen") && Uniform(100) < 15;
  if (anonymous_only) {
    d.anonymous_id = AnonymousId();
  } else {
    d.user_id = UserId(users_.Sample(rng_));
  }
  // Clients batch events from the last minute or so.
  d.timestamp = FormatIso8601Millis(base_time_ms_ - static_cast<int64_t>(Uniform(60000)));
  if (d.type == "track") DraftTrack(&d);
  if (d.type == "identify") DraftIdentify(&d);
  if (d.type == "page" || d.type == "screen") DraftPage(&d, d.type == "screen");
  if (d.type == "group") DraftGroup(&d);
  if (d.type == "alias") DraftAlias(&d);

  // Pad to a size drawn uniformly from [min, max]: render once to learn the fixed part.
  const size_t target = kMinEventBytes + Uniform(kMaxEventBytes - kMinEventBytes + 1);
  const std::string probe = Render(run_id_, d, "x", id_slot);
  if (probe.size() >= target) {
    std::string bare = Render(run_id_, d, {}, id_slot);
    return bare.size() >= kMinEventBytes ? bare : Render(run_id_, d, "x", id_slot);
  }
  return Render(run_id_, d, Words(target - probe.size() + 1, Uniform(kWords.size())), id_slot);
}

BatchTemplate EventCorpus::MakeBatch(size_t events) {
  BatchTemplate batch;
  batch.body = R"({"batch":[)";
  for (size_t i = 0; i < events; ++i) {
    if (i > 0) batch.body += ',';
    size_t slot = 0;
    const std::string event = MakeEvent(&slot);
    batch.id_slots.push_back(batch.body.size() + slot);
    batch.body += event;
  }
  batch.body += R"(],"sentAt":)";
  AppendJsonString(FormatIso8601Millis(base_time_ms_), &batch.body);
  batch.body += '}';
  return batch;
}

void StampMessageIds(const BatchTemplate& batch, uint64_t first_sequence, std::string* body) {
  static constexpr char kHex[] = "0123456789abcdef";
  body->assign(batch.body);
  uint64_t sequence = first_sequence;
  for (const size_t slot : batch.id_slots) {
    char* digits = body->data() + slot;
    uint64_t v = sequence++;
    for (size_t i = kSequenceDigits; i-- > 0; v >>= 4) digits[i] = kHex[v & 0xf];
  }
}

}  // namespace streamhook::bench
