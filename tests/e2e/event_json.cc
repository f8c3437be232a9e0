#include "e2e/event_json.h"

#include <simdjson.h>

namespace streamhook::e2e {

std::string TrackBatchJson(const std::vector<std::string>& message_ids, const std::string& user_prefix,
                           int users, const std::string& event) {
  std::string body = R"({"batch":[)";
  for (size_t i = 0; i < message_ids.size(); ++i) {
    if (i > 0) body += ',';
    body += R"({"type":"track","userId":")" + user_prefix + std::to_string(i % users) + R"(","event":")" +
            event + R"(","messageId":")" + message_ids[i] + R"(","properties":{"n":)" + std::to_string(i) +
            "}}";
  }
  body += "]}";
  return body;
}

std::vector<std::string> NumberedIds(const std::string& prefix, int count) {
  std::vector<std::string> ids;
  ids.reserve(count);
  for (int i = 0; i < count; ++i) ids.push_back(prefix + std::to_string(i));
  return ids;
}

std::map<std::string, int> CountMessageIds(const std::vector<StreamRecord>& records) {
  std::map<std::string, int> counts;
  simdjson::dom::parser parser;
  for (const StreamRecord& r : records) {
    std::string_view id;
    simdjson::dom::element message;
    if (parser.parse(r.data).get(message) != simdjson::SUCCESS ||
        message["messageId"].get(id) != simdjson::SUCCESS) {
      id = {};
    }
    ++counts[std::string(id)];
  }
  return counts;
}

}  // namespace streamhook::e2e
