#include "delivery/delivery_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cstdlib>
#include <future>

#include "aws/credentials.h"
#include "aws/temporary_credentials.h"
#include "common/time_format.h"

namespace streamhook::delivery {
namespace asio = boost::asio;
namespace {

// The connector's keys, or the server's default chain (environment, web identity, profile,
// instance metadata) when it has none; wrapped in STS AssumeRole when it names a role.
// AWS_ENDPOINT_URL_STS points STS elsewhere, as in the AWS SDKs (used by tests).
Result<std::shared_ptr<aws::CredentialsProvider>> ConnectorCredentials(
    const config::KinesisConnector& connector) {
  std::shared_ptr<aws::CredentialsProvider> source =
      connector.UsesDefaultCredentials()
          ? aws::MakeDefaultCredentialsChain({})
          : aws::MakeStaticCredentialsProvider(
                {connector.access_key_id, connector.secret_access_key, "", std::nullopt});
  if (connector.role_arn.empty()) return source;
  aws::AssumeRoleOptions role;
  role.role_arn = connector.role_arn;
  role.external_id = connector.external_id;
  role.region = connector.region;
  role.session_name = "streamhook";
  if (const char* sts = std::getenv("AWS_ENDPOINT_URL_STS"); sts != nullptr) role.sts_endpoint_override = sts;
  if (Status s = aws::CheckAssumeRoleOptions(role); !s.ok()) return s;
  return std::shared_ptr<aws::CredentialsProvider>(aws::MakeAssumeRoleCredentialsProvider(source, role));
}

}  // namespace

DeliveryService::DeliveryService(spool::Spool* spool, config::ConfigStore* config,
                                 producer::DeadLetterStore* dead_letters, std::filesystem::path state_dir,
                                 const profiles::ProfileStore* profiles)
    : spool_(spool),
      config_(config),
      dead_letters_(dead_letters),
      state_dir_(std::move(state_dir)),
      profiles_(profiles),
      strand_(asio::make_strand(io_.get_executor())) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir_, ec);
}

DeliveryService::~DeliveryService() {
  if (thread_.joinable()) Stop(std::chrono::milliseconds(0));
}

void DeliveryService::Start() {
  work_.emplace(io_.get_executor());
  thread_ = std::thread([this] { io_.run(); });
  // Runs on the admin request's thread before it is answered: a hook created now gets every event
  // accepted after its 201.
  subscription_ = config_->Subscribe([this](std::shared_ptr<const config::ConfigSnapshot> snapshot) {
    ++config_changes_pending_;  // before taking the position: see HookRunner::Pump
    const spool::Lsn spool_end = spool_->end_lsn();
    asio::post(strand_, [this, snapshot = std::move(snapshot), spool_end] { OnConfig(snapshot, spool_end); });
  });
  subscribed_ = true;
  notifier_ = std::thread([this] { NotifierLoop(); });
  if (profiles_ != nullptr) profile_notifier_ = std::thread([this] { ProfileNotifierLoop(); });
}

std::filesystem::path DeliveryService::WindowsFile(const std::string& hook_id) const {
  return state_dir_ / (hook_id + ".inactive");
}

void DeliveryService::NotifierLoop() {
  spool::Lsn seen = spool_->end_lsn();
  while (!stopping_) {
    if (spool_->WaitForRecords(seen, std::chrono::milliseconds(200)) || spool_->end_lsn() > seen) {
      seen = spool_->end_lsn();
      asio::post(strand_, [this] {
        for (auto& [id, runner] : runners_) runner->Wake();
      });
    }
  }
}

void DeliveryService::ProfileNotifierLoop() {
  spool::Lsn seen = profiles_->applied_end();
  while (!stopping_) {
    if (profiles_->WaitApplied(seen, std::chrono::milliseconds(200))) {
      seen = profiles_->applied_end();
      asio::post(strand_, [this] {
        // Only netmera hooks wait for profiles; the others have their own wake-ups.
        for (auto& [id, runner] : runners_) {
          if (runner->hook().payload_format == config::PayloadFormat::kNetmera) runner->Wake();
        }
      });
    }
  }
}

