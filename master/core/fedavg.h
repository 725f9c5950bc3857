// FedAvg (McMahan et al. 2017): each round a fraction of the available nodes
// trains locally from the global model; the next global model is the mean
// of their parameters weighted by their number of training examples.
// Evaluation metrics are averaged weighted by evaluation examples.
#ifndef DSFL_MASTER_CORE_FEDAVG_H_
#define DSFL_MASTER_CORE_FEDAVG_H_

#include "master/core/strategy.h"

namespace dsfl::master {

struct FedAvgOptions {
  double fraction_fit = 1.0;  // share of available nodes per round, (0, 1]
  uint32_t min_fit_nodes = 1;
  uint64_t seed = 0;
};

class FedAvg : public Strategy {
 public:
  explicit FedAvg(FedAvgOptions options) : options_(options) {}

  std::string name() const override { return "fedavg"; }
  std::vector<std::string> SelectForTraining(
      uint32_t round, const std::vector<std::string>& available) override;
  TrainingPlan PlanFor(uint32_t round, const std::string& node_id,
                       const TrainingPlan& base) override;
  float UpdateWeight(const TrainSummary& summary) override;
  FlatModel NextGlobal(const FlatModel& global, FlatModel mean) override;
  EvalSummary AggregateEvaluation(
      const std::vector<EvalSummary>& evaluations) override;

 private:
  FedAvgOptions options_;
};

}  // namespace dsfl::master

#endif  // DSFL_MASTER_CORE_FEDAVG_H_
