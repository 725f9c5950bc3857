// SlaveCore: everything a hospital slave does, independent of transport.
// The gRPC service (slave/service) and the in-process client used by
// simulations and tests (master/inprocess) both call it, so the code that
// guards the data is the same in both.
//
// Every method blocks (reads data, trains) and must run on a worker thread.
// What leaves: a dataset summary (row count, column names), per-feature
// count/sum/sum-of-squares, model parameters, and evaluation metrics, each
// only when the rows involved meet `limits.min_rows` (FailedPrecondition
// naming the limit otherwise). Data is re-read for each new job and cached
// for the job's later calls.
// Thread-safe.
#ifndef DSFL_SLAVE_CORE_SLAVE_CORE_H_
#define DSFL_SLAVE_CORE_SLAVE_CORE_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "common/audit/audit_sink.h"
#include "common/clock.h"
#include "common/flat_model.h"
#include "common/status.h"
#include "connector-adapters/dataproxy/data_source.h"
#include "master/core/job_types.h"
#include "master/core/slave_client.h"
#include "slave/core/core_observer.h"
#include "slave/training/trainer.h"

namespace dsfl::slave {

struct SlaveLimits {
  int64_t min_rows = 10;  // minimum complete rows behind any aggregate
  // Survival analytics (slave/analytics/disclosure.h): minimum events
  // behind any answer, and minimum patients in any isolable cell of an
  // answer (1 = no cell check).
  int64_t min_events = 3;
  int64_t min_cell_count = 1;
  uint64_t max_model_bytes = uint64_t{4} << 30;
};

// A Train call's answer: the update, with the digest recorded in the round's
// audit record (the update's stream header carries the same digest), and the
// trainer's summary.
struct TrainedUpdate {
  HashedModel update;
  int64_t num_examples = 0;
  double loss_before = 0.0;  // on the local training data, global model
  double loss_after = 0.0;   // after local training
};

struct SlaveIdentity {
  std::string node_id;
  std::string display_name;
};

class SlaveCore {
 public:
  // `audit` (not owned; null = no log) records every data read, every
  // release of aggregates and every round, before the answer leaves.
  SlaveCore(SlaveIdentity identity, std::unique_ptr<dataproxy::DataSource> source,
            SlaveLimits limits, audit::AuditSink* audit = nullptr);

  StatusOr<master::NodeInfo> GetInfo();
  StatusOr<master::ColumnMoments> ComputeMoments(const master::JobContext& job,
                                                 const master::DataSpec& data);
  StatusOr<FlatModel> InitializeModel(const master::JobContext& job,
                                      const master::ModelDefinition& model,
                                      const master::DataSpec& data,
                                      uint64_t seed);
  // Trains from `global` (whose digest is recorded as the model received)
  // and hashes the update once (a noop update is `global`: not at all).
  StatusOr<TrainedUpdate> Train(const master::TrainCall& call,
                                const HashedModel& global,
                                const std::atomic<bool>* cancel,
                                const training::ProgressFn& progress);
  // The same, taking ownership of `global` (left empty in all cases): a noop
  // model is returned as the update without a copy; other models are freed
  // when training returns.
  StatusOr<TrainedUpdate> Train(const master::TrainCall& call,
                                HashedModel&& global,
                                const std::atomic<bool>* cancel,
                                const training::ProgressFn& progress);
  StatusOr<training::EvalOutcome> Evaluate(const master::EvaluateCall& call,
                                           const HashedModel& model);

  // Reports every Train/Evaluate/InitializeModel (sizes, durations from
  // `clock`) to `observer` (not owned; null = none). Call before serving.
  void SetObserver(CoreObserver* observer,
                   const Clock* clock = &SystemClock()) {
    observer_ = observer;
    clock_ = clock;
  }

  const SlaveLimits& limits() const { return limits_; }
  const SlaveIdentity& identity() const { return identity_; }

 private:
  // The job's table: read once per job id, shared by that job's calls.
  // shared_ptr: concurrent calls of one job keep using a table while a new
  // job replaces the cache entry.
  StatusOr<std::shared_ptr<const dataproxy::Table>> TableFor(
      const std::string& job_id);
  StatusOr<training::ExampleSplit> ExamplesFor(const master::JobContext& job,
                                               const master::DataSpec& data);
  Status CheckRows(int64_t rows, const char* what) const;
  Status Audit(audit::AuditEvent event);
  // Both Train overloads; `owned` is `global` when ownership was given.
  StatusOr<TrainedUpdate> TrainModel(const master::TrainCall& call,
                                     const HashedModel& global,
                                     HashedModel* owned,
                                     const std::atomic<bool>* cancel,
                                     const training::ProgressFn& progress);

  SlaveIdentity identity_;
  SlaveLimits limits_;
  audit::AuditSink* audit_;
  CoreObserver* observer_ = nullptr;
  const Clock* clock_ = &SystemClock();
  std::mutex mu_;  // guards source_ and the cache
  std::unique_ptr<dataproxy::DataSource> source_;
  std::string cached_job_;
  std::shared_ptr<const dataproxy::Table> cached_table_;
};

}  // namespace dsfl::slave

#endif  // DSFL_SLAVE_CORE_SLAVE_CORE_H_
