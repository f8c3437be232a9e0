// The Kinesis connector as the admin API reads and writes it:
//   {type: "KINESIS", region, credentials, accessKeyId, secretAccessKey, roleArn, externalId,
//    endpoint, caFile, active, updatedAt}
// credentials is read-only: "keys" when accessKeyId/secretAccessKey are set, "default chain" when
// neither is (the server then uses its default AWS credentials chain: environment, web identity,
// profile, EC2 instance metadata). Fields not set are written as null. secretAccessKey is always
// masked on the way out; externalId is not a secret and is shown in full.
#pragma once

#include <string_view>

#include "admin/json_fields.h"
#include "common/json_writer.h"
#include "config/model.h"

namespace streamhook::admin {

// Parses a PUT body into *connector (a full replacement). region and active are required.
// accessKeyId and secretAccessKey come as a pair or not at all (absent, null or "" for both means
// the default credentials chain); a secretAccessKey left out next to an accessKeyId keeps the one
// in `stored`, when it holds one. roleArn is optional, externalId too but only with roleArn.
// endpoint, caFile, roleArn and externalId: absent, null or "" clear them. type must be "KINESIS"
// when given; credentials and updatedAt are accepted and ignored, so a GET answer can be sent back.
MaybeFieldError ParseConnectorJson(std::string_view body, const config::KinesisConnector* stored,
                                   config::KinesisConnector* connector);

// Writes the connector as one JSON object value, secretAccessKey masked ("****" + last 4).
void WriteConnectorJson(const config::KinesisConnector& connector, JsonWriter* writer);

}  // namespace streamhook::admin
