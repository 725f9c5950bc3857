// The arithmetic of the Cox partial likelihood in both federated designs,
// shared by the slave (which computes sums over its rows) and the master
// (which combines the sites' sums), so both ends use one formula.
//
// Conventions follow R's survival::coxph (coxfit6.c): covariates centred at
// `center`; the linear predictor z = (x - center)'beta is clamped to
// [-200, 22] before exp() (R's coxsafe); Breslow or Efron ties. For Efron
// with d deaths at t, the l-th of d terms (l = 0..d-1) uses the risk-set
// sums minus l/d of the sums over the deaths at t.
//
// Errors: InvalidArgument for mismatched vector sizes or unsorted times.
// Thread-safety: pure functions.
#ifndef DSFL_SLAVE_ANALYTICS_COX_SUMS_H_
#define DSFL_SLAVE_ANALYTICS_COX_SUMS_H_

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "slave/analytics/analytics_types.h"
#include "slave/analytics/survival_data.h"

namespace dsfl::analytics {

inline size_t PackedSize(size_t p) { return p * (p + 1) / 2; }
// Index of (a, b), a <= b, in a packed upper triangle.
inline size_t PackedIndex(size_t p, size_t a, size_t b) {
  return a * (2 * p - a + 1) / 2 + (b - a);
}

// R's coxsafe: the linear predictor clamped to [-200, 22].
inline double CoxSafe(double z) {
  return z < -200.0 ? -200.0 : (z > 22.0 ? 22.0 : z);
}

// The site's distinct event times (ascending) and event counts at each.
void EventTimes(const SurvivalData& data, std::vector<double>* times,
                std::vector<int64_t>* counts);

// Number of the site's rows in each cell of the grid `times` (ascending):
// cell k holds the rows with times[k] <= time < times[k + 1] (the last:
// time >= times.back()). Differences of consecutive risk-set sums isolate
// exactly these groups.
std::vector<int64_t> RiskSetCells(const SurvivalData& data,
                                  const std::vector<double>& times);

// Risk-set sums of `data` at `times` (ascending, distinct), see
// RiskSetSums.
StatusOr<RiskSetSums> ComputeRiskSetSums(const SurvivalData& data, Ties ties,
                                         const std::vector<double>& beta,
                                         const std::vector<double>& center,
                                         const std::vector<double>& times);

// Adds `b` into `a` element-wise (sums from two sites); sizes must agree.
Status AddRiskSetSums(const RiskSetSums& b, RiskSetSums* a);

// Log partial likelihood, score and information from risk-set sums summed
// over the sites that share the risk sets and the number of deaths at each
// of their times.
StatusOr<CoxTerms> CombineRiskSetSums(const RiskSetSums& sums,
                                      const std::vector<int64_t>& deaths,
                                      Ties ties, size_t p);

// One site's own (stratified) terms at beta.
StatusOr<CoxTerms> ComputeCoxTerms(const SurvivalData& data, Ties ties,
                                   const std::vector<double>& beta,
                                   const std::vector<double>& center);

// Baseline cumulative-hazard increments at covariates 0 (not centred):
// Breslow d / S0, Efron sum_l 1 / (S0 - l/d D0), with S0 = the sums at
// beta times exp(center'beta).
StatusOr<std::vector<double>> BaselineIncrements(
    const RiskSetSums& sums, const std::vector<int64_t>& deaths, Ties ties,
    const std::vector<double>& beta, const std::vector<double>& center);

}  // namespace dsfl::analytics

#endif  // DSFL_SLAVE_ANALYTICS_COX_SUMS_H_
