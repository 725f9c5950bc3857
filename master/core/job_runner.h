// JobRunner: runs one federated training job from start to end.
//
//   1. reach every slave (GetInfo); unreachable ones are left out;
//   2. federated standardisation: per-slave column moments (aggregates, not
//      rows) combined into a global mean and standard deviation;
//   3. the initial model from the first slave (by id), with the job seed;
//   4. `rounds` FedAvg rounds via the RoundEngine, each followed (every
//      `evaluate_every` rounds and after the last) by federated evaluation
//      on the slaves' held-out rows;
//   5. a checkpoint after every round and the final model, in output_dir.
//
// Constructed with a NodeConnector instead of nodes, Run() records
// job.submitted first and then connects (for a dataspace job: discovery
// and admission, audited into the same log), so the log tells the job's
// story in order and a failed admission ends with job.failed.
//
// Fails (with every node's reason) when fewer than min_clients slaves are
// left at any stage; Cancelled when `cancel` fires. Run() blocks the calling
// thread; the listener is called from it and from engine worker threads.
#ifndef DSFL_MASTER_CORE_JOB_RUNNER_H_
#define DSFL_MASTER_CORE_JOB_RUNNER_H_

#include <optional>
#include <string>
#include <vector>

#include "common/audit/audit_sink.h"
#include "common/cancellation.h"
#include "common/clock.h"
#include "common/flat_model.h"
#include "master/core/job_spec.h"
#include "master/core/node_connector.h"
#include "master/core/round_engine.h"

namespace dsfl::master {

struct RoundReport {
  uint32_t round = 0;
  uint32_t rounds = 0;
  size_t selected = 0;
  size_t completed = 0;
  std::vector<NodeOutcome> nodes;
  std::optional<EvalSummary> evaluation;
  std::vector<NodeOutcome> evaluation_nodes;  // empty: not evaluated
  double seconds = 0.0;
  std::string model_digest;
};

struct JobResult {
  FlatModel model;
  std::string model_digest;
  std::string model_path;
  std::vector<RoundReport> history;
  std::optional<EvalSummary> final_evaluation;
};

// Where a resumed job continues: the global model after `completed_rounds`
// rounds and the standardisation the job started with (both from the last
// checkpoint), so the rest of the run is exactly what it would have been.
struct ResumePoint {
  uint32_t completed_rounds = 0;
  FlatModel global;
  Standardization standardization;
};

// The newest readable checkpoint in `output_dir`, or nullopt when there is
// none. A checkpoint that fails its digest check is skipped (the previous
// one is used), so a crash while writing never poisons a resume.
StatusOr<std::optional<ResumePoint>> LoadLatestCheckpoint(
    const std::string& output_dir, const std::string& job_id);

class JobListener : public RoundListener {
 public:
  // Stage messages ("3 of 3 slaves reachable", "standardised 5 features").
  virtual void OnJobMessage(const std::string& /*text*/) {}
  virtual void OnRoundDone(const RoundReport& /*report*/) {}
  // A node admitted to or refused from the job by dataspace admission,
  // with the refusal's reason name ("" when admitted); for metrics.
  virtual void OnAdmission(const std::string& /*node*/, bool /*admitted*/,
                           const std::string& /*reason*/) {}
};

// One round's report as stored and served (round, participants, per-node
// outcome, evaluation, seconds, model digest).
nlohmann::json RoundReportJson(const RoundReport& report);

class JobRunner {
 public:
  // `clock` and `listener` are not owned; listener may be null. Nodes'
  // clients must outlive Run().
  // `audit` (not owned; null = no log) records the job, every round and
  // the final model before the master acts on them.
  JobRunner(JobSpec spec, std::vector<Node> nodes, const Clock* clock,
            JobListener* listener, audit::AuditSink* audit = nullptr);
  // Connects through `connector` in Run(), after job.submitted; the
  // connected clients live as long as the runner.
  JobRunner(JobSpec spec, NodeConnector connector, const Clock* clock,
            JobListener* listener, audit::AuditSink* audit = nullptr);

  // Runs the job; with `resume`, skips standardisation and initialisation
  // and continues after resume->completed_rounds.
  StatusOr<JobResult> Run(CancellationToken* cancel,
                          const ResumePoint* resume = nullptr);

 private:
  StatusOr<std::vector<Node>> ReachableNodes(CancellationToken* cancel);
  Status Standardize(std::vector<Node>* nodes, CancellationToken* cancel);
  StatusOr<FlatModel> InitialModel(const std::vector<Node>& nodes,
                                   CancellationToken* cancel);
  Status WriteCheckpoint(uint32_t round, const HashedModel& model) const;
  void Message(const std::string& text);
  Status Audit(const char* type, std::optional<int64_t> round,
               nlohmann::json details);
  StatusOr<JobResult> RunRounds(CancellationToken* cancel,
                                const ResumePoint* resume);

  JobSpec spec_;
  NodeConnector connector_;   // empty when constructed with nodes
  ConnectedNodes connected_;  // what connector_ returned
  std::vector<Node> nodes_;
  const Clock* clock_;
  JobListener* listener_;
  audit::AuditSink* audit_;
};

}  // namespace dsfl::master

#endif  // DSFL_MASTER_CORE_JOB_RUNNER_H_
