// kinesis_sink: a fast Kinesis stand-in over TLS on 127.0.0.1 for benchmarks: answers PutRecords
// (and PutRecord, DescribeStreamSummary, ListShards), stores nothing, counts records and bytes, and
// can throttle a share of records. See bench/README.md.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <string>

#include "sink_server.h"

int main(int argc, char** argv) {
  CLI::App app{"Kinesis stand-in sink over TLS on 127.0.0.1 for benchmarks"};
  streamhook::bench::SinkServerOptions options;
  app.add_option("--cert", options.cert_file, "PEM certificate (chain) of the TLS port")->required();
  app.add_option("--key", options.key_file, "PEM private key of the certificate")->required();
  app.add_option("--port", options.port, "TLS port for the Kinesis API (default 0: any free one)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--stats-port", options.stats_port,
                 "plain HTTP port for GET /stats (default 0: any free one)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--threads", options.threads, "I/O threads (default 1)")->check(CLI::Range(1, 64));
  app.add_option("--shards", options.settings.shards, "shards every stream reports (default 4)")
      ->check(CLI::Range(1, 10000));
  app.add_option("--throttle-share", options.settings.throttle_share,
                 "share of records answered ProvisionedThroughputExceededException (default 0)")
      ->check(CLI::Range(0.0, 1.0));
  CLI11_PARSE(app, argc, argv);

  // Blocked before the I/O threads start, so only sigwait below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server = streamhook::bench::SinkServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "kinesis_sink: %s\n", server.status().message().c_str());
    return 1;
  }
  std::printf("kinesis_sink listening on https://127.0.0.1:%d, stats on http://127.0.0.1:%d/stats\n",
              (*server)->port(), (*server)->stats_port());
  std::fflush(stdout);
  int signal = 0;
  sigwait(&signals, &signal);
  // The totals, for a run that did not poll /stats.
  std::printf("%s\n", (*server)->counters().ToJson().c_str());
  return 0;
}
