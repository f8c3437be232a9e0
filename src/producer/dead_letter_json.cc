// ParseDeadLetterJson: a dead-letter line back into the letter it was written from (for replay).
#include <simdjson.h>

#include "common/encoding.h"
#include "common/time_format.h"
#include "producer/dead_letter_store.h"

namespace streamhook::producer {

Result<DeadLetter> ParseDeadLetterJson(std::string_view line) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(line.data(), line.size()).get(object) != simdjson::SUCCESS)
    return Status::Corruption("dead letter is not a JSON object");
  DeadLetter letter;
  auto text = [&](const char* key, std::string* out) {
    std::string_view value;
    if (object[key].get_string().get(value) == simdjson::SUCCESS) out->assign(value);
  };
  std::string time;
  text("time", &time);
  letter.time_ms = ParseIso8601Millis(time).value_or(0);
  text("hookId", &letter.hook_id);
  text("stream", &letter.stream);
  text("messageId", &letter.message_id);
  text("partitionKey", &letter.partition_key);
  text("reason", &letter.reason);
  uint64_t lsn = 0;
  if (object["lsn"].get_uint64().get(lsn) == simdjson::SUCCESS) letter.lsn = lsn;

  simdjson::dom::element data;
  if (object["data"].get(data) != simdjson::SUCCESS) return Status::Corruption("dead letter has no data");
  std::string encoding;
  text("dataEncoding", &encoding);
  std::string_view base64;
  const bool looks_base64 = data.is_object() && data.get_object().size() == 1 &&
                            data["base64"].get_string().get(base64) == simdjson::SUCCESS;
  if (encoding == "base64" || (encoding.empty() && looks_base64)) {
    if (!looks_base64)
      return Status::Corruption("dead letter says base64 but its data is not {\"base64\": ...}");
    std::optional<std::string> bytes = Base64Decode(base64);
    if (!bytes) return Status::Corruption("dead letter data is not valid base64");
    letter.data = std::move(*bytes);
  } else {
    letter.data = simdjson::minify(data);
  }
  return letter;
}

}  // namespace streamhook::producer
