#include "cli/stream_tailer.h"

#include <algorithm>
#include <thread>

#include "aws/kpl_aggregation.h"

namespace streamhook::cli {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kMaxBackoff = std::chrono::milliseconds(5000);

bool Contains(const std::vector<std::string>& list, const std::string& id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}

}  // namespace

struct StreamTailer::ShardCursor {
  std::string shard_id;
  std::string iterator;
  std::string last_sequence;
  Clock::time_point next_call = Clock::now();
  std::chrono::milliseconds backoff{0};
  bool caught_up = false;
  bool done = false;  // a closed shard read to its end
};

std::string DescribeAwsFailure(const aws::AwsError& error, const std::string& stream,
                               const aws::KinesisClient& client) {
  const std::string where = " (region " + client.region() + ", endpoint " + client.endpoint().ToUrl() + ")";
  if (error.type == "ResourceNotFoundException") {
    return "stream '" + stream + "' does not exist" + where + ": " + error.message;
  }
  if (error.type == "MissingCredentials") return error.message;
  if (error.type == "UnrecognizedClientException" || error.type == "InvalidSignatureException" ||
      error.type == "AccessDeniedException" || error.type == "MissingAuthenticationTokenException" ||
      error.type == "ExpiredTokenException") {
    return "AWS refused the credentials" + where + ": " + error.ToString() +
           " (check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or --profile)";
  }
  if (error.kind == aws::AwsError::Kind::kTransport) {
    return "cannot reach Kinesis" + where + ": " + error.message;
  }
  return error.ToString() + where;
}

StreamTailer::StreamTailer(boost::asio::io_context& io, aws::KinesisClient& client, TailOptions options)
    : io_(io), client_(client), options_(std::move(options)) {}

Status StreamTailer::StartShard(const std::string& shard_id, std::vector<ShardCursor>* active) {
  // Children of a shard read to its end continue from their beginning.
  aws::IteratorStart start = options_.start;
  const auto it = std::find_if(shards_.begin(), shards_.end(),
                               [&](const aws::Shard& s) { return s.shard_id == shard_id; });
  const bool is_child = it != shards_.end() && (Contains(finished_, it->parent_shard_id) ||
                                                Contains(finished_, it->adjacent_parent_shard_id));
  if (is_child) start = aws::IteratorStart{aws::IteratorType::kTrimHorizon, "", 0};
  auto iterator = aws::RunToCompletion<std::string>(
      io_, [&](auto done) { client_.GetShardIterator(options_.stream, shard_id, start, std::move(done)); });
  if (!iterator.ok())
    return Status::Unavailable(DescribeAwsFailure(iterator.error(), options_.stream, client_));
  ShardCursor cursor;
  cursor.shard_id = shard_id;
  cursor.iterator = std::move(*iterator);
  active->push_back(std::move(cursor));
  return Status::Ok();
}

bool StreamTailer::Emit(const std::string& shard_id, const aws::KinesisRecord& record,
                        const std::function<bool(const TailedRecord&)>& on_record) {
  TailedRecord out;
  out.shard_id = shard_id;
  out.sequence_number = record.sequence_number;
  out.arrival_ms = record.approximate_arrival_ms;
  if (aws::IsAggregated(record.data)) {
    auto users = aws::Deaggregate(record.data);
    if (users.ok()) {
      for (size_t i = 0; i < users->size(); ++i) {
        out.sub_sequence = static_cast<int>(i);
        out.partition_key = std::move((*users)[i].partition_key);
        out.data = std::move((*users)[i].data);
        if (!on_record(out)) return false;
      }
      return true;
    }
    out.note = "looks aggregated but is not valid: " + users.status().message();
  }
  out.partition_key = record.partition_key;
  out.data = record.data;
  return on_record(out);
}

