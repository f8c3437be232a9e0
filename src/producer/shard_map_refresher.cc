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
        if (summary.ok()) on_demand_ = summary->stream_mode == "ON_DEMAND";
        client->ListShards(stream_, back([this, generation](aws::AwsResult<std::vector<aws::Shard>> shards) {
                             OnShards(generation, std::move(shards));
                           }));
      }));
}

void ShardMapRefresher::OnShards(uint64_t generation, aws::AwsResult<std::vector<aws::Shard>> result) {
  if (generation != generation_) return;
  loading_ = false;
  Status status = result.ok() ? map_.Load(*result) : result.error().ToStatus();
  if (!status.ok()) {
    // Keep predicting with what we had; the producer does not need the map to deliver.
    spdlog::debug("shard map of stream {}: {}", stream_, status.ToString());
    return Schedule(Clock::now() + options_.retry);
  }
  ++loads_;
  ++version_;
  if (on_change_) on_change_();
  if (again_) {
    again_ = false;
    return Schedule(last_load_ + options_.min_gap);
  }
  Schedule(Clock::now() + options_.interval);
}

}  // namespace streamhook::producer
