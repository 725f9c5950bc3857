// JobManager: the master daemon's scheduler. Accepts job specs, records them
// in the JobStore, runs at most `max_running_jobs` at once (each on its own
// thread through JobRunner), records every round, and resumes interrupted
// jobs from their last checkpoint when the daemon starts again.
//
// Every submitted spec gets the daemon's identity: its TLS files (unless the
// daemon is insecure) and, when the spec lists no slaves, the daemon's node
// registry; each job writes under <state_dir>/jobs/<id>/.
//
// Cancel() stops a job for good (state cancelled). Shutdown() interrupts
// running jobs (the current round is aborted; the job stays `running` in the
// store so the next start resumes it) and joins every thread. Thread-safe.
#ifndef DSFL_MASTER_DAEMON_JOB_MANAGER_H_
#define DSFL_MASTER_DAEMON_JOB_MANAGER_H_

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/audit/audit_sink.h"
#include "common/cancellation.h"
#include "common/clock.h"
#include "master/core/node_connector.h"
#include "master/daemon/federation_tls.h"
#include "master/daemon/job_store.h"
#include "master/daemon/master_metrics.h"

namespace dsfl::master {

struct JobManagerOptions {
  std::string state_dir;
  size_t max_running_jobs = 2;
  TlsPaths tls;  // as configured: what job specs (and their digest) name
  // The checked TLS material new jobs connect with (not owned; SIGHUP
  // replaces it); null = jobs read `tls` directly.
  FederationTls* federation_tls = nullptr;
  bool insecure = false;
  nlohmann::json default_slaves = nlohmann::json::array();
  audit::AuditSink* audit = nullptr;  // the daemon's log; not owned
};

class JobManager {
 public:
  // `store`, `clock` and `metrics` are not owned and must outlive this.
  JobManager(JobStore* store, NodeConnector connector,
             JobManagerOptions options, const Clock* clock,
             MasterMetrics* metrics);
  ~JobManager();

  // Schedules the store's queued and interrupted jobs.
  Status Start();
  // Validates (errors name the field) and queues a job; returns its id.
  StatusOr<std::string> Submit(nlohmann::json spec);
  // NotFound for an unknown id, FailedPrecondition when already finished.
  Status Cancel(const std::string& id);
  void Shutdown();

 private:
  struct Running {
    std::thread thread;
    CancellationToken cancel;
    bool cancelled_by_user = false;
    std::atomic<bool> done{false};  // the thread is about to return
  };

  StatusOr<JobSpec> PrepareSpec(nlohmann::json* spec) const;
  void Schedule(const std::string& id);
  void RunOne(const std::string& id, Running* running);
  void Finish(const std::string& id, const Status& status, Running* running);
  int64_t Now() const { return absl::ToUnixSeconds(clock_->Now()); }

  JobStore* store_;
  NodeConnector connector_;
  JobManagerOptions options_;
  const Clock* clock_;
  MasterMetrics* metrics_;

  std::mutex mu_;
  std::condition_variable slot_free_;
  size_t running_count_ = 0;
  bool shutting_down_ = false;
  std::map<std::string, std::unique_ptr<Running>> jobs_;
};

}  // namespace dsfl::master

#endif  // DSFL_MASTER_DAEMON_JOB_MANAGER_H_
