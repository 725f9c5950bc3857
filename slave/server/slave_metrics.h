// SlaveMetrics: what a dsfl-slave has done, for Prometheus (/metrics on the
// slave's `metrics_listen`, common/metrics/metrics_http_server.h). Every
// metric is documented in docs/operations.md ("Monitoring"):
//
//   dsfl_slave_rpcs_total{method,code}           RPCs answered, by status
//   dsfl_slave_rounds_trained_total              Train calls that produced
//                                                an update
//   dsfl_slave_training_failures_total           Train calls that did not
//   dsfl_slave_training_seconds                  histogram of Train calls
//   dsfl_slave_evaluations_total{outcome}        Evaluate calls (ok|failed)
//   dsfl_slave_models_initialized_total          InitializeModel answers
//   dsfl_slave_model_bytes_received_total        model payload from masters
//   dsfl_slave_model_bytes_sent_total            updates, initial models
//   dsfl_slave_authorizations_total{decision,reason}
//                                                Authorize: admitted or
//                                                refused, by reason
//   dsfl_slave_reloads_total{result}             SIGHUP reloads (ok|failed)
//   dsfl_slave_last_error_info{error}, dsfl_slave_last_error_timestamp_seconds
//   dsfl_slave_start_time_seconds                when the process started
//
// Feeds: the SlaveCore (as its CoreObserver: rounds, bytes, durations), the
// gRPC interceptor (RpcMetricsInterceptorFactory: RPC codes and the last
// error), the Authorize handler (RecordAuthorization) and the SIGHUP
// reload (RecordReload). Values are counts, sizes, durations and reason
// names only, never data.
//
// Thread-safe: every method may be called from any thread at any time.
#ifndef DSFL_SLAVE_SERVER_SLAVE_METRICS_H_
#define DSFL_SLAVE_SERVER_SLAVE_METRICS_H_

#include <string>

#include "common/clock.h"
#include "common/metrics/counter.h"
#include "common/metrics/daemon_health.h"
#include "common/metrics/histogram.h"
#include "slave/core/core_observer.h"

namespace dsfl::slave {

class SlaveMetrics final : public CoreObserver {
 public:
  // `clock` (not owned) stamps the last error and the start time.
  explicit SlaveMetrics(const Clock* clock = &SystemClock());

  // One answered RPC: `method` as "Slave/Train", `code` as gRPC's name
  // ("OK", "PERMISSION_DENIED", ...).
  void RecordRpc(const std::string& method, const std::string& code);
  // One Authorize decision: admitted, or refused with its reason name
  // (identity::ReasonName, e.g. "model_not_allowed"; "" when admitted).
  void RecordAuthorization(bool admitted, const std::string& reason) {
    authorizations_.Record(admitted, reason);
  }
  // One SIGHUP reload of policy and credentials; a failure also becomes
  // the last error.
  void RecordReload(bool ok, const std::string& error = "") {
    health_.RecordReload(ok, error);
  }
  void SetLastError(const std::string& text) { health_.SetLastError(text); }

  // CoreObserver.
  void OnTrain(const TrainObservation& train) override;
  void OnEvaluate(const EvaluateObservation& evaluate) override;
  void OnInitialize(const InitializeObservation& initialize) override;

  // The whole page in the Prometheus text format.
  std::string Render() const;

 private:
  absl::Time started_;
  metrics::Counter rpcs_{{"method", "code"}};
  metrics::Counter rounds_trained_;
  metrics::Counter training_failures_;
  metrics::Histogram training_seconds_;
  metrics::Counter evaluations_{{"outcome"}};
  metrics::Counter initialized_;
  metrics::Counter bytes_received_;
  metrics::Counter bytes_sent_;
  metrics::DecisionCounter authorizations_;
  metrics::DaemonHealth health_;
};

}  // namespace dsfl::slave

#endif  // DSFL_SLAVE_SERVER_SLAVE_METRICS_H_
