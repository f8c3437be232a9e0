#include "app/server_app.h"

#include <spdlog/spdlog.h>

#include "admin/admin_api.h"
#include "app/spool_event_sink.h"
#include "config/secret_box.h"
#include "config/secret_files.h"
#include "config/sqlite_config_store.h"
#include "delivery/dead_letter_replay.h"
#include "delivery/delivery_service.h"
#include "ingest/ingest_handler.h"
#include "producer/dead_letter_store.h"
#include "profiles/profile_store.h"
#include "profiles/profile_updater.h"
#include "server/http_server.h"
#include "server/router.h"
#include "spool/spool.h"

namespace streamhook::app {
namespace {

class ConfigWriteKeys : public ingest::WriteKeyResolver {
 public:
  explicit ConfigWriteKeys(const config::ConfigStore* store) : store_(store) {}
  std::optional<std::string> SourceIdForWriteKey(std::string_view key) const override {
    return store_->SourceIdForWriteKey(key);
  }

 private:
  const config::ConfigStore* store_;
};

HttpResponse Json(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

// One unlabelled Prometheus sample with its TYPE line.
void AppendMetric(std::string* out, const char* type, const char* name, uint64_t value) {
  out->append(std::string("# TYPE ") + name + " " + type + "\n" + name + " " + std::to_string(value) + "\n");
}

void AppendSpoolMetrics(const spool::SpoolStats& s, std::string* out) {
  auto line = [out](const char* type, const char* name, uint64_t v) { AppendMetric(out, type, name, v); };
  line("gauge", "streamhook_spool_bytes", s.bytes_on_disk);
  line("gauge", "streamhook_spool_max_bytes", s.max_bytes);
  line("gauge", "streamhook_spool_segments", s.segments);
  line("counter", "streamhook_spool_records_appended_total", s.records_appended);
  line("counter", "streamhook_spool_appends_total", s.appends);
  line("counter", "streamhook_spool_fsyncs_total", s.fsyncs);
  line("counter", "streamhook_spool_rejected_full_total", s.rejected_full);
  line("counter", "streamhook_spool_write_errors_total", s.write_errors);
}

void AppendProfileMetrics(const profiles::UpdaterStats& s, spool::Lsn spool_end, std::string* out) {
  auto line = [out](const char* type, const char* name, uint64_t v) { AppendMetric(out, type, name, v); };
  line("counter", "streamhook_profile_changes_applied_total", s.applied.applied);
  line("counter", "streamhook_profile_profiles_created_total", s.applied.created);
  line("counter", "streamhook_profile_merges_total", s.applied.merged);
  line("counter", "streamhook_profile_conflicts_total", s.applied.conflicts);
  line("counter", "streamhook_profile_records_skipped_total", s.unreadable + s.applied.skipped);
  line("counter", "streamhook_profile_batch_errors_total", s.batch_errors);
  line("gauge", "streamhook_profile_lag_records", spool_end > s.position ? spool_end - s.position : 0);
}

}  // namespace

struct ServerApp::Parts {
  std::unique_ptr<config::SqliteConfigStore> config;
  std::unique_ptr<admin::AdminApi> admin;
  std::unique_ptr<spool::Spool> spool;
  std::unique_ptr<profiles::ProfileStore> profiles;  // after the spool: destroyed before it
  std::unique_ptr<profiles::ProfileUpdater> profile_updater;
  std::unique_ptr<producer::DeadLetterStore> dead_letters;
  std::unique_ptr<delivery::DeliveryService> delivery;
  std::unique_ptr<delivery::DeadLetterReplay> dead_letter_replay;  // used by admin while http serves
  std::unique_ptr<ConfigWriteKeys> write_keys;
  std::unique_ptr<SpoolEventSink> sink;
  std::unique_ptr<ingest::IngestHandler> ingest;
  std::unique_ptr<server::HttpServer> http;
  bool stopped = false;
};

ServerApp::ServerApp(ServeOptions options)
    : options_(std::move(options)), parts_(std::make_unique<Parts>()) {}

ServerApp::~ServerApp() {
  Stop();
}

int ServerApp::port() const {
  return parts_->http ? parts_->http->port() : 0;
}

Status ServerApp::Start(FirstStartSecrets* secrets) {
  Parts& p = *parts_;
  std::error_code ec;
  std::filesystem::create_directories(options_.data_dir, ec);
  if (ec)
    return Status::IoError("cannot create data directory " + options_.data_dir.string() + ": " +
                           ec.message());

  auto master = config::LoadMasterKey(options_.data_dir);
  if (!master.ok()) return master.status();
  secrets->master_key_created = master->created;
  secrets->master_key_path = master->origin;
  auto box = config::SecretBox::Create(master->value);
  if (!box.ok()) return box.status();
  auto store = config::SqliteConfigStore::Open(options_.data_dir, std::move(*box));
  if (!store.ok()) return store.status();
  p.config = std::move(*store);
  auto token = config::LoadAdminToken(options_.data_dir);
  if (!token.ok()) return token.status();
  if (token->created) secrets->admin_token = token->value;
  secrets->admin_token_path = token->origin;
  p.admin = std::make_unique<admin::AdminApi>(p.config.get(), token->value);

  spool::SpoolOptions spool_options;
  spool_options.dir = options_.data_dir / "spool";
  spool_options.max_bytes = options_.spool_max_bytes;
  spool_options.segment_bytes = options_.spool_segment_bytes;
  spool_options.fsync = options_.fsync;
  spool::RecoveryReport report;
  auto spool = spool::Spool::Open(spool_options, &report);
  if (!spool.ok()) return spool.status();
  p.spool = std::move(*spool);
  spdlog::info("spool recovered: {}", report.Summary());
  for (const auto& damage : report.damaged) {
    spdlog::warn("spool damage in {} at offset {}: {} ({} records skipped)", damage.segment, damage.offset,
                 damage.problem, damage.records_lost);
  }

  if (Status s = StartProfiles(p); !s.ok()) return s;

  auto dead_letters = producer::DeadLetterStore::Open(options_.data_dir / "deadletter");
  if (!dead_letters.ok()) return dead_letters.status();
  p.dead_letters = std::move(*dead_letters);
  p.delivery = std::make_unique<delivery::DeliveryService>(
      p.spool.get(), p.config.get(), p.dead_letters.get(), options_.data_dir / "hooks", p.profiles.get());
  p.delivery->Start();
  delivery::DeliveryService* delivery = p.delivery.get();
  p.dead_letter_replay = std::make_unique<delivery::DeadLetterReplay>(
      p.dead_letters.get(), p.spool.get(),
      [delivery](std::string_view hook_id) { return delivery->ReplaysFinished(hook_id); });
  p.admin->SetDeadLetterAdmin(p.dead_letter_replay.get());
  p.admin->SetHookStatusSource(
      [delivery](std::string_view hook_id) { return delivery->HookStatusFor(hook_id); });

  p.write_keys = std::make_unique<ConfigWriteKeys>(p.config.get());
  p.sink = std::make_unique<SpoolEventSink>(p.spool.get());
  p.ingest = std::make_unique<ingest::IngestHandler>(p.write_keys.get(), p.sink.get());

  server::Router router;
  ingest::IngestHandler* ingest = p.ingest.get();
  router.AddPrefix("/v1/", [ingest](const HttpRequest& request, Respond respond) {
    ingest->Handle(request, std::move(respond));
  });
  router.AddPrefix("/admin/v1/", p.admin->AsHandler());
  router.AddExact("/healthz",
                  [](const HttpRequest&, Respond respond) { respond(Json(200, R"({"status":"ok"})")); });
  router.AddExact("/readyz", [this](const HttpRequest&, Respond respond) {
    const auto stats = parts_->spool->Stats();
    if (draining_) return respond(Json(503, R"({"ready":false,"reason":"shutting down"})"));
    if (stats.bytes_on_disk >= stats.max_bytes)
      return respond(Json(503, R"({"ready":false,"reason":"spool full"})"));
    // e.g. the disk is full: until a write succeeds again, ingest cannot accept anything.
    if (stats.last_write_failed)
      return respond(Json(503, R"({"ready":false,"reason":"spool writes are failing"})"));
    respond(Json(200, R"({"ready":true})"));
  });
  router.AddExact("/metrics", [this](const HttpRequest&, Respond respond) {
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4";
    parts_->ingest->AppendPrometheus(&r.body);
    AppendSpoolMetrics(parts_->spool->Stats(), &r.body);
    if (parts_->profile_updater)
      AppendProfileMetrics(parts_->profile_updater->stats(), parts_->spool->end_lsn(), &r.body);
    parts_->delivery->AppendPrometheus(&r.body);
    parts_->http->AppendPrometheus(&r.body);
    respond(std::move(r));
  });

  server::HttpServerOptions http = options_.http;
  if (Status s = ApplyListenAddress(options_.listen, &http); !s.ok()) return s;
  p.http = std::make_unique<server::HttpServer>(http, router.AsHandler());
  if (Status s = p.http->Start(); !s.ok()) return s;
  spdlog::info("listening on {}:{} (data in {})", http.host, p.http->port(), options_.data_dir.string());
  return Status::Ok();
}

Status ServerApp::StartProfiles(Parts& p) {
  const std::string cursor = profiles::ProfileUpdaterOptions{}.cursor;
  if (!options_.profiles) {
    spdlog::info("profiles off: netmera payloads take user attributes from each event");
    return p.spool->RemoveCursor(cursor);
  }
  // Before delivery: netmera hooks read only what the updater has applied.
  auto profile_store =
      profiles::ProfileStore::Open({options_.data_dir / profiles::kProfilesDbFile, options_.fsync});
  if (!profile_store.ok()) return profile_store.status();
  p.profiles = std::move(*profile_store);
  auto updater = profiles::ProfileUpdater::Create(p.spool.get(), p.profiles.get());
  if (!updater.ok()) return updater.status();
  p.profile_updater = std::move(*updater);
  p.profile_updater->Start();
  return Status::Ok();
}

void ServerApp::Stop() {
  Parts& p = *parts_;
  if (p.stopped) return;
  p.stopped = true;
  draining_ = true;
  if (p.http) p.http->Stop();  // in-flight ingest requests finish: their events are in the spool
  if (p.delivery) p.delivery->Stop(options_.drain_timeout);
  // After delivery (whose netmera hooks wait for it); applies what it has read, saves its cursor.
  if (p.profile_updater) p.profile_updater->Stop();
  p.http.reset();
  p.ingest.reset();
  p.dead_letter_replay.reset();
  p.delivery.reset();
  p.profile_updater.reset();
  p.profiles.reset();
  p.spool.reset();
  spdlog::info("stopped");
}

}  // namespace streamhook::app
