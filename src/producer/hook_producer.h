// HookProducer: turns one hook's records into PutRecords calls on its stream.
//
// Records are spread over lanes by partition key. A lane sends one batch at a time, with at most one
// record per key, and sends its next batch only once every record of the previous one is
// acknowledged (retrying the failed ones first), so the records of one key reach Kinesis in the
// order they were added, also across retries. The price: a key gets at most one record per round
// trip of its lane. Several lanes keep several requests in flight on the client's pooled connections.
// A lane sends when its batch is full (records or bytes) or its oldest record waited lingerMs.
//
// Every record ends delivered or dead-lettered (durably), and then `done(lsn)` is called: that is
// when the hook's cursor may pass it. Throttling, 5xx and transport errors are retried with
// exponential backoff and jitter, without limit; stream-level permanent errors (no such stream,
// access denied) hold the lane and retry slowly, reporting the error in the metrics.
//
// All methods run on the strand given at construction.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "aws/kinesis_client.h"
#include "config/model.h"
#include "producer/backoff.h"
#include "producer/dead_letter_store.h"
#include "producer/producer_metrics.h"
#include "spool/spool_types.h"

namespace streamhook::producer {

struct OutgoingRecord {
  spool::Lsn lsn = 0;
  std::string partition_key;
  std::string data;
  std::string message_id;
  int64_t received_at_ms = 0;
  int attempts = 0;  // sends so far
};

struct HookProducerOptions {
  std::string hook_id;
  std::string stream;
  config::BatchSettings batch;
  aws::StreamLimits limits;
  int lanes = 8;
  BackoffPolicy retry_backoff{std::chrono::milliseconds(100), std::chrono::milliseconds(10000)};
  BackoffPolicy stream_error_backoff{std::chrono::milliseconds(1000), std::chrono::milliseconds(30000)};
};

class HookProducer {
 public:
  using Strand = boost::asio::strand<boost::asio::any_io_executor>;
  // The client to send with now (rebuilt when the connector changes); null when there is none.
  using ClientSource = std::function<std::shared_ptr<aws::KinesisClient>()>;
  using DoneCallback = std::function<void(spool::Lsn lsn)>;

  HookProducer(Strand strand, HookProducerOptions options, ClientSource clients,
               DeadLetterStore* dead_letters, DoneCallback done, ProducerMetrics* metrics);
  ~HookProducer();
  HookProducer(const HookProducer&) = delete;
  HookProducer& operator=(const HookProducer&) = delete;

  // Queues a record for its lane. A record over the stream's limits goes to the dead letters.
  void Add(OutgoingRecord record);
  // Sends a record straight to the dead letters with the reason (e.g. no usable partition key).
  void DeadLetter(OutgoingRecord record, const std::string& reason);
  // While paused nothing is sent (calls in flight finish); queued records wait.
  void SetPaused(bool paused);
  // A new stream, batch settings or limits apply to the next batches.
  void Update(const std::string& stream, const config::BatchSettings& batch, const aws::StreamLimits& limits);
  // Sends every non-empty lane now, without waiting for lingerMs (used when draining).
  void FlushAll();

  // Records added and not yet done.
  size_t pending() const { return pending_; }

 private:
  struct Lane;
  Lane& LaneFor(std::string_view key);
  void MaybeSend(Lane& lane);
  void TakeBatch(Lane& lane);
  void Send(Lane& lane);
  void OnResult(Lane& lane, aws::AwsResult<aws::PutRecordsOutput> result,
                std::chrono::steady_clock::time_point sent);
  void RetryLater(Lane& lane, std::chrono::milliseconds delay);
  void Finish(const OutgoingRecord& record);
  void DeadLetterAll(std::vector<OutgoingRecord> records, const std::string& reason);

  Strand strand_;
  HookProducerOptions options_;
  ClientSource clients_;
  DeadLetterStore* dead_letters_;
  DoneCallback done_;
  ProducerMetrics* metrics_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::mt19937_64 rng_{std::random_device{}()};
  size_t pending_ = 0;
  bool paused_ = false;
  bool flushing_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // callbacks check it after destruction
};

}  // namespace streamhook::producer
