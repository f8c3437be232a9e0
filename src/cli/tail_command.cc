// streamhook tail: prints what is in a stream, for debugging a pipeline.
#include <signal.h>

#include <atomic>
#include <iostream>

#include "cli/aws_options.h"
#include "cli/commands.h"
#include "cli/record_printer.h"
#include "cli/stream_tailer.h"
#include "common/time_format.h"

namespace streamhook::cli {
namespace {

std::atomic<bool> interrupted{false};

void OnInterrupt(int) {
  interrupted.store(true);
}

struct TailFlags {
  AwsOptions aws;
  std::string stream;
  std::string from = "trim-horizon";
  bool follow = false;
  std::string format = "pretty";
  int64_t limit = -1;
};

int RunTail(const TailFlags& flags) {
  TailOptions options;
  options.stream = flags.stream;
  options.follow = flags.follow;
  options.stop = &interrupted;
  if (flags.from == "trim-horizon") {
    options.start.type = aws::IteratorType::kTrimHorizon;
  } else if (flags.from == "latest") {
    options.start.type = aws::IteratorType::kLatest;
  } else if (auto ms = ParseIso8601Millis(flags.from)) {
    options.start.type = aws::IteratorType::kAtTimestamp;
    options.start.timestamp_ms = *ms;
  } else {
    std::cerr
        << "error: --from must be trim-horizon, latest or an ISO 8601 time such as 2026-11-23T10:00:00Z\n";
    return 2;
  }
  TailFormat format;
  if (!ParseTailFormat(flags.format, &format)) {
    std::cerr << "error: --format must be pretty, json or raw\n";
    return 2;
  }

  boost::asio::io_context io;
  auto client = MakeKinesisClient(io, flags.aws);
  if (!client.ok()) {
    std::cerr << "error: " << client.status().message() << "\n";
    return 1;
  }
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  int64_t printed = 0;
  StreamTailer tailer(io, **client, options);
  const Status status = tailer.Run([&](const TailedRecord& record) {
    if (flags.limit >= 0 && printed >= flags.limit) return false;
    std::cout << FormatRecord(record, format);
    ++printed;
    if (options.follow) std::cout.flush();
    return flags.limit < 0 || printed < flags.limit;
  });
  std::cout.flush();
  if (!status.ok()) {
    std::cerr << "error: " << status.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

void RegisterTail(CLI::App& app) {
  auto flags = std::make_shared<TailFlags>();
  CLI::App* tail =
      app.add_subcommand("tail", "Print the records in a Kinesis stream (every shard, in order)");
  tail->add_option("--stream", flags->stream, "stream name or ARN")->required();
  AddAwsOptions(tail, &flags->aws);
  tail->add_option("--from", flags->from, "trim-horizon (default), latest, or an ISO 8601 time");
  tail->add_flag("--follow,-f", flags->follow, "keep polling for new records until Ctrl-C");
  tail->add_option("--format", flags->format, "pretty (default), json (one object per line) or raw");
  tail->add_option("--limit,-n", flags->limit, "stop after this many records");
  tail->callback([flags] { SetExitCode(RunTail(*flags)); });
}

}  // namespace streamhook::cli
