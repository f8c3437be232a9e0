#include "drills/delivery_check.h"

#include <simdjson.h>

#include <cstdio>
#include <unordered_map>

namespace streamhook::drills {

DeliveryCheck CheckDelivery(const std::vector<std::string>& acknowledged,
                            const std::vector<AcceptedRecord>& records) {
  DeliveryCheck check;
  check.acknowledged = acknowledged.size();
  check.records = records.size();
  std::unordered_map<std::string, size_t> position;  // messageId -> acknowledgement order
  position.reserve(acknowledged.size());
  for (size_t i = 0; i < acknowledged.size(); ++i) position.emplace(acknowledged[i], i);

  std::unordered_map<std::string, size_t> copies;         // messageId -> records carrying it
  std::unordered_map<std::string, size_t> newest_of_key;  // partition key -> newest position seen
  simdjson::dom::parser parser;
  for (const AcceptedRecord& r : records) {
    std::string_view id;
    simdjson::dom::element message;
    if (parser.parse(r.data).get(message) != simdjson::SUCCESS ||
        message["messageId"].get(id) != simdjson::SUCCESS) {
      ++check.foreign;
      continue;
    }
    const std::string message_id(id);
    if (++copies[message_id] > 1) continue;  // a re-sent copy: counted below, not ordered
    const auto at = position.find(message_id);
    if (at == position.end()) {
      ++check.unacknowledged;
      continue;
    }
    auto [newest, first_of_key] = newest_of_key.try_emplace(r.partition_key, at->second);
    if (first_of_key) continue;
    if (at->second < newest->second) {
      if (check.order_violations++ == 0) {
        check.order_example =
            "key " + r.partition_key + ": " + message_id + " arrived after " + acknowledged[newest->second];
      }
    } else {
      newest->second = at->second;
    }
  }
  for (const std::string& id : acknowledged) {
    const auto it = copies.find(id);
    if (it == copies.end()) {
      if (check.missing++ < 10) check.missing_examples.push_back(id);
    } else {
      check.duplicates += it->second - 1;
    }
  }
  return check;
}

void PrintCheck(const std::string& what, const DeliveryCheck& check) {
  std::printf(
      "[drill] %s: %zu acknowledged, %zu records on the stream, %zu missing, %zu duplicates, "
      "%zu unacknowledged delivered, %zu order violations\n",
      what.c_str(), check.acknowledged, check.records, check.missing, check.duplicates, check.unacknowledged,
      check.order_violations);
  std::fflush(stdout);
}

}  // namespace streamhook::drills
