#include "producer_harness.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <future>
#include <set>

#include "aws/kpl_aggregation.h"
#include "common/time_format.h"

namespace streamhook::producer {
namespace asio = boost::asio;

ProducerHarness::ProducerHarness(const std::string& endpoint, config::BatchSettings batch,
                                 const std::function<void(HookProducerOptions&)>& tweak)
    : strand_(asio::make_strand(io_.get_executor())), work_(io_.get_executor()) {
  aws::KinesisClientOptions options;
  options.region = "us-east-1";
  options.endpoint_url = endpoint;
  options.http.request_timeout = std::chrono::milliseconds(2000);
  auto client = aws::KinesisClient::Create(
      io_.get_executor(), options,
      aws::MakeStaticCredentialsProvider({"AKIDEXAMPLE", "secret", "", std::nullopt}));
  client_ = std::move(*client);
  auto dead_letters = DeadLetterStore::Open(dir_.path() / "deadletter");
  dead_letters_ = std::move(*dead_letters);
  HookProducerOptions producer_options;
  producer_options.hook_id = "hook1";
  producer_options.stream = "events";
  producer_options.batch = batch;
  producer_options.retry_backoff = {std::chrono::milliseconds(5), std::chrono::milliseconds(50)};
  producer_options.stream_error_backoff = {std::chrono::milliseconds(20), std::chrono::milliseconds(100)};
  if (tweak) tweak(producer_options);
  producer_ = std::make_unique<HookProducer>(
      strand_, producer_options, [this] { return client_; }, dead_letters_.get(),
      [this](spool::Lsn lsn) {
        std::lock_guard lock(mutex_);
        ++done_[lsn];
      },
      &metrics_);
  thread_ = std::thread([this] { io_.run(); });
}

ProducerHarness::~ProducerHarness() {
  OnStrand([this] { producer_.reset(); });
  work_.reset();
  io_.stop();
  thread_.join();
}

void ProducerHarness::OnStrand(const std::function<void()>& fn) {
  std::promise<void> finished;
  asio::post(strand_, [&] {
    fn();
    finished.set_value();
  });
  finished.get_future().wait();
}

void ProducerHarness::AddRecordsWithKeys(int first, int count, const std::function<std::string(int)>& key_of,
                                         size_t padding) {
  OnStrand([&] {
    const int64_t now = NowMillis();
    for (int i = first; i < first + count; ++i) {
      OutgoingRecord r;
      r.lsn = static_cast<spool::Lsn>(i + 1);
      r.partition_key = key_of(i);
      r.data = "{\"k\":\"" + r.partition_key + "\",\"n\":" + std::to_string(i) + ",\"pad\":\"" +
               std::string(padding, 'x') + "\"}";
      r.message_id = "m" + std::to_string(i);
      r.received_at_ms = now;
      producer_->Add(std::move(r));
    }
  });
}

void ProducerHarness::AddRecords(int first, int count, int keys, size_t padding) {
  AddRecordsWithKeys(
      first, count, [keys](int i) { return "user-" + std::to_string(i % keys); }, padding);
}

bool ProducerHarness::WaitDone(size_t n, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(mutex_);
      if (done_.size() >= n) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::map<spool::Lsn, int> ProducerHarness::done() {
  std::lock_guard lock(mutex_);
  return done_;
}

namespace {

std::unique_ptr<aws::KinesisClient> MakeClient(asio::io_context& io, const std::string& endpoint) {
  aws::KinesisClientOptions options;
  options.region = "us-east-1";
  options.endpoint_url = endpoint;
  auto client = aws::KinesisClient::Create(
      io.get_executor(), options,
      aws::MakeStaticCredentialsProvider({"AKIDEXAMPLE", "secret", "", std::nullopt}));
  return client.ok() ? std::move(*client) : nullptr;
}

}  // namespace

std::vector<aws::Shard> ListStreamShards(const std::string& endpoint, const std::string& stream) {
  asio::io_context io;
  auto client = MakeClient(io, endpoint);
  auto shards = aws::RunToCompletion<std::vector<aws::Shard>>(
      io, [&](auto done) { client->ListShards(stream, std::move(done)); });
  if (!shards.ok()) {
    ADD_FAILURE() << "ListShards: " << shards.error().ToString();
    return {};
  }
  return *shards;
}

std::vector<ReadRecord> ReadStream(const std::string& endpoint, const std::string& stream) {
  asio::io_context io;
  auto client = MakeClient(io, endpoint);
  auto shards = ListStreamShards(endpoint, stream);
  std::sort(shards.begin(), shards.end(),
            [](const aws::Shard& a, const aws::Shard& b) { return a.shard_id < b.shard_id; });
  std::vector<ReadRecord> out;
  for (const auto& shard : shards) {
    auto iterator = aws::RunToCompletion<std::string>(io, [&](auto done) {
      client->GetShardIterator(stream, shard.shard_id, aws::IteratorStart{}, std::move(done));
    });
    if (!iterator.ok()) {
      ADD_FAILURE() << "GetShardIterator: " << iterator.error().ToString();
      return {};
    }
    std::string next = *iterator;
    int empty_reads = 0;
    while (!next.empty() && empty_reads < 2) {
      auto page = aws::RunToCompletion<aws::GetRecordsOutput>(
          io, [&](auto done) { client->GetRecords(next, 10000, std::move(done)); });
      if (!page.ok()) {
        ADD_FAILURE() << "GetRecords: " << page.error().ToString();
        return {};
      }
      empty_reads = page->records.empty() ? empty_reads + 1 : 0;
      for (auto& r : page->records) out.push_back({shard.shard_id, r.partition_key, r.data, false});
      next = page->next_shard_iterator;
    }
  }
  return out;
}

std::vector<ReadRecord> StandinRecords(testing::KinesisStandin& standin, const std::string& stream) {
  std::vector<ReadRecord> records;
  for (auto& r : standin.Records(stream)) records.push_back({r.shard_id, r.partition_key, r.data, false});
  return records;
}

std::vector<ReadRecord> Unpack(const std::vector<ReadRecord>& kinesis_records) {
  std::vector<ReadRecord> out;
  for (const auto& r : kinesis_records) {
    if (!aws::IsAggregated(r.data)) {
      out.push_back(r);
      continue;
    }
    auto users = aws::Deaggregate(r.data);
    if (!users.ok()) {
      out.push_back(r);  // CheckStream will not find its "n"
      continue;
    }
    for (auto& u : *users) out.push_back({r.shard_id, u.partition_key, u.data, true});
  }
  return out;
}

StreamCheck CheckStream(const std::vector<ReadRecord>& records, int count) {
  StreamCheck check;
  std::set<int> seen;
  std::map<std::string, int> last_per_key;
  for (const auto& r : records) {
    const auto n_pos = r.data.find("\"n\":");
    if (n_pos == std::string::npos) {
      check.problem += " unreadable record";
      continue;
    }
    const int n = std::stoi(r.data.substr(n_pos + 4));
    if (!seen.insert(n).second) {
      ++check.duplicates;
      continue;
    }
    auto [it, first] = last_per_key.try_emplace(r.partition_key, n);
    if (!first) {
      if (it->second > n) {
        check.order_kept = false;
        check.problem = r.partition_key + ": " + std::to_string(n) + " after " + std::to_string(it->second);
      }
      it->second = n;
    }
  }
  check.distinct = seen.size();
  if (seen.size() != static_cast<size_t>(count)) check.problem += " missing records";
  return check;
}

}  // namespace streamhook::producer
