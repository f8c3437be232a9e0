#include "cli/aws_options.h"

#include "aws/credentials.h"

namespace streamhook::cli {

void AddAwsOptions(CLI::App* command, AwsOptions* options) {
  command->add_option("--region", options->region,
                      "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, profile)");
  command->add_option("--endpoint", options->endpoint,
                      "Kinesis endpoint URL, e.g. http://127.0.0.1:4567 for an emulator");
  command->add_option("--profile", options->profile, "profile in the AWS shared config/credentials files");
  command->add_option("--ca-file", options->ca_file,
                      "extra CA certificates (PEM) to trust for https endpoints");
}

Result<std::unique_ptr<aws::KinesisClient>> MakeKinesisClient(boost::asio::io_context& io,
                                                              const AwsOptions& options) {
  auto region = aws::ResolveRegion(options.region, options.profile);
  if (!region.ok()) {
    // An emulator does not care about the region; the signature still needs one.
    if (options.endpoint.empty()) return region.status();
    region = std::string("us-east-1");
  }
  aws::CredentialsChainOptions chain;
  chain.profile = options.profile;
  aws::KinesisClientOptions client;
  client.region = *region;
  client.endpoint_url = options.endpoint;
  client.http.ca_file = options.ca_file;
  return aws::KinesisClient::Create(io.get_executor(), std::move(client),
                                    aws::MakeDefaultCredentialsChain(std::move(chain)));
}

}  // namespace streamhook::cli
