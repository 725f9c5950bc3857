// Federated Kaplan-Meier from per-site counts, as R's survfit(Surv(time,
// event) ~ 1) (conf.type = "log", 95%): the sites' events and censorings
// per distinct time are added, n at risk is the federation's rows minus
// those who left before, S(t) = prod (1 - d / n), Greenwood's standard
// error (of S: S * sqrt(sum d / (n (n - d)))), the log-type interval
// S exp(+-1.96 se(-log S)) capped at 1, the Nelson-Aalen cumulative hazard,
// and the median survival time with its interval read off the curve and its
// limits (R's rule: the first time the curve is <= 0.5; where it equals 0.5
// exactly, the midpoint to the next time). Undefined values are NaN.
//
// Also the censoring distribution G used by Uno's C (R's concordance
// convention: deaths at t leave before censorings at t).
// Errors: FitKaplanMeier returns a site's failure or refusal.
// Thread-safety: pure functions / see Federation.
#ifndef DSFL_MASTER_ANALYTICS_KAPLAN_MEIER_H_
#define DSFL_MASTER_ANALYTICS_KAPLAN_MEIER_H_

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "master/analytics/federation.h"
#include "slave/analytics/analytics_types.h"

namespace dsfl::analytics {

struct KmRow {
  double time = 0.0;
  int64_t n_risk = 0, n_event = 0, n_censor = 0;
  double surv = 1.0;
  double std_err = 0.0;  // of S(t)
  double lower95 = 1.0, upper95 = 1.0;
  double cumhaz = 0.0;  // Nelson-Aalen
};

struct KmResult {
  int64_t n = 0;
  int64_t events = 0;
  std::vector<KmRow> rows;  // one per distinct time
  double median = 0.0, median_lower95 = 0.0, median_upper95 = 0.0;
};

// Adds per-site counts into one table over the union of their times.
TimeCounts MergeTimeCounts(const std::vector<TimeCounts>& sites);

KmResult KaplanMeierFromCounts(const TimeCounts& merged);

StatusOr<KmResult> FitKaplanMeier(const Federation& federation,
                                  const SurvivalSpec& spec);

// G(t-) at each of `times` for the merged counts, with R's tie convention:
// G(t-) = prod over censoring times c < t of (1 - m_c / (#{time > c} +
// m_c)), m_c = censorings at c.
std::vector<double> CensoringSurvivalBefore(const TimeCounts& merged,
                                            const std::vector<double>& times);

}  // namespace dsfl::analytics

#endif  // DSFL_MASTER_ANALYTICS_KAPLAN_MEIER_H_
