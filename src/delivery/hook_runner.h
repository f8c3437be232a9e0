// HookRunner: delivers one hook. Reads the spool from the hook's cursor, keeps the events the
// hook matches, builds each record (payload, partition key), hands it to the hook's producer, and
// commits the cursor as far as every record before it is delivered or dead-lettered.
//
// While the connector is inactive or the hook disabled, nothing is sent: records already read wait
// in the paused producer, and events that arrived after the switch are not routed to this hook
// (counted), as with Netmera's connector. All methods run on the delivery strand.
#pragma once

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "config/model.h"
#include "delivery/completion_tracker.h"
#include "producer/hook_producer.h"
#include "profiles/profile_store.h"
#include "spool/spool.h"

namespace streamhook::delivery {

struct HookMetrics {
  producer::ProducerMetrics producer;
  std::atomic<uint64_t> events_routed{0};      // matched and handed to the producer
  std::atomic<uint64_t> events_not_routed{0};  // matched, but arrived while inactive/disabled
  std::atomic<uint64_t> events_filtered{0};    // not this hook's trigger or event code
  std::atomic<uint64_t> events_unreadable{0};  // spool records that do not decode (damaged)
  std::atomic<uint64_t> replays_finished{0};   // replayed dead letters delivered or dead-lettered again
  std::atomic<uint64_t> cursor{0};             // the committed position
  std::atomic<bool> active{false};
};

class HookRunner {
 public:
  using Strand = producer::HookProducer::Strand;

  // The spool cursor of a hook.
  static std::string CursorName(const std::string& hook_id) { return "hook-" + hook_id; }

  // Opens the hook's cursor, creating a new one at `start` (the spool's end when the hook was
  // created, so it gets every event accepted after that). `metrics` must outlive the runner.
  // Past inactive windows are kept in `windows_file`, so a restart does not route their events.
  // `profiles` (may be null; must outlive the runner) fills netmera payloads' "user": a netmera
  // hook then reads a record only once the profile updater has applied it (applied_end() > its
  // LSN), so the user in its payload includes every identify/alias up to that event.
  static Result<std::unique_ptr<HookRunner>> Create(Strand strand, spool::Spool* spool,
                                                    const config::Hook& hook, spool::Lsn start,
                                                    std::filesystem::path windows_file,
                                                    producer::HookProducer::ClientSource clients,
                                                    producer::DeadLetterStore* dead_letters,
                                                    HookMetrics* metrics,
                                                    const profiles::ProfileStore* profiles = nullptr);
  ~HookRunner();

  // Applies the hook's current settings and whether it may send (connector active, hook enabled).
  // `change_lsn` is the spool's end when the change was made (before the admin API answered it):
  // records from that position on follow the new state; earlier ones were accepted before it.
  // follow the new state.
  void Apply(const config::Hook& hook, bool active, spool::Lsn change_lsn, const aws::StreamLimits& limits);
  // New records may be in the spool.
  void Wake();
  // While `*pending` > 0 a config change is made but not yet applied, and nothing is read.
  void set_config_gate(const std::atomic<int>* pending) { config_changes_pending_ = pending; }
  // Sends everything buffered now (shutdown): no more linger.
  void Flush();
  // Commits the cursor to the safe position now.
  void CommitCursor();
  size_t pending() const { return producer_->pending(); }
  const config::Hook& hook() const { return hook_; }

 private:
  HookRunner(Strand strand, spool::Spool* spool, config::Hook hook, spool::Lsn start, HookMetrics* metrics);
  void Pump();
  void Process(const spool::SpoolRecord& record);
  void ProcessReplay(const spool::SpoolRecord& record);
  bool NotRouted(spool::Lsn lsn) const;
  void LoadWindows();
  void SaveWindowLine(const std::string& line);
  void OnDone(spool::Lsn lsn);
  void ScheduleCommit();

  Strand strand_;
  spool::Spool* spool_;
  config::Hook hook_;
  HookMetrics* metrics_;
  const profiles::ProfileStore* profiles_ = nullptr;
  std::unique_ptr<spool::Reader> reader_;
  std::unique_ptr<producer::HookProducer> producer_;
  CompletionTracker tracker_;
  std::unordered_set<spool::Lsn> replays_pending_;  // replayed letters read and not yet done
  spool::Lsn committed_ = 0;
  bool active_ = false;
  std::optional<spool::Lsn> inactive_since_;                         // open window, by spool position
  std::optional<spool::Lsn> saved_open_since_;                       // an open window found on disk
  std::vector<std::pair<spool::Lsn, spool::Lsn>> inactive_windows_;  // [from, to) of past inactivity
  std::filesystem::path windows_file_;
  const std::atomic<int>* config_changes_pending_ = nullptr;
  bool pumping_ = false;
  bool commit_scheduled_ = false;
  boost::asio::steady_timer commit_timer_;
  boost::asio::steady_timer retry_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace streamhook::delivery
