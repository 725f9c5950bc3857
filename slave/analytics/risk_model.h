// Risk scores of a site's rows under a RiskModel (analytics_types.h): the
// linear predictor of a Cox fit, or the output of a built-in MLP
// (DeepSurv, FedAvg-trained Cox) evaluated in plain C++ double precision
// from its float32 parameters, so concordance needs no libtorch.
//
// The MLP's tensors must be layers.<i>.weight ([out, in]) each optionally
// followed by layers.<i>.bias ([out]), in ascending i, the first taking p
// inputs and the last giving one output; ReLU between layers (dropout is
// the identity at evaluation). Other models (TorchScript) are
// InvalidArgument: their scores would need libtorch on the slave.
// Errors: InvalidArgument for size mismatches, a zero stddev, a malformed
// MLP or a non-finite score (naming the row).
// Thread-safety: pure function.
#ifndef DSFL_SLAVE_ANALYTICS_RISK_MODEL_H_
#define DSFL_SLAVE_ANALYTICS_RISK_MODEL_H_

#include <vector>

#include "common/status.h"
#include "slave/analytics/analytics_types.h"
#include "slave/analytics/survival_data.h"

namespace dsfl::analytics {

StatusOr<std::vector<double>> ScoreRows(const SurvivalData& data,
                                        const RiskModel& model);

}  // namespace dsfl::analytics

#endif  // DSFL_SLAVE_ANALYTICS_RISK_MODEL_H_
