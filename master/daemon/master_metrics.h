// MasterMetrics: the master daemon's counters, rendered in the Prometheus
// text exposition format at /metrics. Updated from job threads; all fields
// are atomics or guarded. Thread-safe.
#ifndef DSFL_MASTER_DAEMON_MASTER_METRICS_H_
#define DSFL_MASTER_DAEMON_MASTER_METRICS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace dsfl::master {

class MasterMetrics {
 public:
  void JobSubmitted() { ++jobs_submitted_; }
  void JobFinished(const std::string& state);
  void RoundCompleted(double seconds, size_t completed, size_t selected);
  void NodeDropped(const std::string& reason_code);
  void SetLastError(const std::string& error);

  // Prometheus text format; `running` and `queued` are gauges from the
  // store's view at scrape time.
  std::string Render(int64_t running, int64_t queued) const;

 private:
  std::atomic<uint64_t> jobs_submitted_{0};
  std::atomic<uint64_t> rounds_{0};
  std::atomic<uint64_t> node_updates_{0};
  mutable std::mutex mu_;
  double round_seconds_sum_ = 0.0;
  std::map<std::string, uint64_t> jobs_finished_;
  std::map<std::string, uint64_t> nodes_dropped_;
  std::string last_error_;
};

}  // namespace dsfl::master

#endif  // DSFL_MASTER_DAEMON_MASTER_METRICS_H_
