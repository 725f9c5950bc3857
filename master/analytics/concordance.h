// Federated concordance (Harrell's C and Uno's C) of a risk model, equal
// to R's survival::concordance() on the pooled data.
//
// Protocol (what each site releases is in docs/survival.md):
//  1. with Uno's C, every site's Kaplan-Meier counts, from which the master
//     forms the censoring distribution G (R's tie convention);
//  2. every site's probes: (time, risk score) of each of its events;
//  3. the master pools the probes (no site labels; weight 1, or
//     1 / G(t-)^2 for Uno) and sends them to every site, which returns its
//     pair counts against them and within itself.
// Pooled C = sum of the sites' `across` counts; within-site C = sum of
// their `within` counts (R's concordance of a coxph(... + strata(site))
// fit). Harrell's counts are exact integers.
// Errors: a site's failure or refusal; FailedPrecondition when no pair is
// comparable.
#ifndef DSFL_MASTER_ANALYTICS_CONCORDANCE_H_
#define DSFL_MASTER_ANALYTICS_CONCORDANCE_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "master/analytics/federation.h"
#include "slave/analytics/analytics_types.h"

namespace dsfl::analytics {

struct ConcordanceResult {
  int64_t n = 0;
  int64_t events = 0;
  PairCounts pooled;     // all comparable pairs of the federation
  PairCounts within;     // pairs inside one site
  double harrell = 0.0;  // pooled
  double harrell_within = 0.0;
  double uno = 0.0;  // pooled, NaN when not computed
  std::vector<std::string> sites;
  std::vector<PairCounts> site_within;  // per site
};

// (concordant + tied / 2) / (concordant + discordant + tied), as R.
double HarrellC(const PairCounts& counts);
double UnoC(const PairCounts& counts);

StatusOr<ConcordanceResult> FederatedConcordance(const Federation& federation,
                                                 const SurvivalSpec& spec,
                                                 const RiskModel& model,
                                                 bool uno);

}  // namespace dsfl::analytics

#endif  // DSFL_MASTER_ANALYTICS_CONCORDANCE_H_
