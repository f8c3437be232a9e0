#include "producer/hook_producer.h"

#include <boost/asio/post.hpp>

#include "common/time_format.h"
#include "producer/hook_producer_internal.h"

namespace streamhook::producer {
namespace asio = boost::asio;

HookProducer::HookProducer(Strand strand, HookProducerOptions options, ClientSource clients,
                           DeadLetterStore* dead_letters, DoneCallback done, ProducerMetrics* metrics)
    : strand_(std::move(strand)),
      options_(std::move(options)),
      clients_(std::move(clients)),
      dead_letters_(dead_letters),
      done_(std::move(done)),
      metrics_(metrics),
      refresher_(strand_, options_.stream, clients_, options_.shard_map,
                 [this] {
                   metrics_->shard_map_loads = refresher_.loads();
                   Repredict();
                 }),
      timer_(strand_) {
  if (options_.shard_aware) {
    // On the strand, like every other use of the client.
    asio::post(strand_, [this, alive = std::weak_ptr<bool>(alive_)] {
      if (!alive.expired()) refresher_.Start();
    });
  }
}

HookProducer::~HookProducer() {
  *alive_ = false;
}

bool HookProducer::CanBeReady(const KeyQueue& key) const {
  return !key.ready && !key.records.empty() && (!options_.preserve_key_order || key.in_flight == 0);
}

HookProducer::ShardQueue& HookProducer::QueueFor(const std::string& shard_id) {
  auto& slot = shards_[shard_id];
  if (!slot) {
    ShardLimiterSettings settings = options_.limiter;
    settings.cap = options_.shard_rate;
    // The unknown queue spans every shard: no budget of its own until throttled.
    settings.on_demand = settings.on_demand || shard_id.empty() || refresher_.on_demand();
    slot = std::make_unique<ShardQueue>(shard_id, settings);
  }
  return *slot;
}

void HookProducer::MakeReady(KeyQueue& key, bool front, bool waited, bool send) {
  if (options_.shard_aware && key.map_version != refresher_.version()) {
    key.shard = std::string(refresher_.map().Predict(key.key));
    key.map_version = refresher_.version();
  } else if (!options_.shard_aware) {
    key.shard.clear();
  }
  ShardQueue& queue = QueueFor(key.shard);
  const auto now = Clock::now();
  const auto since = waited ? now - std::chrono::milliseconds(options_.batch.linger_ms) : now;
  if (ready_keys_ == 0 || since < oldest_) oldest_ = since;
  if (front) {
    queue.ready.push_front(&key);
  } else {
    queue.ready.push_back(&key);
  }
  key.ready = true;
  queue.counts.records += key.records.size();
  queue.counts.bytes += key.bytes;
  ++ready_keys_;
  ready_.records += key.records.size();
  ready_.bytes += key.bytes;
  if (send) MaybeSend();
}

void HookProducer::CountReadyRecord(const KeyQueue& key, int64_t size) {
  ShardQueue& queue = QueueFor(key.shard);
  queue.counts.records += 1;
  queue.counts.bytes += size;
  ready_.records += 1;
  ready_.bytes += size;
}

void HookProducer::Repredict() {
  std::vector<KeyQueue*> ready;
  for (auto& [id, queue] : shards_) {
    for (KeyQueue* key : queue->ready) {
      key->ready = false;
      ready.push_back(key);
    }
    queue->ready.clear();
    queue->counts = {};
  }
  ready_keys_ = 0;
  ready_ = {};
  // Answers for a dropped shard find no limiter, which is harmless.
  for (auto it = shards_.begin(); it != shards_.end();) {
    const bool known = it->first.empty() || refresher_.map().Contains(it->first);
    it = !known ? shards_.erase(it) : std::next(it);
  }
  for (KeyQueue* key : ready) MakeReady(*key, false, false, false);
  MaybeSend();
}

void HookProducer::Settle(const std::vector<BatchEntry>& entries, bool delivered) {
  const int64_t now_ms = NowMillis();
  std::vector<std::string> touched;
  for (const auto& entry : entries) {
    for (const auto& r : entry.records) {
      auto it = keys_.find(r.partition_key);
      if (it != keys_.end() && it->second.in_flight > 0) --it->second.in_flight;
      if (touched.empty() || touched.back() != r.partition_key) touched.push_back(r.partition_key);
      if (delivered) {
        ++metrics_->records_delivered;
        metrics_->last_delivered_at_ms = NowMillis();
        metrics_->delivery_latency.Observe(static_cast<double>(now_ms - r.received_at_ms));
        Finish(r);
      }
    }
  }
  for (const auto& name : touched) {
    auto it = keys_.find(name);
    if (it == keys_.end()) continue;
    if (CanBeReady(it->second)) {
      MakeReady(it->second, false, true, false);
    } else if (!it->second.ready && it->second.records.empty() && it->second.in_flight == 0) {
      keys_.erase(it);
    }
  }
  MaybeSend();
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
  auto [it, added] = keys_.try_emplace(record.partition_key);
  KeyQueue& key = it->second;
  if (added) key.key = record.partition_key;
  const int64_t size = WireSize(record);
  key.bytes += size;
  key.records.push_back(std::move(record));
  if (key.ready) {
    CountReadyRecord(key, size);
    MaybeSend();
  } else if (CanBeReady(key)) {
    MakeReady(key, false);
  }
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

void HookProducer::SetPaused(bool paused) {
  if (paused_ == paused) return;
  paused_ = paused;
  if (paused) return;
  MaybeSend();
}

void HookProducer::Update(const std::string& stream, const config::BatchSettings& batch,
                          const aws::StreamLimits& limits) {
  options_.batch = batch;
  options_.limits = limits;
  if (stream != options_.stream) {
    options_.stream = stream;
    refresher_.SetStream(stream);  // re-predicts every ready key (to the unknown queue)
  }
  MaybeSend();
}

void HookProducer::SetDeliveryOptions(const AggregationOptions& aggregation, int64_t record_ttl_ms,
                                      const ShardRateSettings& rate) {
  options_.aggregation = aggregation;
  options_.record_ttl_ms = record_ttl_ms;
  options_.shard_rate = rate;
  for (auto& [id, queue] : shards_) queue->limiter.SetCap(rate);
  MaybeSend();
}

int64_t HookProducer::shard_rate(const std::string& shard_id) {
  auto it = shards_.find(shard_id);
  return it == shards_.end() ? -1 : it->second->limiter.records_per_second(Clock::now());
}

void HookProducer::FlushAll() {
  flushing_ = true;
  MaybeSend();
}

}  // namespace streamhook::producer
