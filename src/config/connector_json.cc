#include "config/connector_json.h"

#include "common/time_format.h"
#include "config/masking.h"

namespace streamhook::config {
namespace {

// endpoint and caFile: a string, or null / "" for "not set".
MaybeFieldError ReadOptionalString(simdjson::dom::element value, std::string_view field,
                                   Problem (*check)(std::string_view), std::string* out) {
  if (value.is_null()) {
    out->clear();
    return std::nullopt;
  }
  if (MaybeFieldError error = ReadString(value, field, out)) return error;
  if (out->empty()) return std::nullopt;
  return AsFieldError(field, check(*out));
}

}  // namespace

MaybeFieldError ParseConnectorJson(std::string_view body, const KinesisConnector* stored,
                                   KinesisConnector* connector) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (MaybeFieldError error = ParseJsonObject(parser, body, &object)) return error;
  *connector = KinesisConnector{};
  bool has_secret = false;
  for (const auto [key, value] : object) {
    if (key == "region") {
      if (MaybeFieldError error = ReadString(value, "region", &connector->region)) return error;
      if (MaybeFieldError error = AsFieldError("region", CheckRegion(connector->region))) return error;
    } else if (key == "accessKeyId") {
      if (MaybeFieldError error = ReadString(value, "accessKeyId", &connector->access_key_id)) return error;
      if (MaybeFieldError error = AsFieldError("accessKeyId", CheckAccessKeyId(connector->access_key_id))) {
        return error;
      }
    } else if (key == "secretAccessKey") {
      if (MaybeFieldError error = ReadString(value, "secretAccessKey", &connector->secret_access_key)) {
        return error;
      }
      if (MaybeFieldError error =
              AsFieldError("secretAccessKey", CheckSecretAccessKey(connector->secret_access_key))) {
        return error;
      }
      has_secret = true;
    } else if (key == "endpoint") {
      if (MaybeFieldError error =
              ReadOptionalString(value, "endpoint", CheckEndpointUrl, &connector->endpoint)) {
        return error;
      }
    } else if (key == "caFile") {
      if (MaybeFieldError error = ReadOptionalString(value, "caFile", CheckCaFile, &connector->ca_file)) {
        return error;
      }
    } else if (key == "active") {
      if (MaybeFieldError error = ReadBool(value, "active", &connector->active)) return error;
    } else if (key == "type") {
      std::string type;
      if (MaybeFieldError error = ReadString(value, "type", &type)) return error;
      if (type != "KINESIS") return FieldError::Invalid("type", "must be \"KINESIS\"");
    } else if (key == "updatedAt") {
      // Read-only: accepted so that a GET result can be sent back.
    } else {
      return UnknownField(key);
    }
  }
  for (std::string_view required : {"region", "accessKeyId", "active"}) {
    if (object[required].error() != simdjson::SUCCESS) return MissingField(required);
  }
  if (!has_secret) {
    if (stored == nullptr) return MissingField("secretAccessKey");
    connector->secret_access_key = stored->secret_access_key;
  }
  return std::nullopt;
}

void WriteConnectorJson(const KinesisConnector& connector, JsonWriter* writer) {
  writer->BeginObject();
  writer->Key("type");
  writer->String("KINESIS");
  writer->Key("region");
  writer->String(connector.region);
  writer->Key("accessKeyId");
  writer->String(connector.access_key_id);
  writer->Key("secretAccessKey");
  writer->String(MaskSecretTail(connector.secret_access_key));
  writer->Key("endpoint");
  if (connector.endpoint.empty()) {
    writer->Null();
  } else {
    writer->String(connector.endpoint);
  }
  writer->Key("caFile");
  if (connector.ca_file.empty()) {
    writer->Null();
  } else {
    writer->String(connector.ca_file);
  }
  writer->Key("active");
  writer->Bool(connector.active);
  writer->Key("updatedAt");
  writer->String(FormatIso8601Millis(connector.updated_at_ms));
  writer->EndObject();
}

}  // namespace streamhook::config
