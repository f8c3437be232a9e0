// The AWS options `tail` and `put` share: region, endpoint, profile, CA file.
#pragma once

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

#include "aws/kinesis_client.h"
#include "common/status.h"

namespace streamhook::cli {

struct AwsOptions {
  std::string region;
  std::string endpoint;
  std::string profile;
  std::string ca_file;
};

// Adds --region, --endpoint, --profile and --ca-file to a subcommand.
void AddAwsOptions(CLI::App* command, AwsOptions* options);

// A Kinesis client on `io` with the region resolved (flag, AWS_REGION, AWS_DEFAULT_REGION, the
// profile's config) and credentials from the default chain (environment, then profile files).
Result<std::unique_ptr<aws::KinesisClient>> MakeKinesisClient(boost::asio::io_context& io,
                                                              const AwsOptions& options);

}  // namespace streamhook::cli
