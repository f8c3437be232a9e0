// ShardMapRefresher: keeps one stream's ShardMap current for a HookProducer.
//
// Loads the map with ListShards (all pages) on Start, then every `interval`, and soon after
// RequestRefresh (a producer suspects a reshard: a record landed on another shard than predicted,
// or on a shard it does not know; at most one load per `min_gap`). DescribeStreamSummary before
// each load tells whether the stream is ON_DEMAND and how it places records: an on-demand stream
// with the AUTO record distribution strategy ignores partition keys, so its map stays empty
// (nothing to predict) and the producer must not aggregate (KPL records are built for one shard,
// and consumers may drop them from such a stream). A summary that failed for a transient reason is
// asked again after `min_gap`; one refused (e.g. AccessDenied) leaves the placement unknown.
//
// Runs on the producer's strand; `on_change` is called there after each load that changed the map.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "aws/kinesis_client.h"
#include "producer/shard_map.h"

namespace streamhook::producer {

// How the stream chooses a record's shard, as its last DescribeStreamSummary said.
enum class KeyPlacement { kUnknown, kByKey, kByService };

class ShardMapRefresher {
 public:
  using Strand = boost::asio::strand<boost::asio::any_io_executor>;
  using ClientSource = std::function<std::shared_ptr<aws::KinesisClient>()>;

  struct Options {
    std::chrono::milliseconds interval{60000};
    std::chrono::milliseconds min_gap{1000};
    std::chrono::milliseconds retry{5000};  // after a failed load
  };

  ShardMapRefresher(Strand strand, std::string stream, ClientSource clients, Options options,
                    std::function<void()> on_change);
  ~ShardMapRefresher();
  ShardMapRefresher(const ShardMapRefresher&) = delete;
  ShardMapRefresher& operator=(const ShardMapRefresher&) = delete;

  // Loads the map now and keeps it current.
  void Start();
  // Loads again soon (debounced by min_gap); a load in progress is followed by another.
  void RequestRefresh();
  // A different stream: the map is emptied (prediction off) until the new one loads.
  void SetStream(const std::string& stream);

  const ShardMap& map() const { return map_; }
  // Changes each time the map is replaced, so cached predictions can tell they are stale.
  uint64_t version() const { return version_; }
  bool on_demand() const { return on_demand_; }
  KeyPlacement placement() const { return placement_; }
  // True once a summary answered or was refused for good: the placement will not become known
  // by waiting for the load in progress.
  bool placement_settled() const { return placement_settled_; }
  uint64_t loads() const { return loads_; }

 private:
  void Schedule(std::chrono::steady_clock::time_point at);
  void Load();
  // Takes the stream's mode and placement from a summary; true when the placement changed (or
  // became settled), which the producer must hear about even if the map does not change.
  bool OnSummary(const aws::AwsResult<aws::StreamSummary>& summary);
  void OnShards(uint64_t generation, aws::AwsResult<std::vector<aws::Shard>> result, bool placement_changed);
  void Finish(std::chrono::steady_clock::time_point next);

  Strand strand_;
  std::string stream_;
  ClientSource clients_;
  Options options_;
  std::function<void()> on_change_;
  ShardMap map_;
  uint64_t version_ = 0;
  uint64_t generation_ = 0;  // bumped by SetStream: answers for the old stream are dropped
  uint64_t loads_ = 0;
  bool on_demand_ = false;
  KeyPlacement placement_ = KeyPlacement::kUnknown;
  bool placement_settled_ = false;
  bool summary_failed_ = false;  // transiently: ask again after min_gap
  bool started_ = false;
  bool loading_ = false;
  bool again_ = false;
  std::chrono::steady_clock::time_point last_load_{};
  std::chrono::steady_clock::time_point scheduled_ = std::chrono::steady_clock::time_point::max();
  boost::asio::steady_timer timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace streamhook::producer
