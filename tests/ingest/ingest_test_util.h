// Helpers for the ingest tests: a write-key table, predictable ids, request builders, and a DOM
// view of produced JSON so tests check meaning rather than byte layout where layout is free.
#pragma once

#include <simdjson.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/encoding.h"
#include "common/http_types.h"
#include "ingest/id_generator.h"
#include "ingest/write_key.h"

namespace streamhook::ingest::testing {

inline constexpr std::string_view kWriteKey = "wk_live_5ecret";
inline constexpr std::string_view kSourceId = "src-web";

class MapResolver : public WriteKeyResolver {
 public:
  MapResolver() { keys_[std::string(kWriteKey)] = std::string(kSourceId); }
  std::optional<std::string> SourceIdForWriteKey(std::string_view key) const override {
    auto it = keys_.find(std::string(key));
    if (it == keys_.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, std::string> keys_;
};

// "gen-1", "gen-2", ...
class CountingIds : public IdGenerator {
 public:
  std::string NewId() override { return "gen-" + std::to_string(++count_); }
  int count_ = 0;
};

inline std::string BasicAuth(std::string_view key) {
  return "Basic " + Base64Encode(std::string(key) + ":");
}

// A POST to `path` authenticated with Basic auth (the default key), or without auth when
// `key` is empty.
inline HttpRequest Post(std::string_view path, std::string body, std::string_view key = kWriteKey) {
  HttpRequest request;
  request.method = "POST";
  request.path = std::string(path);
  request.body = std::move(body);
  if (!key.empty()) request.headers.emplace_back("authorization", BasicAuth(key));
  return request;
}

// Parses produced JSON with the DOM API (which validates everything); fails the test if invalid.
class Json {
 public:
  explicit Json(std::string_view text) : text_(text) {
    auto error = parser_.parse(text_).get(root_);
    ok_ = error == simdjson::SUCCESS;
  }
  bool ok() const { return ok_; }
  simdjson::dom::element root() const { return root_; }
  // The value at a JSON pointer ("/context/library/name") as minified JSON, or "<missing>".
  std::string At(std::string_view pointer) const {
    simdjson::dom::element element;
    if (root_.at_pointer(pointer).get(element) != simdjson::SUCCESS) return "<missing>";
    return simdjson::minify(element);
  }
  // The string at a JSON pointer, or "<missing>" / "<not a string>".
  std::string Str(std::string_view pointer) const {
    simdjson::dom::element element;
    if (root_.at_pointer(pointer).get(element) != simdjson::SUCCESS) return "<missing>";
    std::string_view s;
    if (element.get_string().get(s) != simdjson::SUCCESS) return "<not a string>";
    return std::string(s);
  }
  bool Has(std::string_view pointer) const { return At(pointer) != "<missing>"; }

 private:
  simdjson::padded_string text_;
  simdjson::dom::parser parser_;
  simdjson::dom::element root_;
  bool ok_ = false;
};

}  // namespace streamhook::ingest::testing
