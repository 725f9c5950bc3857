// RunAnalysis: one exact federated survival analysis (Cox with its
// concordance, or Kaplan-Meier) over a Federation, whatever its transport:
// `dsfl simulate` (in-process sites), analysis jobs against dsfl-slave
// processes over gRPC (master/analytics/transport) and the tests all run
// this function, so they compute the same numbers.
//
// With exclude_refusing_sites, every site is first asked for its summary
// and a site that refuses it (FailedPrecondition) is left out and listed in
// `excluded`; otherwise any failure fails the analysis, naming the site.
// Thread-safety: see Federation.
#ifndef DSFL_MASTER_ANALYTICS_ANALYSIS_H_
#define DSFL_MASTER_ANALYTICS_ANALYSIS_H_

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "master/analytics/analysis_spec.h"
#include "master/analytics/concordance.h"
#include "master/analytics/cox_fit.h"
#include "master/analytics/federation.h"
#include "master/analytics/kaplan_meier.h"

namespace dsfl::analytics {

struct AnalysisResult {
  AnalysisSpec spec;
  std::vector<std::string> sites;     // the sites that took part
  std::vector<std::string> excluded;  // "site: reason"
  std::optional<CoxFit> cox;
  std::optional<ConcordanceResult> concordance;  // rows the model was fit on
  std::optional<ConcordanceResult> held_out_concordance;  // rows = kTraining
  std::optional<KmResult> km;
  double seconds = 0.0;
};

StatusOr<AnalysisResult> RunAnalysis(const AnalysisSpec& spec,
                                     Federation federation);

// The risk model of a fitted Cox model (linear predictor, centred).
RiskModel CoxRiskModel(const CoxFit& fit);

}  // namespace dsfl::analytics

#endif  // DSFL_MASTER_ANALYTICS_ANALYSIS_H_
