#include "master/core/fedavg.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "common/seed.h"

namespace dsfl::master {

std::vector<std::string> FedAvg::SelectForTraining(
    uint32_t round, const std::vector<std::string>& available) {
  size_t wanted = static_cast<size_t>(
      std::ceil(options_.fraction_fit * static_cast<double>(available.size())));
  wanted = std::clamp<size_t>(wanted, std::min<size_t>(options_.min_fit_nodes,
                                                       available.size()),
                              available.size());
  if (wanted == available.size()) return available;
  std::vector<std::string> chosen = available;
  std::mt19937_64 rng(DeriveSeed(options_.seed, "fedavg-select", round));
  std::shuffle(chosen.begin(), chosen.end(), rng);
  chosen.resize(wanted);
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

TrainingPlan FedAvg::PlanFor(uint32_t round, const std::string& node_id,
                             const TrainingPlan& base) {
  TrainingPlan plan = base;
  plan.seed = DeriveSeed(options_.seed, node_id, round);
  return plan;
}

float FedAvg::UpdateWeight(const TrainSummary& summary) {
  return static_cast<float>(summary.num_examples);
}

FlatModel FedAvg::NextGlobal(const FlatModel& /*global*/, FlatModel mean) {
  return mean;
}

EvalSummary FedAvg::AggregateEvaluation(
    const std::vector<EvalSummary>& evaluations) {
  EvalSummary total;
  double loss = 0, c_index = 0, auc = 0;
  int64_t c_index_n = 0, auc_n = 0;
  for (const EvalSummary& e : evaluations) {
    total.num_examples += e.num_examples;
    loss += e.loss * static_cast<double>(e.num_examples);
    if (e.c_index) {
      c_index += *e.c_index * static_cast<double>(e.num_examples);
      c_index_n += e.num_examples;
    }
    if (e.auc) {
      auc += *e.auc * static_cast<double>(e.num_examples);
      auc_n += e.num_examples;
    }
  }
  if (total.num_examples > 0) {
    total.loss = loss / static_cast<double>(total.num_examples);
  }
  if (c_index_n > 0) total.c_index = c_index / static_cast<double>(c_index_n);
  if (auc_n > 0) total.auc = auc / static_cast<double>(auc_n);
  return total;
}

}  // namespace dsfl::master
