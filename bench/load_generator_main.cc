// load_generator: posts realistic Segment /v1/batch requests to a local streamhook and reports
// throughput and latency. See bench/README.md.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "event_corpus.h"
#include "load_report.h"
#include "load_runner.h"
#include "loopback_target.h"

namespace {

using namespace streamhook::bench;

int Fail(const std::string& message) {
  std::fprintf(stderr, "load_generator: %s\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Posts Segment /v1/batch requests to a streamhook on 127.0.0.1 and reports throughput"};
  std::string url = "http://127.0.0.1:8088";
  std::string write_key;
  double rate = 0;
  double duration = 0;
  uint64_t events = 0;
  size_t batch = 100;
  size_t connections = 4;
  size_t users = 100000;
  double zipf = 1.1;
  size_t templates = 64;
  uint64_t seed = 1;
  double timeout = 0;
  bool json = false;
  app.add_option("--url", url, "server base URL; loopback only (default http://127.0.0.1:8088)");
  app.add_option("--write-key", write_key, "the source's write key")->required();
  app.add_option("--rate", rate, "events per second to offer (default: flat out)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--duration", duration, "seconds to send for (default 10 unless --events is given)")
      ->check(CLI::Range(0.0, 3600.0));
  app.add_option("--events", events, "events to send in total");
  app.add_option("--batch", batch, "events per request (default 100)")->check(CLI::Range(1, 2500));
  app.add_option("--connections", connections, "keep-alive connections (default 4)")
      ->check(CLI::Range(1, 256));
  app.add_option("--users", users, "distinct userIds (default 100000)")->check(CLI::Range(1, 10000000));
  app.add_option("--zipf", zipf, "skew of events per user (default 1.1; 0 = uniform)")
      ->check(CLI::Range(0.0, 5.0));
  app.add_option("--templates", templates, "distinct request bodies to pre-generate (default 64)")
      ->check(CLI::Range(1, 100000));
  app.add_option("--seed", seed, "random seed of the event corpus (default 1)");
  app.add_option("--timeout", timeout,
                 "hard limit in seconds for the whole run (default: duration + 30, or 300 with --events)")
      ->check(CLI::Range(1.0, 7200.0));
  app.add_flag("--json", json, "print one JSON object instead of a table");
  CLI11_PARSE(app, argc, argv);

  auto target = ResolveLoopbackTarget(url);
  if (!target.ok()) return Fail(target.status().message());
  if (write_key.empty()) return Fail("--write-key must not be empty");
  if (duration == 0 && events == 0) duration = 10;

  RunSettings settings;
  settings.target = std::move(*target);
  settings.write_key = write_key;
  settings.connections = connections;
  settings.rate_events_per_s = rate;
  settings.duration = std::chrono::duration<double>(duration);
  settings.max_events = events;
  settings.hard_deadline = std::chrono::duration<double>(timeout > 0    ? timeout
                                                         : duration > 0 ? duration + 30
                                                                        : 300);

  // Everything is generated before the clock starts, so the generator's own cost stays out.
  CorpusOptions corpus_options;
  corpus_options.users = users;
  corpus_options.zipf_exponent = zipf;
  corpus_options.seed = seed;
  EventCorpus corpus(corpus_options);
  const RequestPool pool = BuildRequestPool(&corpus, batch, templates, events);
  double body_bytes = 0;
  double pool_events = 0;
  for (const auto& b : pool.batches) {
    body_bytes += static_cast<double>(b.body.size());
    pool_events += static_cast<double>(b.events());
  }

  auto result = RunLoad(settings, pool);
  if (!result.ok()) return Fail(result.status().message());

  RunDescription run;
  run.url = url;
  run.connections = connections;
  run.batch_events = batch;
  run.rate_events_per_s = rate;
  run.mean_event_bytes = body_bytes / pool_events;
  const std::string report = json ? FormatJsonReport(run, *result) : FormatTextReport(run, *result);
  std::fputs(report.c_str(), stdout);
  // Exit 1 when the server accepted nothing: scripts should not report a zero as a figure.
  return result->events_accepted > 0 ? 0 : 1;
}
