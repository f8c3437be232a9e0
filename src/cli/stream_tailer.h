// StreamTailer: reads every shard of a stream in order, the way a consumer would, for `tail`.
//
// It starts at the shards that have no (still retained) parent, reads each with GetRecords at most
// five times a second (the per-shard limit), and when a shard closed by a reshard is read to its
// end, moves on to its children once all of their parents are done. KPL aggregated records are
// split into their user records.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "aws/kinesis_client.h"
#include "common/status.h"

namespace streamhook::cli {

struct TailOptions {
  std::string stream;
  aws::IteratorStart start;                          // TRIM_HORIZON, LATEST or AT_TIMESTAMP
  bool follow = false;                               // keep polling at the tip instead of stopping there
  std::chrono::milliseconds min_poll_interval{200};  // per shard: 5 GetRecords/s
  int records_per_call = 10000;
  const std::atomic<bool>* stop = nullptr;  // set (e.g. by SIGINT) to end a --follow run
};

struct TailedRecord {
  std::string shard_id;
  std::string sequence_number;
  int sub_sequence = -1;  // index inside a KPL aggregated record; -1 when not aggregated
  std::string partition_key;
  int64_t arrival_ms = 0;
  std::string data;
  std::string note;  // e.g. why an aggregated-looking record was shown as it is
};

class StreamTailer {
 public:
  StreamTailer(boost::asio::io_context& io, aws::KinesisClient& client, TailOptions options);

  // Reads until every shard is at its tip (or, with follow, until stopped), calling `on_record` for
  // each user record in per-shard order; `on_record` returns false to stop early (e.g. --limit).
  // The Status explains what ended the run when it was not the tip or a stop.
  Status Run(const std::function<bool(const TailedRecord&)>& on_record);

 private:
  struct ShardCursor;
  Status StartShard(const std::string& shard_id, std::vector<ShardCursor>* active);
  Status Poll(std::vector<ShardCursor>* active, const std::function<bool(const TailedRecord&)>& on_record,
              bool* stopped);
  bool Emit(const std::string& shard_id, const aws::KinesisRecord& record,
            const std::function<bool(const TailedRecord&)>& on_record);
  bool Stopping() const { return options_.stop && options_.stop->load(); }

  boost::asio::io_context& io_;
  aws::KinesisClient& client_;
  TailOptions options_;
  std::vector<aws::Shard> shards_;
  std::vector<std::string> finished_;
};

// A message for the user about a failed Kinesis call, naming the likely cause (missing stream,
// refused credentials, unreachable endpoint).
std::string DescribeAwsFailure(const aws::AwsError& error, const std::string& stream,
                               const aws::KinesisClient& client);

}  // namespace streamhook::cli
