// The sink over TLS, driven by streamhook's own Kinesis client as the server drives it.
#include "sink_server.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "aws/kinesis_client.h"
#include "support/test_env.h"

namespace streamhook::bench {
namespace {

using streamhook::testing::RunCommand;
using streamhook::testing::TempDir;

TEST(SinkServer, AnswersKinesisClientOverTlsAndCounts) {
  TempDir dir;
  const std::string d = dir.path().string();
  std::string out;
  // One self-signed certificate, as run_pipeline_bench.sh makes: its own CA, valid for 127.0.0.1.
  ASSERT_EQ(
      RunCommand({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                  "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                  "-keyout", d + "/sink.key", "-out", d + "/sink.pem"},
                 &out),
      0)
      << out;
  SinkServerOptions options;
  options.cert_file = d + "/sink.pem";
  options.key_file = d + "/sink.key";
  options.threads = 2;
  auto sink = SinkServer::Start(options);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();

  boost::asio::io_context io;
  aws::KinesisClientOptions client_options;
  client_options.region = "us-east-1";
  client_options.endpoint_url = "https://127.0.0.1:" + std::to_string((*sink)->port());
  client_options.http.ca_file = d + "/sink.pem";
  auto client = aws::KinesisClient::Create(
      io.get_executor(), client_options,
      aws::MakeStaticCredentialsProvider({"AKIDEXAMPLE", "secret", "", std::nullopt}));
  ASSERT_TRUE(client.ok()) << client.status().ToString();

  auto summary = aws::RunToCompletion<aws::StreamSummary>(
      io, [&](auto done) { (*client)->DescribeStreamSummary("events", std::move(done)); });
  ASSERT_TRUE(summary.ok()) << summary.error().ToString();
  EXPECT_EQ(summary->open_shard_count, 4);
  EXPECT_EQ(summary->max_record_size_kib, 1024);

  // PutRecordsEntry only points at its bytes: they must outlive the calls.
  std::vector<std::string> data, keys;
  for (int i = 0; i < 500; ++i) {
    data.push_back("event " + std::to_string(i));
    keys.push_back("user-" + std::to_string(i));
  }
  std::vector<aws::PutRecordsEntry> records;
  for (int i = 0; i < 500; ++i) records.push_back({data[i], keys[i], ""});
  for (int call = 0; call < 3; ++call) {
    auto put = aws::RunToCompletion<aws::PutRecordsOutput>(io, [&](auto done) {
      (*client)->PutRecords("events", records, aws::StreamLimits{}, std::move(done));
    });
    ASSERT_TRUE(put.ok()) << put.error().ToString();
    EXPECT_EQ(put->failed_record_count, 0);
    ASSERT_EQ(put->records.size(), 500u);
    EXPECT_FALSE(put->records[499].sequence_number.empty());
  }

  const SinkCounters& counters = (*sink)->counters();
  EXPECT_EQ(counters.connections, 1u);  // keep-alive
  EXPECT_EQ(counters.requests, 4u);
  EXPECT_EQ(counters.put_records_calls, 3u);
  EXPECT_EQ(counters.records_accepted, 1500u);
  EXPECT_EQ(counters.max_records_per_call, 500u);
  EXPECT_GT(counters.request_bytes, counters.data_bytes);  // heads and JSON around the data

  // The side port serves the same counters.
  ASSERT_EQ(
      RunCommand({"curl", "-sf", "http://127.0.0.1:" + std::to_string((*sink)->stats_port()) + "/stats"},
                 &out, {}, false),
      0);
  EXPECT_NE(out.find("\"recordsAccepted\":1500"), std::string::npos) << out;
}

}  // namespace
}  // namespace streamhook::bench
