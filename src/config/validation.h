// Checks for single configuration values, shared by the admin API's JSON parsing. Each returns
// nullopt when the value is acceptable, else what is wrong, phrased to follow the field name
// ("must be ..."). Messages never repeat the value: some are secrets.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace streamhook::config {

using Problem = std::optional<std::string>;

// An AWS region name like us-east-1 or us-gov-west-1: letters-letters[-letters]-digits.
Problem CheckRegion(std::string_view region);
// A Kinesis stream name: 1-128 characters of a-z A-Z 0-9 _ . -
Problem CheckStreamName(std::string_view name);
// An absolute http:// or https:// URL with a host, without user info, query or fragment.
Problem CheckEndpointUrl(std::string_view url);
// An absolute file path.
Problem CheckCaFile(std::string_view path);
// "userId", "messageId", or an RFC 6901 JSON pointer ("/properties/orderId").
Problem CheckPartitionKey(std::string_view key);
// An id chosen by the client: 1-64 characters of a-z A-Z 0-9 _ -
Problem CheckResourceId(std::string_view id);
// A display name: 1-200 characters, no control characters.
Problem CheckName(std::string_view name);
// An event code filter entry: 1-256 characters, no control characters.
Problem CheckEventCode(std::string_view code);
// An AWS access key id: 1-128 printable ASCII characters without spaces.
Problem CheckAccessKeyId(std::string_view id);
// An AWS secret access key: 1-256 printable ASCII characters without spaces, and not a masked
// value copied back from a GET ("****...").
Problem CheckSecretAccessKey(std::string_view secret);
// An IAM role ARN, at most 2048 characters: arn:<partition>:iam::<12-digit account>:role/<path><name>
// where the partition is "aws" or "aws-..." (aws-cn, aws-us-gov) and the path and name use
// a-z A-Z 0-9 _ + = , . @ - (the path being "/"-separated segments), the name at most 64 of them.
Problem CheckRoleArn(std::string_view arn);
// An sts:ExternalId: 2-1224 characters of a-z A-Z 0-9 _ + = , . @ : / -
Problem CheckExternalId(std::string_view id);
// A write key: 8-256 printable ASCII characters other than space and ':' (it travels as the user
// name of HTTP Basic auth, where ':' ends the user name).
Problem CheckWriteKey(std::string_view key);

}  // namespace streamhook::config
