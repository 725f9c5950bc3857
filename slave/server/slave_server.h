// SlaveServer: a running dsfl-slave: the data source, the SlaveCore, the
// worker pool and the gRPC server with mutual TLS 1.3.
//
// Start() performs the whole start-up path: TLS files loaded and checked,
// data source built and read once (so a bad path or token fails at start,
// not at the first job), then the server bound (port 0 = a free port,
// reported by port() and written to config.port_file). With `validate_only`
// it stops before binding: that is `dsfl-slave --validate-config`.
// Plaintext only with `insecure` (the --insecure flag).
//
// Shutdown() cancels running calls, stops the gRPC server (waiting at most
// `grace` for calls to end) and joins the worker threads. Idempotent.
// Thread-safe.
#ifndef DSFL_SLAVE_SERVER_SLAVE_SERVER_H_
#define DSFL_SLAVE_SERVER_SLAVE_SERVER_H_

#include <memory>

#include "absl/time/time.h"
#include "common/audit/audit_log.h"
#include "grpcpp/server.h"
#include "common/clock.h"
#include "slave/core/admission_sessions.h"
#include "slave/core/slave_core.h"
#include "slave/core/worker_pool.h"
#include "common/metrics/metrics_http_server.h"
#include "slave/server/slave_config.h"
#include "slave/server/slave_metrics.h"
#include "slave/analytics/site_analytics.h"
#include "slave/service/analytics_service.h"
#include "slave/service/session_gate.h"
#include "slave/service/slave_admission.h"
#include "slave/service/slave_service.h"

namespace dsfl::slave {

struct StartOptions {
  bool insecure = false;
  bool validate_only = false;
  // Dataspace admission: the clock of sessions and credential checks, and
  // the source of session ids (null = the system clock, the OS CSPRNG).
  const Clock* clock = nullptr;
  RandomBytes* random = nullptr;
};

class SlaveServer {
 public:
  static StatusOr<std::unique_ptr<SlaveServer>> Start(
      const SlaveConfig& config, const StartOptions& options);
  ~SlaveServer();

  int port() const { return port_; }
  // The node's counters (never null once started; see slave_metrics.h),
  // e.g. for the Authorize handler's RecordAuthorization.
  SlaveMetrics* metrics() const { return metrics_.get(); }
  // The /metrics port, 0 when `metrics_listen` is "".
  int metrics_port() const {
    return metrics_server_ ? metrics_server_->port() : 0;
  }
  // SIGHUP: re-reads the config file, validates it fully, and applies what
  // can change at run time: the "dataspace" section (policy, trusted
  // issuers, DID key, connector, federation CA; atomically, Authorize calls
  // in flight finish with the old ones). Everything else (listen, tls,
  // data_source, limits, audit, ...) needs a restart: a reload that
  // changes it logs a warning. Adding or removing the "dataspace" section
  // is refused. On error the running settings stay. Audited (node.reload)
  // and counted (SlaveMetrics::RecordReload). Thread-safe.
  Status Reload();
  void Shutdown(absl::Duration grace = absl::Seconds(5));
  // Blocks until the server has shut down.
  void Wait();

 private:
  SlaveServer() = default;
  // Builds the dataspace admission parts when config.dataspace is set.
  Status StartDataspace(const SlaveConfig& config, const StartOptions& options);
  Status ReloadLocked();

  std::unique_ptr<audit::AuditLog> audit_;  // null when disabled
  std::unique_ptr<SlaveMetrics> metrics_;
  SlaveConfig config_;    // as started, then as last reloaded
  std::mutex reload_mu_;  // one Reload() at a time; guards config_
  std::unique_ptr<AdmissionSessions> sessions_;  // dataspace only
  std::unique_ptr<SlaveAdmission> admission_;    // dataspace only
  std::unique_ptr<SessionGate> gate_;            // dataspace only
  std::unique_ptr<SlaveCore> core_;
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<SlaveService> service_;
  std::unique_ptr<analytics::SiteAnalytics> analytics_;
  std::unique_ptr<AnalyticsService> analytics_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<metrics::MetricsHttpServer> metrics_server_;
  int port_ = 0;
  std::mutex mu_;
  bool shut_down_ = false;
};

}  // namespace dsfl::slave

#endif  // DSFL_SLAVE_SERVER_SLAVE_SERVER_H_
