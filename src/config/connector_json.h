// The Kinesis connector as the admin API reads and writes it:
//   {region, accessKeyId, secretAccessKey, endpoint?, caFile?, active, updatedAt}
// secretAccessKey is always masked on the way out.
#pragma once

#include <string_view>

#include "common/json_writer.h"
#include "config/json_fields.h"
#include "config/model.h"

namespace streamhook::config {

// Parses a PUT body into *connector (a full replacement). region, accessKeyId and active are
// required; secretAccessKey too unless `stored` holds one, which is then kept. endpoint and caFile
// are optional (absent, null or "" clear them). type must be "KINESIS" when given; updatedAt
// is accepted and ignored, so a GET answer can be sent back.
MaybeFieldError ParseConnectorJson(std::string_view body, const KinesisConnector* stored,
                                   KinesisConnector* connector);

// Writes the connector as one JSON object value, secretAccessKey masked ("****" + last 4).
void WriteConnectorJson(const KinesisConnector& connector, JsonWriter* writer);

}  // namespace streamhook::config
