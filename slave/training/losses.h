// The training losses, exposed without torch types so that plain C++ (tests,
// tools) can evaluate exactly the code that training differentiates.
//
// The functions below copy their inputs into float64 libtorch tensors and
// call the same dtype-generic implementations that Train() uses
// (torch_models.h), then return the value and its gradient with respect to
// the model output, obtained by autograd.
//
// Negative Breslow partial log-likelihood, for risk scores r (log relative
// hazards), times t and events d:
//   L(r) = - sum_{i: d_i = 1} [ r_i - log sum_{j: t_j >= t_i} exp(r_j) ]
// Tied event times are handled the Breslow way: every row with t_j >= t_i is
// in the risk set of each tied event (also the other tied events). kMean
// divides by the number of events (so the learning rate does not scale with
// the site's size); with no event the loss is 0.
//
// Binary cross-entropy with logits z and labels y in {0, 1}:
//   L(z) = sum_i [ log(1 + exp(z_i)) - y_i z_i ]   (kMean: divided by n).
//
// Errors: InvalidArgument for mismatched lengths or invalid values, Internal
// for libtorch exceptions. Thread-safety: pure functions.
#ifndef DSFL_SLAVE_TRAINING_LOSSES_H_
#define DSFL_SLAVE_TRAINING_LOSSES_H_

#include <vector>

#include "common/status.h"

namespace dsfl::training {

enum class LossReduction {
  kSum,   // the statistic itself (R's -loglik for Cox)
  kMean,  // per event (Cox) or per row (cross-entropy); used for training
};

struct LossValue {
  double value = 0.0;
  std::vector<double> gradient;  // d value / d model output, one per row
};

StatusOr<LossValue> CoxBreslowNegLogLikelihood(const std::vector<double>& risk,
                                               const std::vector<double>& time,
                                               const std::vector<double>& event,
                                               LossReduction reduction);

StatusOr<LossValue> BinaryCrossEntropyWithLogits(
    const std::vector<double>& logits, const std::vector<double>& label,
    LossReduction reduction);

}  // namespace dsfl::training

#endif  // DSFL_SLAVE_TRAINING_LOSSES_H_
