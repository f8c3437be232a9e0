// DeliveryService: every hook's runner, the Kinesis client they share, and the thread they run on.
//
// It follows the configuration: a hook added, changed or removed in the admin API starts, changes or
// stops its runner (a removed hook's cursor is dropped); a changed connector (keys, region,
// endpoint) gets a new client while calls in flight finish on the old one. A notifier thread
// wakes the runners when the spool gets new records.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "aws/kinesis_client.h"
#include "config/config_store.h"
#include "config/hook_status.h"
#include "delivery/hook_runner.h"
#include "producer/dead_letter_store.h"
#include "profiles/profile_store.h"
#include "spool/spool.h"

namespace streamhook::delivery {

class DeliveryService {
 public:
  // `state_dir` keeps small per-hook state (past inactive windows); created when missing.
  // `profiles` (may be null; must outlive the service) fills netmera payloads (see HookRunner).
  DeliveryService(spool::Spool* spool, config::ConfigStore* config, producer::DeadLetterStore* dead_letters,
                  std::filesystem::path state_dir, const profiles::ProfileStore* profiles = nullptr);
  ~DeliveryService();

  // Subscribes to the configuration and starts the delivery and notifier threads.
  void Start();
  // Sends what is buffered without waiting for linger, waits up to `drain` for it to be
  // acknowledged, commits every cursor, and stops. What is left stays in the spool for the next start.
  void Stop(std::chrono::milliseconds drain);

  // Prometheus text for every hook: records delivered/failed/retried/dead-lettered, events routed,
  // not routed, lag behind the spool, PutRecords latency.
  void AppendPrometheus(std::string* out) const;
  // Hooks that cannot deliver right now, with the last error (for /readyz and logs).
  std::map<std::string, std::string> HookErrors() const;
  // How a hook's delivery is doing, for the admin API; nullopt for a hook delivery does not know.
  // Thread-safe, no I/O except a first count of the hook's dead letters.
  std::optional<config::HookStatus> HookStatusFor(std::string_view hook_id) const;
  // Replayed dead letters of a hook finished (delivered or dead-lettered again) since start.
  uint64_t ReplaysFinished(std::string_view hook_id) const;

 private:
  // On the strand. `spool_end` is the spool's end when the change was made: new hooks start there.
  void OnConfig(std::shared_ptr<const config::ConfigSnapshot> snapshot, spool::Lsn spool_end);
  void UpdateClient(const std::optional<config::KinesisConnector>& connector);
  void FetchLimits(const std::string& hook_id, const std::string& stream);
  void NotifierLoop();
  // Wakes the netmera hooks' runners when the profile updater moves on (they wait for it).
  void ProfileNotifierLoop();
  std::filesystem::path WindowsFile(const std::string& hook_id) const;

  spool::Spool* spool_;
  config::ConfigStore* config_;
  producer::DeadLetterStore* dead_letters_;
  std::filesystem::path state_dir_;
  const profiles::ProfileStore* profiles_;
  boost::asio::io_context io_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
  std::thread notifier_;
  std::thread profile_notifier_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> config_changes_pending_{0};  // published, not yet applied by OnConfig
  config::SubscriptionId subscription_ = 0;
  bool subscribed_ = false;

  // Strand-only state.
  std::shared_ptr<aws::KinesisClient> client_;
  std::string client_identity_;  // what the client was built from (never logged: holds the secret)
  std::map<std::string, std::unique_ptr<HookRunner>> runners_;
  std::map<std::string, aws::StreamLimits> limits_;  // per hook, from DescribeStreamSummary
  std::shared_ptr<const config::ConfigSnapshot> snapshot_;

  // Metrics outlive runners (a runner may be replaced); guarded for /metrics readers.
  mutable std::mutex metrics_mutex_;
  std::map<std::string, std::unique_ptr<HookMetrics>, std::less<>> metrics_;
};

}  // namespace streamhook::delivery
