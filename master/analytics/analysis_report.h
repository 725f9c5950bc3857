// Reports of an AnalysisResult: JSON for scripts (`dsfl simulate --json`,
// the analysis job's analysis.json) and text tables for people.
//
// JSON (doubles round-trip exactly; NaN/inf become null):
//   {"analysis": "cox", "design": "pooled", "ties": "efron",
//    "sites": [...], "excluded": [...], "n": 227, "events": 164,
//    "coefficients": {"age": ...}, "se": {...}, "z": {...}, "p": {...},
//    "hazard_ratio": {...}, "hr_lower95": {...}, "hr_upper95": {...},
//    "means": {...}, "vcov": [[...]],
//    "loglik": {"null": ..., "model": ...},
//    "tests": {"likelihood_ratio": {"statistic", "df", "p"}, "wald": ...,
//              "score": ...},
//    "iterations": 4, "converged": true, "step_halvings": 0,
//    "baseline_hazard": [{"stratum", "times", "cumhaz"}],
//    "concordance": {"rows": "all", "n", "events",
//                    "harrell": {"concordance", "concordant", "discordant",
//                                "tied_risk"},
//                    "uno": {...}, "within_sites": {"harrell": {...}}},
//    "held_out_concordance": {...}}
//   {"analysis": "km", "n", "events", "median": {"time", "lower95",
//    "upper95"}, "table": [{"time", "n_risk", "n_event", "n_censor",
//    "surv", "std_err", "lower95", "upper95", "cumhaz"}]}
// Thread-safety: pure functions.
#ifndef DSFL_MASTER_ANALYTICS_ANALYSIS_REPORT_H_
#define DSFL_MASTER_ANALYTICS_ANALYSIS_REPORT_H_

#include <string>

#include "master/analytics/analysis.h"
#include "nlohmann/json.hpp"

namespace dsfl::analytics {

nlohmann::json AnalysisJson(const AnalysisResult& result);

// A coxph-like summary: coefficients, HR with CI, SE, z, p; n, events,
// log-likelihoods, tests, iterations and concordance.
std::string CoxText(const AnalysisResult& result);

// The median with its CI and the survival table (every `every`-th row).
std::string KaplanMeierText(const KmResult& km, size_t max_rows = 30);

std::string AnalysisText(const AnalysisResult& result);

}  // namespace dsfl::analytics

#endif  // DSFL_MASTER_ANALYTICS_ANALYSIS_REPORT_H_
