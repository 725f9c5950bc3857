// MasterMetrics: the master daemon's counters, rendered in the Prometheus
// text exposition format at /metrics (the admin API's, and the plain-HTTP
// `metrics_listen` when set). Every metric is documented in docs/api.md
// ("Metrics"). Fed by the JobManager (jobs, rounds, nodes, bytes), the
// dataspace admission (RecordAdmission, through JobListener::OnAdmission)
// and the SIGHUP reload (RecordReload).
// Thread-safe: updated from job and engine threads, rendered per scrape.
#ifndef DSFL_MASTER_DAEMON_MASTER_METRICS_H_
#define DSFL_MASTER_DAEMON_MASTER_METRICS_H_

#include <cstdint>
#include <string>

#include "common/clock.h"
#include "common/metrics/counter.h"
#include "common/metrics/daemon_health.h"
#include "common/metrics/histogram.h"

namespace dsfl::master {

class MasterMetrics {
 public:
  // `clock` (not owned) stamps the last error.
  explicit MasterMetrics(const Clock* clock = &SystemClock());

  void JobSubmitted() { jobs_submitted_.Add(); }
  void JobFinished(const std::string& state) { jobs_finished_.Add({state}); }
  void RoundCompleted(double seconds, size_t completed, size_t selected);
  void NodeDropped(const std::string& reason_code);
  // Model payload handed to slaves' clients and received from them
  // (training and evaluation calls).
  void ModelBytes(uint64_t sent, uint64_t received);
  // A node's local training time, as it reported it.
  void NodeTrained(const std::string& node, double seconds);
  // A dataspace admission decision for a node: admitted, or refused with
  // the reason's name (e.g. "negotiation_terminated", "tls_key_not_bound").
  void RecordAdmission(bool admitted, const std::string& reason) {
    admissions_.Record(admitted, reason);
  }
  // A SIGHUP reload of the TLS files; a failure also becomes the last
  // error.
  void RecordReload(bool ok, const std::string& error = "") {
    health_.RecordReload(ok, error);
  }
  void SetLastError(const std::string& error) { health_.SetLastError(error); }

  // Prometheus text format; `running` and `queued` are gauges from the
  // store's view at scrape time.
  std::string Render(int64_t running, int64_t queued) const;

 private:
  metrics::Counter jobs_submitted_;
  metrics::Counter jobs_finished_{{"state"}};
  metrics::Counter rounds_;
  metrics::Counter node_updates_;
  metrics::Histogram round_seconds_;
  metrics::Histogram node_train_seconds_;
  metrics::Counter nodes_dropped_{{"reason"}};
  metrics::Counter bytes_sent_;
  metrics::Counter bytes_received_;
  metrics::DecisionCounter admissions_;
  metrics::DaemonHealth health_;
};

}  // namespace dsfl::master

#endif  // DSFL_MASTER_DAEMON_MASTER_METRICS_H_
