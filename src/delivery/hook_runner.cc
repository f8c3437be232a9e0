#include "delivery/hook_runner.h"

#include <fcntl.h>
#include <simdjson.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "common/event.h"
#include "common/replay_record.h"
#include "common/time_format.h"
#include "hooks/matcher.h"
#include "hooks/partition_key.h"
#include "hooks/payload.h"

namespace streamhook::delivery {
namespace {

constexpr size_t kMaxBufferedRecords = 20000;  // read no further while this many are undelivered
constexpr size_t kReadRecords = 1000;
constexpr size_t kReadBytes = 4 << 20;
constexpr auto kCommitInterval = std::chrono::milliseconds(100);

// The partition key of replayed data that was kept without one: the data read as the event it was
// built from (userId, anonymousId and JSON pointers are looked up in it).
Result<std::string> ReplayPartitionKey(const std::string& setting, std::string_view data,
                                       std::string_view message_id) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(data.data(), data.size()).get(object) != simdjson::SUCCESS)
    return Status::InvalidArgument("the replayed data is not a JSON object");
  EventView view;
  view.json = data;
  view.message_id = message_id;
  std::string_view text;
  if (object["userId"].get_string().get(text) == simdjson::SUCCESS) view.user_id = text;
  if (object["anonymousId"].get_string().get(text) == simdjson::SUCCESS) view.anonymous_id = text;
  return hooks::PartitionKeyFor(setting, view);
}

}  // namespace

Result<std::unique_ptr<HookRunner>> HookRunner::Create(
    Strand strand, spool::Spool* spool, const config::Hook& hook, spool::Lsn cursor_start,
    std::filesystem::path windows_file, producer::HookProducer::ClientSource clients,
    producer::DeadLetterStore* dead_letters, HookMetrics* metrics, const profiles::ProfileStore* profiles) {
  auto start = spool->OpenCursor(CursorName(hook.id), cursor_start);
  if (!start.ok()) return start.status();
  std::unique_ptr<HookRunner> runner(new HookRunner(strand, spool, hook, *start, metrics));
  runner->windows_file_ = std::move(windows_file);
  runner->profiles_ = profiles;
  runner->LoadWindows();
  producer::HookProducerOptions options;
  options.hook_id = hook.id;
  options.stream = hook.stream_name;
  options.batch = hook.batch;
  options.aggregation = hook.aggregation;
  options.record_ttl_ms = hook.record_ttl_ms;
  options.shard_rate = hook.shard_rate;
  HookRunner* self = runner.get();
  runner->producer_ = std::make_unique<producer::HookProducer>(
      strand, std::move(options), std::move(clients), dead_letters,
      [self](spool::Lsn lsn) { self->OnDone(lsn); }, &metrics->producer);
  runner->producer_->SetPaused(true);  // until Apply says it may send
  return runner;
}

HookRunner::HookRunner(Strand strand, spool::Spool* spool, config::Hook hook, spool::Lsn start,
                       HookMetrics* metrics)
    : strand_(strand),
      spool_(spool),
      hook_(std::move(hook)),
      metrics_(metrics),
      reader_(spool->NewReader(start)),
      tracker_(start),
      committed_(start),
      commit_timer_(strand),
      retry_timer_(strand) {
  metrics_->cursor = start;
}

HookRunner::~HookRunner() {
  *alive_ = false;
  commit_timer_.cancel();
  retry_timer_.cancel();
  producer_.reset();  // before the reader and tracker its callbacks use
}

void HookRunner::Apply(const config::Hook& hook, bool active, spool::Lsn change_lsn,
                       const aws::StreamLimits& limits) {
  hook_ = hook;
  producer_->Update(hook.stream_name, hook.batch, limits);
  producer_->SetDeliveryOptions(hook.aggregation, hook.record_ttl_ms, hook.shard_rate);
  if (active && !active_ && inactive_since_) {
    inactive_windows_.emplace_back(*inactive_since_, change_lsn);
    SaveWindowLine("closed " + std::to_string(*inactive_since_) + " " + std::to_string(change_lsn));
    inactive_since_.reset();
  } else if (!active && (active_ || !inactive_since_)) {
    // Inactive since this change, or (at start) since the change saved before a restart.
    inactive_since_ = !active_ && saved_open_since_ ? *saved_open_since_ : change_lsn;
    if (!saved_open_since_ || *saved_open_since_ != *inactive_since_) {
      SaveWindowLine("open " + std::to_string(*inactive_since_));
    }
  }
  saved_open_since_.reset();
  active_ = active;
  metrics_->active = active;
  producer_->SetPaused(!active);
  Pump();
}

// Decided by spool position, not clock: a record is on one side of the admin change or the other.
bool HookRunner::NotRouted(spool::Lsn lsn) const {
  if (inactive_since_ && lsn >= *inactive_since_) return true;
  for (const auto& [from, to] : inactive_windows_) {
    if (lsn >= from && lsn < to) return true;
  }
  return false;
}

void HookRunner::LoadWindows() {
  std::ifstream in(windows_file_);
  std::string kind;
  while (in >> kind) {
    spool::Lsn from = 0, to = 0;
    if (kind == "closed" && in >> from >> to) {
      inactive_windows_.emplace_back(from, to);
      saved_open_since_.reset();
    } else if (kind == "open" && in >> from) {
      saved_open_since_ = from;
    } else {
      break;
    }
  }
}

void HookRunner::SaveWindowLine(const std::string& text) {
  // One line per switch, fsync'd: small, and written only when a hook is switched off or on.
  const std::string line = text + "\n";
  const int fd = ::open(windows_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  const bool ok = fd >= 0 && ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                  ::fdatasync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!ok) spdlog::warn("hook {}: cannot save its inactive window to {}", hook_.id, windows_file_.string());
}

