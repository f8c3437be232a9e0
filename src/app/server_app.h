// ServerApp: `streamhook serve` assembled — config store, spool, ingest, admin API, delivery and
// the HTTP server — with /healthz, /readyz and /metrics.
//
// Start order follows the data: secrets and config, spool (recovering it), profiles (store and
// updater), delivery, then the HTTP server last so nothing is accepted before it can be stored.
// Stop runs the other way: stop accepting, let in-flight ingest requests finish, deliver what is
// buffered (drain timeout), stop the profile updater, commit cursors, close the spool.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "app/serve_options.h"
#include "common/status.h"

namespace streamhook::app {

// Secrets generated on first start, to be shown once by the caller (never logged).
struct FirstStartSecrets {
  std::string admin_token;  // set when the token file was just created
  std::string admin_token_path;
  bool master_key_created = false;
  std::string master_key_path;
};

class ServerApp {
 public:
  explicit ServerApp(ServeOptions options);
  ~ServerApp();

  // Opens everything and starts listening. *secrets gets what was generated.
  Status Start(FirstStartSecrets* secrets);
  // Graceful stop (see above). Idempotent.
  void Stop();
  int port() const;

 private:
  struct Parts;
  // Opens profiles.db and starts applying identify/alias from the spool; with profiles off, drops
  // the updater's spool cursor instead, so that it holds no segments.
  Status StartProfiles(Parts& p);
  ServeOptions options_;
  std::unique_ptr<Parts> parts_;
  std::atomic<bool> draining_{false};
};

}  // namespace streamhook::app
