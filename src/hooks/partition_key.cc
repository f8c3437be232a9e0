#include "hooks/partition_key.h"

#include <simdjson.h>

namespace streamhook::hooks {

Result<std::string> PartitionKeyFor(std::string_view setting, const EventView& event) {
  if (setting == "userId") {
    if (!event.user_id.empty()) return std::string(event.user_id);
    if (!event.anonymous_id.empty()) return std::string(event.anonymous_id);
    if (!event.message_id.empty()) return std::string(event.message_id);
    return Status::InvalidArgument("event has no userId, anonymousId or messageId for a partition key");
  }
  if (setting == "messageId") {
    if (event.message_id.empty())
      return Status::InvalidArgument("event has no messageId for a partition key");
    return std::string(event.message_id);
  }
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc, value;
  if (parser.parse(event.json.data(), event.json.size()).get(doc) != simdjson::SUCCESS) {
    return Status::InvalidArgument("event JSON does not parse");
  }
  if (doc.at_pointer(setting).get(value) != simdjson::SUCCESS) {
    return Status::InvalidArgument("partition key pointer " + std::string(setting) +
                                   " finds nothing in the event");
  }
  std::string key;
  switch (value.type()) {
    case simdjson::dom::element_type::STRING: key = std::string(value.get_string().value()); break;
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE:
    case simdjson::dom::element_type::BOOL: key = simdjson::minify(value); break;
    default:
      return Status::InvalidArgument("partition key pointer " + std::string(setting) +
                                     " finds null, an object or an array, not a string or number");
  }
  if (key.empty())
    return Status::InvalidArgument("partition key pointer " + std::string(setting) +
                                   " finds an empty string");
  return key;
}

}  // namespace streamhook::hooks
