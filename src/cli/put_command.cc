// streamhook put: writes one record, for debugging.
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/aws_options.h"
#include "cli/commands.h"
#include "cli/stream_tailer.h"

namespace streamhook::cli {
namespace {

struct PutFlags {
  AwsOptions aws;
  std::string stream;
  std::string partition_key;
  std::string explicit_hash_key;
  std::string data;
};

// "@file" reads the file, "-" reads standard input, anything else is the data itself.
Result<std::string> ReadData(const std::string& spec) {
  if (spec == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  if (!spec.empty() && spec[0] == '@') {
    std::ifstream in(spec.substr(1), std::ios::binary);
    if (!in) return Status::NotFound("cannot read data file '" + spec.substr(1) + "'");
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
  }
  return spec;
}

int RunPut(const PutFlags& flags) {
  auto data = ReadData(flags.data);
  if (!data.ok()) {
    std::cerr << "error: " << data.status().message() << "\n";
    return 1;
  }
  boost::asio::io_context io;
  auto client = MakeKinesisClient(io, flags.aws);
  if (!client.ok()) {
    std::cerr << "error: " << client.status().message() << "\n";
    return 1;
  }
  // The stream's own record limit (streams can be raised to 10 MiB).
  aws::StreamLimits limits;
  auto summary = aws::RunToCompletion<aws::StreamSummary>(
      io, [&](auto done) { (*client)->DescribeStreamSummary(flags.stream, std::move(done)); });
  if (summary.ok())
    limits = aws::StreamLimits::ForStream(summary->max_record_size_kib, aws::kDefaultMaxRequestBytes);
  const aws::PutRecordsEntry entry{*data, flags.partition_key, flags.explicit_hash_key};
  auto put = aws::RunToCompletion<aws::PutRecordOutput>(
      io, [&](auto done) { (*client)->PutRecord(flags.stream, entry, limits, std::move(done)); });
  if (!put.ok()) {
    std::cerr << "error: " << DescribeAwsFailure(put.error(), flags.stream, **client) << "\n";
    return 1;
  }
  std::cout << "{\"ShardId\":\"" << put->shard_id << "\",\"SequenceNumber\":\"" << put->sequence_number
            << "\"}\n";
  return 0;
}

}  // namespace

void RegisterPut(CLI::App& app) {
  auto flags = std::make_shared<PutFlags>();
  CLI::App* put = app.add_subcommand("put", "Write one record to a Kinesis stream (PutRecord)");
  put->add_option("--stream", flags->stream, "stream name or ARN")->required();
  put->add_option("--partition-key,-k", flags->partition_key, "partition key (1-256 characters)")->required();
  put->add_option("--explicit-hash-key", flags->explicit_hash_key,
                  "decimal hash key overriding the partition key's");
  put->add_option("--data,-d", flags->data, "the record: @file, - for standard input, or the text itself")
      ->required();
  AddAwsOptions(put, &flags->aws);
  put->callback([flags] { SetExitCode(RunPut(*flags)); });
}

}  // namespace streamhook::cli
