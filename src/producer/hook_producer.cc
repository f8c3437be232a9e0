#include "producer/hook_producer.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <functional>
#include <unordered_set>

#include "common/time_format.h"

namespace streamhook::producer {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct HookProducer::Lane {
  explicit Lane(Strand& strand) : timer(strand) {}

  enum class State {
    kIdle,          // collecting; the timer (when armed) fires at oldest + linger
    kSending,       // a PutRecords call is in flight
    kWaitingRetry,  // `batch` holds records to send again when the timer fires
  };
  State state = State::kIdle;
  std::deque<OutgoingRecord> queue;
  int64_t queued_bytes = 0;
  Clock::time_point oldest;  // when the front of the queue was added
  bool linger_armed = false;
  std::vector<OutgoingRecord> batch;  // sent or to be re-sent, in order
  asio::steady_timer timer;
};

HookProducer::HookProducer(Strand strand, HookProducerOptions options, ClientSource clients,
                           DeadLetterStore* dead_letters, DoneCallback done, ProducerMetrics* metrics)
    : strand_(std::move(strand)),
      options_(std::move(options)),
      clients_(std::move(clients)),
      dead_letters_(dead_letters),
      done_(std::move(done)),
      metrics_(metrics) {
  for (int i = 0; i < std::max(1, options_.lanes); ++i) lanes_.push_back(std::make_unique<Lane>(strand_));
}

HookProducer::~HookProducer() {
  *alive_ = false;
  for (auto& lane : lanes_) lane->timer.cancel();
}

HookProducer::Lane& HookProducer::LaneFor(std::string_view key) {
  return *lanes_[std::hash<std::string_view>{}(key) % lanes_.size()];
}

void HookProducer::Finish(const OutgoingRecord& record) {
  --pending_;
  done_(record.lsn);
}

void HookProducer::Add(OutgoingRecord record) {
  ++pending_;
  const aws::PutRecordsEntry entry{record.data, record.partition_key, ""};
  if (auto error = aws::CheckRecord(entry, options_.limits)) {
    std::vector<OutgoingRecord> one;
    one.push_back(std::move(record));
    return DeadLetterAll(std::move(one), error->message);
  }
  Lane& lane = LaneFor(record.partition_key);
  if (lane.queue.empty()) lane.oldest = Clock::now();
  lane.queued_bytes += aws::RecordSize(entry);
  lane.queue.push_back(std::move(record));
  MaybeSend(lane);
}

void HookProducer::DeadLetter(OutgoingRecord record, const std::string& reason) {
  ++pending_;
  std::vector<OutgoingRecord> one;
  one.push_back(std::move(record));
  DeadLetterAll(std::move(one), reason);
}

void HookProducer::DeadLetterAll(std::vector<OutgoingRecord> records, const std::string& reason) {
  std::vector<producer::DeadLetter> letters;
  const int64_t now = NowMillis();
  for (auto& r : records) {
    letters.push_back(
        {now, options_.hook_id, options_.stream, r.lsn, r.message_id, r.partition_key, reason, r.data});
  }
  // Durable before the cursor may pass these records; if the disk refuses, keep them pending and
  // try again later rather than lose them.
  const Status status = dead_letters_->Append(letters);
  if (!status.ok()) {
    metrics_->SetError("cannot write dead letters: " + status.message());
    auto timer = std::make_shared<asio::steady_timer>(strand_, std::chrono::seconds(1));
    timer->async_wait([this, alive = std::weak_ptr<bool>(alive_), timer, records = std::move(records),
                       reason](const boost::system::error_code&) mutable {
      if (alive.expired()) return;
      DeadLetterAll(std::move(records), reason);
    });
    return;
  }
  metrics_->records_dead_lettered += records.size();
  for (const auto& r : records) Finish(r);
}

void HookProducer::MaybeSend(Lane& lane) {
  if (paused_ || lane.state != Lane::State::kIdle || lane.queue.empty()) return;
  const auto linger = std::chrono::milliseconds(options_.batch.linger_ms);
  const bool full =
      static_cast<int>(lane.queue.size()) >= options_.batch.max_records ||
      lane.queued_bytes >= std::min(options_.batch.max_bytes, options_.limits.max_request_bytes);
  if (!full && !flushing_ && Clock::now() - lane.oldest < linger) {
    if (!lane.linger_armed) {
      lane.linger_armed = true;
      lane.timer.expires_at(lane.oldest + linger);
      lane.timer.async_wait(
          [this, alive = std::weak_ptr<bool>(alive_), &lane](const boost::system::error_code& ec) {
            if (alive.expired() || ec) return;
            lane.linger_armed = false;
            MaybeSend(lane);
          });
    }
    return;
  }
  if (lane.linger_armed) {
    lane.linger_armed = false;
    lane.timer.cancel();
  }
  TakeBatch(lane);
  if (!lane.queue.empty()) lane.oldest = Clock::now();
  Send(lane);
}

void HookProducer::TakeBatch(Lane& lane) {
  // From the front, in order: within the record count, the hook's byte budget and the request
  // limit, and at most one record per partition key. PutRecords may accept a key's later record
  // while failing its earlier one; with one record per key in a request, and the lane's next
  // request waiting for this one, a key's records reach the stream in order even across retries.
  const int64_t byte_budget = std::min(options_.batch.max_bytes, options_.limits.max_request_bytes);
  const size_t max_records = static_cast<size_t>(std::max(1, options_.batch.max_records));
  const size_t scan_limit = std::min(lane.queue.size(), max_records * 8);  // bounds work per batch
  std::unordered_set<std::string_view> keys;
  std::vector<size_t> taken;
  int64_t bytes = 0;
  lane.batch.clear();
  for (size_t i = 0; i < scan_limit && taken.size() < max_records; ++i) {
    const OutgoingRecord& next = lane.queue[i];
    if (!keys.insert(next.partition_key).second) continue;  // this key waits for the next request
    const int64_t size = aws::RecordSize({next.data, next.partition_key, ""});
    if (!taken.empty() && bytes + size > byte_budget) break;
    bytes += size;
    taken.push_back(i);
  }
  keys.clear();  // views into records about to move
  std::deque<OutgoingRecord> rest;
  size_t t = 0;
  for (size_t i = 0; i < lane.queue.size(); ++i) {
    if (t < taken.size() && taken[t] == i) {
      lane.batch.push_back(std::move(lane.queue[i]));
      ++t;
    } else {
      rest.push_back(std::move(lane.queue[i]));
    }
  }
  lane.queue = std::move(rest);
  lane.queued_bytes -= bytes;
}

void HookProducer::Send(Lane& lane) {
  if (paused_) {
    lane.state = Lane::State::kWaitingRetry;  // resumed by SetPaused(false)
    return;
  }
  auto client = clients_();
  if (!client) {
    metrics_->SetError("no Kinesis connector configured");
    return RetryLater(lane, options_.stream_error_backoff.Delay(0, rng_));
  }
  lane.state = Lane::State::kSending;
  std::vector<aws::PutRecordsEntry> entries;
  entries.reserve(lane.batch.size());
  for (auto& r : lane.batch) {
    if (r.attempts++ > 0) ++metrics_->records_retried;
    entries.push_back({r.data, r.partition_key, ""});
  }
  ++metrics_->put_records_calls;
  metrics_->records_sent += entries.size();
  const auto sent = Clock::now();
  client->PutRecords(options_.stream, entries, options_.limits,
                     [this, alive = std::weak_ptr<bool>(alive_), &lane, sent, client,
                      strand = strand_](aws::AwsResult<aws::PutRecordsOutput> result) mutable {
                       asio::post(strand, [this, alive, &lane, sent, result = std::move(result)]() mutable {
                         if (alive.expired()) return;
                         OnResult(lane, std::move(result), sent);
                       });
                     });
}

void HookProducer::OnResult(Lane& lane, aws::AwsResult<aws::PutRecordsOutput> result,
                            Clock::time_point sent) {
  metrics_->put_records_latency.Observe(
      std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
  if (!result.ok()) {
    const aws::AwsError& error = result.error();
    ++metrics_->put_records_errors;
    if (metrics_->error().empty()) {  // one line when a hook starts failing, not one per retry
      spdlog::warn("hook {}: PutRecords to stream {} failed, retrying: {}", options_.hook_id, options_.stream,
                   error.ToString());
    }
    metrics_->SetError(error.ToString());
    if (error.kind == aws::AwsError::Kind::kClient) {
      // Checked record by record before sending, so this is a limit we did not foresee: these
      // records can never succeed as they are.
      DeadLetterAll(std::move(lane.batch), error.ToString());
      lane.batch.clear();
      lane.state = Lane::State::kIdle;
      return MaybeSend(lane);
    }
    const int attempts = lane.batch.empty() ? 0 : lane.batch.front().attempts;
    return RetryLater(lane, error.retryable ? options_.retry_backoff.Delay(attempts, rng_)
                                            : options_.stream_error_backoff.Delay(attempts, rng_));
  }
  if (!metrics_->error().empty()) {
    spdlog::info("hook {}: delivering to stream {} again", options_.hook_id, options_.stream);
    metrics_->SetError("");
  }
  const int64_t now_ms = NowMillis();
  std::vector<OutgoingRecord> failed;
  for (size_t i = 0; i < lane.batch.size(); ++i) {
    if (result->records[i].ok()) {
      ++metrics_->records_delivered;
      metrics_->delivery_latency.Observe(static_cast<double>(now_ms - lane.batch[i].received_at_ms));
      Finish(lane.batch[i]);
    } else {
      ++metrics_->records_failed;
      failed.push_back(std::move(lane.batch[i]));
    }
  }
  lane.batch = std::move(failed);
  if (!lane.batch.empty()) {
    return RetryLater(lane, options_.retry_backoff.Delay(lane.batch.front().attempts - 1, rng_));
  }
  lane.state = Lane::State::kIdle;
  MaybeSend(lane);
}

void HookProducer::RetryLater(Lane& lane, std::chrono::milliseconds delay) {
  lane.state = Lane::State::kWaitingRetry;
  lane.linger_armed = false;
  lane.timer.expires_after(delay);
  lane.timer.async_wait(
      [this, alive = std::weak_ptr<bool>(alive_), &lane](const boost::system::error_code& ec) {
        if (alive.expired() || ec) return;
        Send(lane);
      });
}

void HookProducer::SetPaused(bool paused) {
  if (paused_ == paused) return;
  paused_ = paused;
  if (paused) return;
  for (auto& lane : lanes_) {
    if (lane->state == Lane::State::kWaitingRetry && !lane->batch.empty()) {
      lane->timer.cancel();
      Send(*lane);
    } else {
      MaybeSend(*lane);
    }
  }
}

void HookProducer::Update(const std::string& stream, const config::BatchSettings& batch,
                          const aws::StreamLimits& limits) {
  options_.stream = stream;
  options_.batch = batch;
  options_.limits = limits;
  for (auto& lane : lanes_) MaybeSend(*lane);
}

void HookProducer::FlushAll() {
  flushing_ = true;
  for (auto& lane : lanes_) MaybeSend(*lane);
}

}  // namespace streamhook::producer