void HookRunner::Wake() {
  Pump();
}

void HookRunner::Pump() {
  if (pumping_) return;  // a dead letter written inside Process can call back into us
  pumping_ = true;
  std::vector<spool::SpoolRecord> batch;
  bool reached_limit = false;
  while (!reached_limit && producer_->pending() < kMaxBufferedRecords) {
    // A config change made but not yet applied here decides the records accepted after it: read
    // nothing until it is applied (the delivery service wakes us), and nothing past the spool's end
    // as of this check, so a change registered meanwhile sees only later records.
    spool::Lsn limit = spool_->end_lsn();
    // A netmera payload carries the user's profile: read no further than the profile updater has
    // applied (the delivery service wakes us when it moves on).
    if (profiles_ != nullptr && hook_.payload_format == config::PayloadFormat::kNetmera) {
      limit = std::min(limit, profiles_->applied_end());
      if (reader_->position() >= limit) break;
    }
    if (config_changes_pending_ && config_changes_pending_->load() > 0) break;
    batch.clear();
    const Status status = reader_->Read(kReadRecords, kReadBytes, &batch);
    if (!status.ok()) {
      spdlog::error("hook {}: cannot read the spool: {}", hook_.id, status.message());
      retry_timer_.expires_after(std::chrono::seconds(1));
      retry_timer_.async_wait(
          [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
            if (!alive.expired() && !ec) Pump();
          });
      break;
    }
    if (batch.empty()) break;
    for (const auto& record : batch) {
      if (record.lsn >= limit) {
        reader_->Seek(record.lsn);  // read again on the next wake-up
        reached_limit = true;
        break;
      }
      Process(record);
    }
    tracker_.ReadUpTo(reader_->position());
  }
  pumping_ = false;
  ScheduleCommit();
}

void HookRunner::Process(const spool::SpoolRecord& record) {
  if (IsReplayRecord(record.data)) return ProcessReplay(record);
  auto event = DecodeEvent(record.data);
  if (!event.ok()) {
    ++metrics_->events_unreadable;
    return;
  }
  if (!hooks::HookMatches(hook_, *event)) {
    ++metrics_->events_filtered;
    return;
  }
  if (NotRouted(record.lsn)) {
    ++metrics_->events_not_routed;
    return;
  }
  ++metrics_->events_routed;
  producer::OutgoingRecord out;
  out.lsn = record.lsn;
  out.message_id = std::string(event->message_id);
  out.received_at_ms = event->received_at_ms;
  tracker_.Track(record.lsn);
  auto key = hooks::PartitionKeyFor(hook_.partition_key, *event);
  if (!key.ok()) {
    out.data = std::string(event->json);
    return producer_->DeadLetter(std::move(out), "no partition key: " + key.status().message());
  }
  out.partition_key = std::move(*key);
  if (Status s = hooks::BuildPayload(hook_, *event, &out.data, profiles_); !s.ok()) {
    out.data = std::string(event->json);
    return producer_->DeadLetter(std::move(out), "cannot build the payload: " + s.message());
  }
  producer_->Add(std::move(out));
}

// A dead letter replayed through the spool: sent as it was kept, by the hook it names only, also
// while the hook is switched off (it then waits in the paused producer, like any record read).
void HookRunner::ProcessReplay(const spool::SpoolRecord& record) {
  Result<ReplayRecord> replay = DecodeReplayRecord(record.data);
  if (!replay.ok()) {
    ++metrics_->events_unreadable;
    return;
  }
  if (replay->hook_id != hook_.id) return;
  producer::OutgoingRecord out;
  out.lsn = record.lsn;
  out.message_id = std::move(replay->message_id);
  out.received_at_ms = replay->received_at_ms;
  out.data = std::move(replay->data);
  out.partition_key = std::move(replay->partition_key);
  tracker_.Track(record.lsn);
  replays_pending_.insert(record.lsn);
  if (out.partition_key.empty()) {
    // Kept because it had no key: derive one from the data with the hook's setting as it is now.
    Result<std::string> key = ReplayPartitionKey(hook_.partition_key, out.data, out.message_id);
    if (!key.ok())
      return producer_->DeadLetter(std::move(out), "no partition key: " + key.status().message());
    out.partition_key = std::move(*key);
  }
  producer_->Add(std::move(out));
}

void HookRunner::OnDone(spool::Lsn lsn) {
  if (replays_pending_.erase(lsn) > 0) ++metrics_->replays_finished;
  tracker_.Done(lsn);
  ScheduleCommit();
  if (producer_ && producer_->pending() < kMaxBufferedRecords / 2 && !pumping_) Pump();
}

void HookRunner::ScheduleCommit() {
  if (commit_scheduled_ || tracker_.SafePosition() == committed_) return;
  commit_scheduled_ = true;
  commit_timer_.expires_after(kCommitInterval);
  commit_timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
    if (alive.expired() || ec) return;
    commit_scheduled_ = false;
    CommitCursor();
  });
}

void HookRunner::CommitCursor() {
  const spool::Lsn safe = tracker_.SafePosition();
  if (safe == committed_) return;
  const Status status = spool_->CommitCursor(CursorName(hook_.id), safe);
  if (!status.ok()) {
    spdlog::warn("hook {}: cannot save its spool cursor: {}", hook_.id, status.message());
    return ScheduleCommit();
  }
  committed_ = safe;
  metrics_->cursor = safe;
}

void HookRunner::Flush() {
  producer_->FlushAll();
}

}  // namespace streamhook::delivery
