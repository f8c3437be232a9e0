#include "admin/source_json.h"

#include "admin/masking.h"
#include "common/time_format.h"

namespace streamhook::admin {

MaybeFieldError ParseSourceJson(std::string_view body, config::Source* source) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (MaybeFieldError error = ParseJsonObject(parser, body, &object)) return error;
  *source = config::Source{};
  bool has_name = false;
  for (const auto [key, value] : object) {
    if (key == "name") {
      if (MaybeFieldError error = ReadString(value, "name", &source->name)) return error;
      if (MaybeFieldError error = AsFieldError("name", config::CheckName(source->name))) return error;
      has_name = true;
    } else if (key == "writeKey") {
      if (MaybeFieldError error = ReadString(value, "writeKey", &source->write_key)) return error;
      if (MaybeFieldError error = AsFieldError("writeKey", config::CheckWriteKey(source->write_key)))
        return error;
    } else {
      return UnknownField(key);
    }
  }
  if (!has_name) return MissingField("name");
  return std::nullopt;
}

void WriteSourceJson(const config::Source& source, WriteKeyDisplay display, JsonWriter* writer) {
  writer->BeginObject();
  writer->Key("id");
  writer->String(source.id);
  writer->Key("name");
  writer->String(source.name);
  writer->Key("writeKey");
  writer->String(display == WriteKeyDisplay::kFull ? source.write_key : MaskWriteKey(source.write_key));
  writer->Key("createdAt");
  writer->String(FormatIso8601Millis(source.created_at_ms));
  writer->EndObject();
}

}  // namespace streamhook::admin
