#include "producer/shard_map_refresher.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

namespace streamhook::producer {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

ShardMapRefresher::ShardMapRefresher(Strand strand, std::string stream, ClientSource clients, Options options,
                                     std::function<void()> on_change)
    : strand_(std::move(strand)),
      stream_(std::move(stream)),
      clients_(std::move(clients)),
      options_(options),
      on_change_(std::move(on_change)),
      timer_(strand_) {}

ShardMapRefresher::~ShardMapRefresher() {
  *alive_ = false;
  timer_.cancel();
}

void ShardMapRefresher::Start() {
  if (started_) return;
  started_ = true;
  Load();
}

void ShardMapRefresher::RequestRefresh() {
  if (!started_) return;
  if (loading_) {
    again_ = true;
    return;
  }
  Schedule(std::max(Clock::now(), last_load_ + options_.min_gap));
}

void ShardMapRefresher::SetStream(const std::string& stream) {
  if (stream == stream_) return;
  stream_ = stream;
  ++generation_;
  loading_ = false;
  map_.Clear();
  ++version_;
  on_demand_ = false;
  placement_ = KeyPlacement::kUnknown;
  placement_settled_ = false;
  summary_failed_ = false;
  if (on_change_) on_change_();
  if (started_) Schedule(Clock::now());
}

void ShardMapRefresher::Schedule(Clock::time_point at) {
  if (at >= scheduled_) return;  // an earlier load is already due
  scheduled_ = at;
  timer_.expires_at(at);
  timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
    if (alive.expired() || ec) return;
    scheduled_ = Clock::time_point::max();
    Load();
  });
}

void ShardMapRefresher::Load() {
  auto client = clients_();
  if (!client) return Schedule(Clock::now() + options_.retry);
  loading_ = true;
  last_load_ = Clock::now();
  const uint64_t generation = generation_;
  auto back = [this, alive = std::weak_ptr<bool>(alive_)](auto fn) {
    return [alive, fn = std::move(fn), strand = strand_](auto result) mutable {
      asio::post(strand, [alive, fn = std::move(fn), result = std::move(result)]() mutable {
        if (!alive.expired()) fn(std::move(result));
      });
    };
  };
  client->DescribeStreamSummary(
      stream_, back([this, client, generation, back](aws::AwsResult<aws::StreamSummary> summary) {
        if (generation != generation_) return;
        bool changed = OnSummary(summary);
        if (placement_ == KeyPlacement::kByService) {
          // Keys do not choose shards: there is no map to keep.
          loading_ = false;
          if (map_.loaded()) {
            map_.Clear();
            ++version_;
            changed = true;
          }
          if (changed && on_change_) on_change_();
          return Finish(Clock::now() + options_.interval);
        }
        client->ListShards(stream_,
                           back([this, generation, changed](aws::AwsResult<std::vector<aws::Shard>> shards) {
                             OnShards(generation, std::move(shards), changed);
                           }));
      }));
}

bool ShardMapRefresher::OnSummary(const aws::AwsResult<aws::StreamSummary>& summary) {
  const KeyPlacement before = placement_;
  const bool settled_before = placement_settled_;
  summary_failed_ = false;
  if (summary.ok()) {
    placement_ = summary->record_distribution == "AUTO" ? KeyPlacement::kByService : KeyPlacement::kByKey;
    on_demand_ = summary->stream_mode == "ON_DEMAND" || placement_ == KeyPlacement::kByService;
    if (placement_ == KeyPlacement::kByService && before != placement_) {
      spdlog::info(
          "stream {} places records itself (AUTO record distribution): no shard prediction, "
          "no aggregation",
          stream_);
    }
  } else if (summary.error().retryable) {
    summary_failed_ = true;  // keep what we knew; ask again soon
    return false;
  } else {
    placement_ = KeyPlacement::kUnknown;
    if (!placement_settled_ || before != placement_) {
      spdlog::warn(
          "stream {}: DescribeStreamSummary refused ({}), so its record distribution is unknown and "
          "records are sent unaggregated",
          stream_, summary.error().type);
    }
  }
  placement_settled_ = true;
  return placement_ != before || !settled_before;
}

void ShardMapRefresher::OnShards(uint64_t generation, aws::AwsResult<std::vector<aws::Shard>> result,
                                 bool placement_changed) {
  if (generation != generation_) return;
  loading_ = false;
  Status status = result.ok() ? map_.Load(*result) : result.error().ToStatus();
  if (!status.ok()) {
    // Keep predicting with what we had; the producer does not need the map to deliver.
    spdlog::debug("shard map of stream {}: {}", stream_, status.ToString());
    if (placement_changed && on_change_) on_change_();  // the placement settled all the same
    return Schedule(Clock::now() + options_.retry);
  }
  ++loads_;
  ++version_;
  if (on_change_) on_change_();
  Finish(Clock::now() + options_.interval);
}

void ShardMapRefresher::Finish(Clock::time_point next) {
  if (again_ || summary_failed_) {
    again_ = false;
    next = std::min(next, last_load_ + options_.min_gap);
  }
  Schedule(next);
}

}  // namespace streamhook::producer
