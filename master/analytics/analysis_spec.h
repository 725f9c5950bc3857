// AnalysisSpec: an exact federated survival analysis as a coordinator asks
// for it, in a job spec ("analysis": {...}, parsed by master/core/job_spec)
// or on the command line (`dsfl simulate`). Header-only plain data, so the
// job spec can carry it without linking the analytics.
#ifndef DSFL_MASTER_ANALYTICS_ANALYSIS_SPEC_H_
#define DSFL_MASTER_ANALYTICS_ANALYSIS_SPEC_H_

#include <string>

#include "slave/analytics/analytics_types.h"

namespace dsfl::analytics {

struct AnalysisSpec {
  // kConcordance: Harrell's (and Uno's) C of a trained built-in model (a
  // DeepSurv or FedAvg Cox checkpoint, `model_file`) on the covariates
  // (the model's features, in its order) and rows of `data`.
  enum class Type { kCox, kKaplanMeier, kConcordance };
  Type type = Type::kCox;
  // time, event, covariates and rows. With rows = kTraining a Cox model is
  // fitted on the training side of the split and its concordance is also
  // measured on the held-out side.
  SurvivalSpec data;
  // kConcordance: a model file (common/model_file.h) whose metadata holds
  // the job's "standardization" (the master's checkpoints do).
  std::string model_file;
  // Cox
  Ties ties = Ties::kEfron;
  CoxDesign design = CoxDesign::kPooled;
  double eps = 1e-12;
  int max_iterations = 100;
  bool baseline_hazard = true;
  bool concordance = true;  // Harrell's C (pooled and within sites)
  bool uno = true;          // and Uno's C (needs the sites' KM counts)
  // Sites that refuse the first query (a disclosure limit) are left out
  // and named in the result instead of failing the analysis. Leaving a site
  // out changes the result unless the site has no complete case.
  bool exclude_refusing_sites = false;
};

}  // namespace dsfl::analytics

#endif  // DSFL_MASTER_ANALYTICS_ANALYSIS_SPEC_H_
