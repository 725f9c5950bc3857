// Cross-site concordance with aggregates: a site turns its events into
// probes (time of death, risk score, multiplicity) and counts, for any list
// of probes, the comparable pairs its own rows form with them. Summed over
// sites, the counts are exactly the pair counts of R's pooled
// survival::concordance(); within-site counts use only the site's probes.
//
// A row j is comparable with probe (t, r) when time_j > t, or time_j == t
// and j is censored (R's convention: tied deaths are not comparable, a
// censoring at a death time is still at risk). The pair is concordant when
// r > risk_j, discordant when r < risk_j, tied when equal (exact double
// comparison). Complexity O((n + probes) log n).
// Errors: InvalidArgument for a non-finite probe, a count < 1 or a
// negative weight.
// Thread-safety: pure functions.
#ifndef DSFL_SLAVE_ANALYTICS_CONCORDANCE_COUNTS_H_
#define DSFL_SLAVE_ANALYTICS_CONCORDANCE_COUNTS_H_

#include <vector>

#include "common/status.h"
#include "slave/analytics/analytics_types.h"
#include "slave/analytics/survival_data.h"

namespace dsfl::analytics {

// The site's events as probes, identical (time, risk) merged, sorted by
// time then risk, weight 1.
std::vector<RiskProbe> MakeProbes(const SurvivalData& data,
                                  const std::vector<double>& risk);

// Merges probe lists (identical time and risk add their counts; weights
// must agree and the first is kept), sorted by time then risk.
std::vector<RiskProbe> MergeProbes(const std::vector<RiskProbe>& probes);

StatusOr<PairCounts> CountAgainstProbes(const SurvivalData& data,
                                        const std::vector<double>& risk,
                                        const std::vector<RiskProbe>& probes);

// The site's own probes, each with the weight the pooled list gives the
// same (time, risk) (weight 1 when the list has none).
std::vector<RiskProbe> OwnProbesWithWeights(
    const SurvivalData& data, const std::vector<double>& risk,
    const std::vector<RiskProbe>& pooled);

}  // namespace dsfl::analytics

#endif  // DSFL_SLAVE_ANALYTICS_CONCORDANCE_COUNTS_H_