void DeliveryService::Stop(std::chrono::milliseconds drain) {
  if (subscribed_) {
    config_->Unsubscribe(subscription_);
    subscribed_ = false;
  }
  stopping_ = true;
  if (notifier_.joinable()) notifier_.join();
  if (profile_notifier_.joinable()) profile_notifier_.join();
  const auto deadline = std::chrono::steady_clock::now() + drain;
  for (;;) {
    std::promise<size_t> pending;
    asio::post(strand_, [this, &pending] {
      size_t total = 0;
      for (auto& [id, runner] : runners_) {
        runner->Flush();
        runner->CommitCursor();
        total += runner->pending();
      }
      pending.set_value(total);
    });
    const size_t left = pending.get_future().get();
    if (left == 0 || std::chrono::steady_clock::now() >= deadline) {
      if (left > 0)
        spdlog::warn("stopping with {} records not yet acknowledged; they stay in the spool", left);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::promise<void> cleared;
  asio::post(strand_, [this, &cleared] {
    for (auto& [id, runner] : runners_) runner->CommitCursor();
    runners_.clear();
    client_.reset();
    cleared.set_value();
  });
  cleared.get_future().wait();
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void DeliveryService::UpdateClient(const std::optional<config::KinesisConnector>& connector) {
  if (!connector) {
    client_.reset();
    client_identity_.clear();
    return;
  }
  const std::string identity = connector->region + '\n' + connector->access_key_id + '\n' +
                               connector->secret_access_key + '\n' + connector->endpoint + '\n' +
                               connector->ca_file + '\n' + connector->role_arn + '\n' +
                               connector->external_id;
  if (identity == client_identity_ && client_) return;
  aws::KinesisClientOptions options;
  options.region = connector->region;
  options.endpoint_url = connector->endpoint;
  options.http.ca_file = connector->ca_file;
  Result<std::shared_ptr<aws::CredentialsProvider>> credentials = ConnectorCredentials(*connector);
  Result<std::unique_ptr<aws::KinesisClient>> client =
      credentials.ok() ? aws::KinesisClient::Create(io_.get_executor(), options, std::move(*credentials))
                       : Result<std::unique_ptr<aws::KinesisClient>>(credentials.status());
  if (!client.ok()) {
    spdlog::error("Kinesis connector unusable: {}", client.status().message());
    client_.reset();
  } else {
    client_ = std::move(*client);  // calls in flight keep the old client alive until they finish
    spdlog::info("Kinesis connector: region {}, endpoint {}, key {}", connector->region,
                 client_->endpoint().ToUrl(), aws::MaskAccessKeyId(connector->access_key_id));
  }
  client_identity_ = identity;
  limits_.clear();  // the stream may be another account's now
}

void DeliveryService::FetchLimits(const std::string& hook_id, const std::string& stream) {
  if (!client_) return;
  client_->DescribeStreamSummary(stream, [this, hook_id, stream](aws::AwsResult<aws::StreamSummary> summary) {
    asio::post(strand_, [this, hook_id, stream, summary = std::move(summary)] {
      if (!summary.ok()) return;  // keep the defaults; PutRecords will report the real problem
      aws::StreamLimits limits =
          aws::StreamLimits::ForStream(summary->max_record_size_kib, aws::kDefaultMaxRequestBytes);
      limits_[hook_id] = limits;
      auto it = runners_.find(hook_id);
      if (it != runners_.end() && snapshot_) {
        if (const config::Hook* hook = snapshot_->FindHook(hook_id)) {
          const bool active = snapshot_->connector && snapshot_->connector->active && hook->enabled;
          it->second->Apply(*hook, active, spool_->end_lsn(), limits);
        }
      }
    });
  });
}

void DeliveryService::OnConfig(std::shared_ptr<const config::ConfigSnapshot> snapshot, spool::Lsn spool_end) {
  // Every path out applies the change before runners read again.
  struct Applied {
    DeliveryService* self;
    ~Applied() {
      --self->config_changes_pending_;
      for (auto& [id, runner] : self->runners_) runner->Wake();
    }
  } applied{this};
  if (stopping_) return;
  snapshot_ = snapshot;
  UpdateClient(snapshot->connector);
  const bool connector_active = snapshot->connector && snapshot->connector->active;
  // Hooks removed from the configuration: stop and forget their cursor.
  for (auto it = runners_.begin(); it != runners_.end();) {
    if (!snapshot->FindHook(it->first)) {
      const std::string id = it->first;
      spdlog::info("hook {} removed", id);
      it = runners_.erase(it);
      (void)spool_->RemoveCursor(HookRunner::CursorName(id));
      std::error_code ec;
      std::filesystem::remove(WindowsFile(id), ec);
      std::lock_guard lock(metrics_mutex_);
      metrics_.erase(id);
    } else {
      ++it;
    }
  }
  for (const config::Hook& hook : snapshot->hooks) {
    HookMetrics* metrics;
    {
      std::lock_guard lock(metrics_mutex_);
      auto& slot = metrics_[hook.id];
      if (!slot) slot = std::make_unique<HookMetrics>();
      metrics = slot.get();
    }
    auto it = runners_.find(hook.id);
    if (it == runners_.end()) {
      auto runner = HookRunner::Create(
          strand_, spool_, hook, spool_end, WindowsFile(hook.id), [this] { return client_; }, dead_letters_,
          metrics, profiles_);
      if (!runner.ok()) {
        spdlog::error("hook {} cannot start: {}", hook.id, runner.status().message());
        continue;
      }
      it = runners_.emplace(hook.id, std::move(*runner)).first;
      it->second->set_config_gate(&config_changes_pending_);
      spdlog::info("hook {} ({}) delivering to stream {}", hook.id, hook.name, hook.stream_name);
    }
    const bool stream_changed = it->second->hook().stream_name != hook.stream_name;
    if (stream_changed) limits_.erase(hook.id);
    const bool active = connector_active && hook.enabled;
    auto limits = limits_.find(hook.id);
    it->second->Apply(hook, active, spool_end,
                      limits == limits_.end() ? aws::StreamLimits{} : limits->second);
    if (limits == limits_.end()) FetchLimits(hook.id, hook.stream_name);
  }
}

void DeliveryService::AppendPrometheus(std::string* out) const {
  std::lock_guard lock(metrics_mutex_);
  const spool::Lsn end = spool_->end_lsn();
  auto counter = [&](const char* name, const std::string& hook, uint64_t value) {
    out->append(std::string(name) + "{hook=\"" + hook + "\"} " + std::to_string(value) + "\n");
  };
  out->append("# TYPE streamhook_records_delivered_total counter\n");
  for (const auto& [id, m] : metrics_)
    counter("streamhook_records_delivered_total", id, m->producer.records_delivered);
  out->append("# TYPE streamhook_records_failed_total counter\n");
  for (const auto& [id, m] : metrics_)
    counter("streamhook_records_failed_total", id, m->producer.records_failed);
  out->append("# TYPE streamhook_records_retried_total counter\n");
  for (const auto& [id, m] : metrics_)
    counter("streamhook_records_retried_total", id, m->producer.records_retried);
  out->append("# TYPE streamhook_records_dead_lettered_total counter\n");
  for (const auto& [id, m] : metrics_)
    counter("streamhook_records_dead_lettered_total", id, m->producer.records_dead_lettered);
  out->append("# TYPE streamhook_put_records_calls_total counter\n");
  for (const auto& [id, m] : metrics_)
    counter("streamhook_put_records_calls_total", id, m->producer.put_records_calls);
  out->append("# TYPE streamhook_put_records_records_total counter\n");
  for (const auto& [id, m] : metrics_)
    counter("streamhook_put_records_records_total", id, m->producer.records_sent);
  out->append("# TYPE streamhook_events_routed_total counter\n");
  for (const auto& [id, m] : metrics_) counter("streamhook_events_routed_total", id, m->events_routed);
  out->append("# TYPE streamhook_events_not_routed_total counter\n");
  for (const auto& [id, m] : metrics_)
    counter("streamhook_events_not_routed_total", id, m->events_not_routed);
  out->append("# TYPE streamhook_events_filtered_total counter\n");
  for (const auto& [id, m] : metrics_) counter("streamhook_events_filtered_total", id, m->events_filtered);
  out->append("# TYPE streamhook_hook_lag_records gauge\n");
  for (const auto& [id, m] : metrics_)
    counter("streamhook_hook_lag_records", id, end > m->cursor ? end - m->cursor : 0);
  out->append("# TYPE streamhook_hook_active gauge\n");
  for (const auto& [id, m] : metrics_) counter("streamhook_hook_active", id, m->active ? 1 : 0);
  out->append("# TYPE streamhook_hook_error gauge\n");
  for (const auto& [id, m] : metrics_)
    counter("streamhook_hook_error", id, m->producer.error().empty() ? 0 : 1);
  out->append("# TYPE streamhook_put_records_latency_seconds histogram\n");
  for (const auto& [id, m] : metrics_) {
    m->producer.put_records_latency.AppendPrometheus("streamhook_put_records_latency_seconds",
                                                     "hook=\"" + id + "\"", out);
  }
  out->append("# TYPE streamhook_delivery_latency_seconds histogram\n");
  for (const auto& [id, m] : metrics_) {
    m->producer.delivery_latency.AppendPrometheus("streamhook_delivery_latency_seconds",
                                                  "hook=\"" + id + "\"", out);
  }
}

std::map<std::string, std::string> DeliveryService::HookErrors() const {
  std::lock_guard lock(metrics_mutex_);
  std::map<std::string, std::string> errors;
  for (const auto& [id, m] : metrics_) {
    if (std::string e = m->producer.error(); !e.empty()) errors[id] = e;
  }
  return errors;
}

std::optional<config::HookStatus> DeliveryService::HookStatusFor(std::string_view hook_id) const {
  config::HookStatus status;
  {
    std::lock_guard lock(metrics_mutex_);
    auto it = metrics_.find(hook_id);
    if (it == metrics_.end()) return std::nullopt;
    const HookMetrics& m = *it->second;
    status.error = m.producer.error();
    status.state = !status.error.empty() ? "error" : m.active ? "delivering" : "inactive";
    const spool::Lsn end = spool_->end_lsn();
    status.lag_records = end > m.cursor ? end - m.cursor : 0;
    status.last_delivered_at_ms = m.producer.last_delivered_at_ms.load();
  }
  // Outside the metrics lock: the first count after a start or a purge reads the file.
  status.dead_letters = dead_letters_->Count(std::string(hook_id));
  return status;
}

uint64_t DeliveryService::ReplaysFinished(std::string_view hook_id) const {
  std::lock_guard lock(metrics_mutex_);
  auto it = metrics_.find(hook_id);
  return it == metrics_.end() ? 0 : it->second->replays_finished.load();
}

}  // namespace streamhook::delivery