Status StreamTailer::Poll(std::vector<ShardCursor>* active,
                          const std::function<bool(const TailedRecord&)>& on_record, bool* stopped) {
  const auto now = Clock::now();
  std::vector<std::optional<aws::AwsResult<aws::GetRecordsOutput>>> results(active->size());
  size_t outstanding = 0;
  for (size_t i = 0; i < active->size(); ++i) {
    ShardCursor& c = (*active)[i];
    if (c.done || c.next_call > now) continue;
    ++outstanding;
    c.next_call = now + options_.min_poll_interval;
    client_.GetRecords(c.iterator, options_.records_per_call, [&results, &outstanding, i](auto r) {
      results[i].emplace(std::move(r));
      --outstanding;
    });
  }
  io_.restart();
  while (outstanding > 0 && io_.run_one() > 0) {
  }
  for (size_t i = 0; i < active->size(); ++i) {
    if (!results[i]) continue;
    ShardCursor& c = (*active)[i];
    auto& result = *results[i];
    if (!result.ok()) {
      const aws::AwsError& error = result.error();
      if (error.type == "ExpiredIteratorException") {
        aws::IteratorStart restart =
            c.last_sequence.empty()
                ? options_.start
                : aws::IteratorStart{aws::IteratorType::kAfterSequenceNumber, c.last_sequence, 0};
        auto iterator = aws::RunToCompletion<std::string>(io_, [&](auto done) {
          client_.GetShardIterator(options_.stream, c.shard_id, restart, std::move(done));
        });
        if (!iterator.ok())
          return Status::Unavailable(DescribeAwsFailure(iterator.error(), options_.stream, client_));
        c.iterator = std::move(*iterator);
        continue;
      }
      if (!error.retryable) return Status::Unavailable(DescribeAwsFailure(error, options_.stream, client_));
      c.backoff = std::min(kMaxBackoff, std::max(options_.min_poll_interval, c.backoff * 2));
      c.next_call = Clock::now() + c.backoff;  // throttled or unreachable: back off, keep going
      continue;
    }
    c.backoff = std::chrono::milliseconds(0);
    for (const auto& record : result->records) {
      c.last_sequence = record.sequence_number;
      if (!Emit(c.shard_id, record, on_record)) {
        *stopped = true;
        return Status::Ok();
      }
    }
    c.caught_up =
        result->millis_behind_latest == 0 || (result->millis_behind_latest < 0 && result->records.empty());
    c.iterator = std::move(result->next_shard_iterator);
    if (c.iterator.empty()) {
      c.done = true;
      finished_.push_back(c.shard_id);
      for (const auto& child : result->child_shards) {
        const bool known = std::any_of(shards_.begin(), shards_.end(),
                                       [&](const aws::Shard& s) { return s.shard_id == child.shard_id; });
        if (!known) {  // resharded after we listed: list again
          auto listed = aws::RunToCompletion<std::vector<aws::Shard>>(
              io_, [&](auto done) { client_.ListShards(options_.stream, std::move(done)); });
          if (listed.ok()) shards_ = std::move(*listed);
          break;
        }
      }
    }
  }
  return Status::Ok();
}

Status StreamTailer::Run(const std::function<bool(const TailedRecord&)>& on_record) {
  auto listed = aws::RunToCompletion<std::vector<aws::Shard>>(
      io_, [&](auto done) { client_.ListShards(options_.stream, std::move(done)); });
  if (!listed.ok()) return Status::Unavailable(DescribeAwsFailure(listed.error(), options_.stream, client_));
  shards_ = std::move(*listed);

  auto is_listed = [&](const std::string& id) {
    return !id.empty() &&
           std::any_of(shards_.begin(), shards_.end(), [&](const aws::Shard& s) { return s.shard_id == id; });
  };
  std::vector<ShardCursor> active;
  std::vector<std::string> started;
  auto start = [&](const aws::Shard& shard) -> Status {
    started.push_back(shard.shard_id);
    return StartShard(shard.shard_id, &active);
  };
  for (const auto& shard : shards_) {
    const bool root = !is_listed(shard.parent_shard_id) && !is_listed(shard.adjacent_parent_shard_id);
    const bool wanted = options_.start.type == aws::IteratorType::kLatest ? !shard.closed() : root;
    if (wanted) {
      if (Status s = start(shard); !s.ok()) return s;
    } else if (options_.start.type == aws::IteratorType::kLatest) {
      started.push_back(shard.shard_id);  // closed shards hold nothing newer than "now"
    }
  }

  while (!Stopping()) {
    bool stopped = false;
    if (Status s = Poll(&active, on_record, &stopped); !s.ok()) return s;
    if (stopped) return Status::Ok();
    std::erase_if(active, [](const ShardCursor& c) { return c.done; });
    // Children start once every retained parent is read to its end.
    for (const auto& shard : shards_) {
      if (Contains(started, shard.shard_id)) continue;
      const auto parent_done = [&](const std::string& id) {
        return !is_listed(id) || Contains(finished_, id);
      };
      if (parent_done(shard.parent_shard_id) && parent_done(shard.adjacent_parent_shard_id)) {
        if (Status s = start(shard); !s.ok()) return s;
      }
    }
    const bool all_at_tip =
        std::all_of(active.begin(), active.end(), [](const ShardCursor& c) { return c.caught_up; });
    if (!options_.follow && (active.empty() || all_at_tip)) return Status::Ok();
    auto next = Clock::now() + options_.min_poll_interval;
    for (const auto& c : active) next = std::min(next, c.next_call);
    while (Clock::now() < next && !Stopping()) {
      std::this_thread::sleep_for(
          std::min<Clock::duration>(next - Clock::now(), std::chrono::milliseconds(50)));
    }
  }
  return Status::Ok();
}

}  // namespace streamhook::cli
