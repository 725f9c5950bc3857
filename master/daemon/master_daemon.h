// MasterDaemon: dsfl-master as a persistent service (`dsfl-master --config
// master.json`): the SQLite job store, the JobManager and the HTTPS admin
// API, with interrupted jobs resumed at start. Config keys are documented in
// deploy/ and docs/coordinator.md; errors name the key.
//
// Start() runs the whole start-up path (config, TLS files, token, store,
// bind); with `validate_only` it stops before binding. Shutdown() stops the
// API, interrupts running jobs (resumed next start) and joins everything.
// Reload() (SIGHUP) re-reads the TLS files new jobs connect with
// (federation_tls.h): a bad file keeps the previous ones; it logs the
// outcome, counts it in the metrics and records node.reload in the audit
// log. Everything else in master.json needs a restart.
#ifndef DSFL_MASTER_DAEMON_MASTER_DAEMON_H_
#define DSFL_MASTER_DAEMON_MASTER_DAEMON_H_

#include <memory>
#include <string>

#include "common/audit/audit_log.h"
#include "master/core/node_connector.h"
#include "common/metrics/metrics_http_server.h"
#include "master/daemon/admin_server.h"
#include "master/daemon/federation_tls.h"
#include "master/daemon/job_manager.h"
#include "master/daemon/job_store.h"
#include "master/daemon/master_metrics.h"

namespace dsfl::master {

struct MasterDaemonConfig {
  std::string state_dir;
  std::string admin_listen = "127.0.0.1:0";
  std::string admin_port_file;
  std::string admin_token_file;
  std::string admin_cert;
  std::string admin_key;
  TlsPaths tls;  // the master's identity towards slaves
  bool insecure = false;
  size_t max_running_jobs = 2;
  nlohmann::json slaves = nlohmann::json::array();  // the node registry
  std::vector<SlaveEndpoint> slave_endpoints;       // the same, parsed
  // /metrics over plain HTTP too (besides the admin API's): "" = off.
  std::string metrics_listen;
  std::string metrics_port_file;
  std::string log_format = "text";  // "text" or "json" (common/logging.h)
};

StatusOr<MasterDaemonConfig> LoadMasterDaemonConfig(const std::string& path);
StatusOr<MasterDaemonConfig> ParseMasterDaemonConfig(
    const nlohmann::json& json, const std::string& base_dir);

class MasterDaemon {
 public:
  static StatusOr<std::unique_ptr<MasterDaemon>> Start(
      const MasterDaemonConfig& config, NodeConnector connector,
      bool validate_only);
  ~MasterDaemon();

  int admin_port() const { return admin_ ? admin_->port() : 0; }
  int metrics_port() const {
    return metrics_server_ ? metrics_server_->port() : 0;
  }
  Status Reload();
  void Shutdown();

 private:
  MasterDaemon() = default;
  nlohmann::json ProbeNodes();
  std::string RenderMetrics() const;

  MasterDaemonConfig config_;
  NodeConnector connector_;
  MasterMetrics metrics_;
  std::unique_ptr<FederationTls> federation_tls_;  // null when insecure
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<JobStore> store_;
  std::unique_ptr<JobManager> manager_;
  std::unique_ptr<AdminServer> admin_;
  std::unique_ptr<metrics::MetricsHttpServer> metrics_server_;
};

}  // namespace dsfl::master

#endif  // DSFL_MASTER_DAEMON_MASTER_DAEMON_H_
