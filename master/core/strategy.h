// Strategy: the federated-learning algorithm, split the way Flower splits it
// so new algorithms (FedProx, FedAdam, secure aggregation) plug in without
// touching the round engine or the transport:
//   SelectForTraining -> PlanFor (per node) -> [engine streams and folds the
//   updates with UpdateWeight] -> NextGlobal -> AggregateEvaluation.
// Implementations must be deterministic functions of their inputs and the
// job seed. Called from the job's thread only.
#ifndef DSFL_MASTER_CORE_STRATEGY_H_
#define DSFL_MASTER_CORE_STRATEGY_H_

#include <string>
#include <vector>

#include "common/flat_model.h"
#include "master/core/job_types.h"
#include "master/core/slave_client.h"

namespace dsfl::master {

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::string name() const = 0;

  // The nodes that train in `round` (1-based), chosen among `available`
  // (sorted by id).
  virtual std::vector<std::string> SelectForTraining(
      uint32_t round, const std::vector<std::string>& available) = 0;
  // The node's local training plan for the round (e.g. its seed).
  virtual TrainingPlan PlanFor(uint32_t round, const std::string& node_id,
                               const TrainingPlan& base) = 0;
  // The weight of a node's update in the average.
  virtual float UpdateWeight(const TrainSummary& summary) = 0;
  // The next global model from the current one and the weighted mean of
  // the round's updates.
  virtual FlatModel NextGlobal(const FlatModel& global, FlatModel mean) = 0;
  // The federation's metrics from the nodes' evaluations.
  virtual EvalSummary AggregateEvaluation(
      const std::vector<EvalSummary>& evaluations) = 0;
};

}  // namespace dsfl::master

#endif  // DSFL_MASTER_CORE_STRATEGY_H_
