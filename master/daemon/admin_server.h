// AdminServer: the master daemon's admin API over HTTPS with a bearer token
// (docs/api.md). Routes:
//   POST /v1/jobs                 submit a job spec (JSON body) -> {"id"}
//   GET  /v1/jobs                 list jobs
//   GET  /v1/jobs/{id}            status, with every round and node
//   POST /v1/jobs/{id}/cancel     cancel
//   GET  /v1/jobs/{id}/metrics    the metrics history (rounds)
//   GET  /v1/jobs/{id}/model      the final model file (dsfl model format)
//   GET  /v1/nodes                the node registry, each probed (GetInfo)
//   GET  /metrics                 Prometheus text format (no token; bind
//                                 the admin API to localhost)
// Errors are JSON {"error": "..."} with 400 (bad spec, naming the field),
// 401 (token), 404 (no such job/route), 409 (job already ended), 500.
// The token is compared in constant time and never logged.
// Start() binds (port 0 = any free port) and serves on its own thread;
// Stop() is idempotent and joins it.
#ifndef DSFL_MASTER_DAEMON_ADMIN_SERVER_H_
#define DSFL_MASTER_DAEMON_ADMIN_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "master/daemon/job_manager.h"
#include "master/daemon/job_store.h"
#include "nlohmann/json.hpp"

namespace dsfl::master {

struct AdminServerOptions {
  std::string bind = "127.0.0.1";
  int port = 0;
  std::string cert_path;  // PEM; the CLI verifies it against its CA
  std::string key_path;
  std::string token;      // secret
};

// Returns the node registry with each node's reachability (GetInfo).
using NodeProber = std::function<nlohmann::json()>;
// Returns the /metrics page (Prometheus text format).
using MetricsRenderer = std::function<std::string()>;

// Loads the admin API's certificate and key as Start() will: InvalidArgument
// naming both files when they do not load or do not match.
Status CheckAdminCertificate(const std::string& cert_path,
                             const std::string& key_path);

class AdminServer {
 public:
  // The pointers are not owned and must outlive the server.
  static StatusOr<std::unique_ptr<AdminServer>> Start(
      const AdminServerOptions& options, JobManager* manager, JobStore* store,
      MetricsRenderer metrics, NodeProber prober);
  ~AdminServer();

  int port() const;
  void Stop();

 private:
  struct Impl;
  explicit AdminServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dsfl::master

#endif  // DSFL_MASTER_DAEMON_ADMIN_SERVER_H_
