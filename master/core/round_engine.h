// RoundEngine: runs one training round or one evaluation round over a set
// of slaves, with bounded failures.
//
// Training: the strategy picks the nodes; each node's Train call runs on an
// engine worker thread (at most `max_parallel` at once; 1 = sequential, which
// makes runs bit-for-bit reproducible); updates are validated and folded
// into a StreamingAggregator chunk by chunk. A watchdog cancels every call
// still running at the round deadline. A node that fails, is refused or
// misses the deadline is dropped from this round only. The round succeeds
// when at least `min_clients` nodes completed; otherwise it returns
// FailedPrecondition listing every node's reason, and the global model is
// unchanged.
//
// Evaluation: the same fan-out for Evaluate, aggregated by the strategy; it
// succeeds when at least one node answered.
//
// Every worker thread is joined before Run* returns, including on
// cancellation of the job token. Not thread-safe: one round at a time.
#ifndef DSFL_MASTER_CORE_ROUND_ENGINE_H_
#define DSFL_MASTER_CORE_ROUND_ENGINE_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/cancellation.h"
#include "common/clock.h"
#include "common/flat_model.h"
#include "common/status.h"
#include "master/core/slave_client.h"
#include "master/core/strategy.h"

namespace dsfl::master {

struct RoundOptions {
  uint32_t min_clients = 1;
  absl::Duration timeout = absl::Minutes(10);
  size_t max_parallel = 0;  // 0 = all selected nodes at once
  uint32_t chunk_bytes = kDefaultChunkBytes;
};

struct Node {
  std::string id;
  SlaveClient* client = nullptr;  // not owned
};

struct NodeOutcome {
  std::string node_id;
  Status status;
  TrainSummary train;     // training rounds
  EvalSummary evaluation;  // evaluation rounds
  // Model payload handed to the node's client (also when the call then
  // failed) and update payload received from it (metrics).
  uint64_t model_bytes_sent = 0;
  uint64_t model_bytes_received = 0;
};

struct TrainRoundResult {
  HashedModel global;              // the next global model, hashed once here
  std::vector<NodeOutcome> nodes;  // in selection order
  size_t completed = 0;
  // From the round's start until `global` was built and hashed.
  absl::Duration elapsed;
};

struct EvalRoundResult {
  EvalSummary aggregate;
  std::vector<NodeOutcome> nodes;
  size_t completed = 0;
};

// Observes a round as it happens (progress lines, metrics, audit). Called
// from engine worker threads: implementations must be thread-safe.
class RoundListener {
 public:
  virtual ~RoundListener() = default;
  virtual void OnNodeProgress(uint32_t /*round*/, const std::string& /*node*/,
                              int64_t /*epoch*/, double /*loss*/) {}
  virtual void OnNodeDone(uint32_t /*round*/, const NodeOutcome& /*node*/) {}
};

class RoundEngine {
 public:
  // `strategy`, `clock` and `listener` are not owned; listener may be null.
  RoundEngine(Strategy* strategy, RoundOptions options, const Clock* clock,
              RoundListener* listener);

  StatusOr<TrainRoundResult> RunTraining(uint32_t round, const TrainCall& base,
                                         const HashedModel& global,
                                         const std::vector<Node>& nodes,
                                         CancellationToken* job_cancel);

  StatusOr<EvalRoundResult> RunEvaluation(const EvaluateCall& call,
                                          const HashedModel& model,
                                          const std::vector<Node>& nodes,
                                          CancellationToken* job_cancel);

 private:
  Strategy* strategy_;
  RoundOptions options_;
  const Clock* clock_;
  RoundListener* listener_;
};

// Runs task(i) for i in [0, count) on at most `max_parallel` threads (0 =
// `count`), cancelling `round_cancel` at `deadline`. Returns after every
// task has returned and every thread is joined.
void RunFanOut(size_t count, size_t max_parallel, absl::Time deadline,
               CancellationToken* round_cancel,
               const std::function<void(size_t)>& task);

}  // namespace dsfl::master

#endif  // DSFL_MASTER_CORE_ROUND_ENGINE_H_
