#include "admin/connector_json.h"

#include "admin/masking.h"
#include "common/time_format.h"

namespace streamhook::admin {
namespace {

// Optional strings: a string, or null / "" for "not set".
MaybeFieldError ReadOptionalString(simdjson::dom::element value, std::string_view field,
                                   config::Problem (*check)(std::string_view), std::string* out) {
  if (value.is_null()) {
    out->clear();
    return std::nullopt;
  }
  if (MaybeFieldError error = ReadString(value, field, out)) return error;
  if (out->empty()) return std::nullopt;
  return AsFieldError(field, check(*out));
}

void WriteOptionalString(std::string_view value, JsonWriter* writer) {
  if (value.empty()) {
    writer->Null();
  } else {
    writer->String(value);
  }
}

// The rules between fields, once each is valid on its own.
MaybeFieldError CheckCombination(bool has_secret, const config::KinesisConnector* stored,
                                 config::KinesisConnector* connector) {
  if (connector->access_key_id.empty()) {
    if (!connector->secret_access_key.empty()) {
      return FieldError::Invalid("accessKeyId",
                                 "is required with secretAccessKey (or leave both out to use "
                                 "the default AWS credentials chain)");
    }
  } else if (connector->secret_access_key.empty()) {
    // Left out: keep the stored secret, so a GET answer (whose secret is masked) can be sent back.
    if (has_secret || stored == nullptr || stored->secret_access_key.empty()) {
      return FieldError::Invalid("secretAccessKey",
                                 "is required with accessKeyId (or leave both out to use "
                                 "the default AWS credentials chain)");
    }
    // The stored secret belongs to the stored key id: a new key id with it would sign wrongly.
    if (stored->access_key_id != connector->access_key_id) {
      return FieldError::Invalid("secretAccessKey", "is required when accessKeyId changes");
    }
    connector->secret_access_key = stored->secret_access_key;
  }
  if (!connector->external_id.empty() && connector->role_arn.empty()) {
    return FieldError::Invalid("externalId", "is only allowed with roleArn");
  }
  return std::nullopt;
}

}  // namespace

MaybeFieldError ParseConnectorJson(std::string_view body, const config::KinesisConnector* stored,
                                   config::KinesisConnector* connector) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (MaybeFieldError error = ParseJsonObject(parser, body, &object)) return error;
  *connector = config::KinesisConnector{};
  bool has_secret = false;
  for (const auto [key, value] : object) {
    if (key == "region") {
      if (MaybeFieldError error = ReadString(value, "region", &connector->region)) return error;
      if (MaybeFieldError error = AsFieldError("region", config::CheckRegion(connector->region)))
        return error;
    } else if (key == "accessKeyId") {
      if (MaybeFieldError error =
              ReadOptionalString(value, "accessKeyId", config::CheckAccessKeyId, &connector->access_key_id)) {
        return error;
      }
    } else if (key == "secretAccessKey") {
      if (MaybeFieldError error = ReadOptionalString(value, "secretAccessKey", config::CheckSecretAccessKey,
                                                     &connector->secret_access_key)) {
        return error;
      }
      has_secret = true;
    } else if (key == "roleArn") {
      if (MaybeFieldError error =
              ReadOptionalString(value, "roleArn", config::CheckRoleArn, &connector->role_arn)) {
        return error;
      }
    } else if (key == "externalId") {
      if (MaybeFieldError error =
              ReadOptionalString(value, "externalId", config::CheckExternalId, &connector->external_id)) {
        return error;
      }
    } else if (key == "endpoint") {
      if (MaybeFieldError error =
              ReadOptionalString(value, "endpoint", config::CheckEndpointUrl, &connector->endpoint)) {
        return error;
      }
    } else if (key == "caFile") {
      if (MaybeFieldError error =
              ReadOptionalString(value, "caFile", config::CheckCaFile, &connector->ca_file)) {
        return error;
      }
    } else if (key == "active") {
      if (MaybeFieldError error = ReadBool(value, "active", &connector->active)) return error;
    } else if (key == "type") {
      std::string type;
      if (MaybeFieldError error = ReadString(value, "type", &type)) return error;
      if (type != "KINESIS") return FieldError::Invalid("type", "must be \"KINESIS\"");
    } else if (key == "credentials" || key == "updatedAt") {
      // Read-only: accepted so that a GET result can be sent back.
    } else {
      return UnknownField(key);
    }
  }
  for (std::string_view required : {"region", "active"}) {
    if (object[required].error() != simdjson::SUCCESS) return MissingField(required);
  }
  return CheckCombination(has_secret, stored, connector);
}

void WriteConnectorJson(const config::KinesisConnector& connector, JsonWriter* writer) {
  writer->BeginObject();
  writer->Key("type");
  writer->String("KINESIS");
  writer->Key("region");
  writer->String(connector.region);
  writer->Key("credentials");
  writer->String(connector.UsesDefaultCredentials() ? "default chain" : "keys");
  writer->Key("accessKeyId");
  WriteOptionalString(connector.access_key_id, writer);
  writer->Key("secretAccessKey");
  if (connector.secret_access_key.empty()) {
    writer->Null();
  } else {
    writer->String(MaskSecretTail(connector.secret_access_key));
  }
  writer->Key("roleArn");
  WriteOptionalString(connector.role_arn, writer);
  writer->Key("externalId");
  WriteOptionalString(connector.external_id, writer);
  writer->Key("endpoint");
  WriteOptionalString(connector.endpoint, writer);
  writer->Key("caFile");
  WriteOptionalString(connector.ca_file, writer);
  writer->Key("active");
  writer->Bool(connector.active);
  writer->Key("updatedAt");
  writer->String(FormatIso8601Millis(connector.updated_at_ms));
  writer->EndObject();
}

}  // namespace streamhook::admin
