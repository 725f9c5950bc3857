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
#include "slave/core/slave_core.h"
#include "slave/core/worker_pool.h"
#include "slave/server/slave_config.h"
#include "slave/analytics/site_analytics.h"
#include "slave/service/analytics_service.h"
#include "slave/service/slave_service.h"

namespace dsfl::slave {

struct StartOptions {
  bool insecure = false;
  bool validate_only = false;
};

class SlaveServer {
 public:
  static StatusOr<std::unique_ptr<SlaveServer>> Start(
      const SlaveConfig& config, const StartOptions& options);
  ~SlaveServer();

  int port() const { return port_; }
  void Shutdown(absl::Duration grace = absl::Seconds(5));
  // Blocks until the server has shut down.
  void Wait();

 private:
  SlaveServer() = default;

  std::unique_ptr<audit::AuditLog> audit_;  // null when disabled
  std::unique_ptr<SlaveCore> core_;
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<SlaveService> service_;
  std::unique_ptr<analytics::SiteAnalytics> analytics_;
  std::unique_ptr<AnalyticsService> analytics_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::mutex mu_;
  bool shut_down_ = false;
};

}  // namespace dsfl::slave

#endif  // DSFL_SLAVE_SERVER_SLAVE_SERVER_H_
