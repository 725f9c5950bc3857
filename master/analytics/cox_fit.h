// Exact federated Cox proportional-hazards regression.
//
// Designs (slave/analytics/analytics_types.h):
//  - kStratified: a baseline hazard per site; each iteration sums the
//    sites' log partial likelihood, score and information (equals a pooled
//    coxph(... + strata(site)) fit);
//  - kPooled (WebDISCO): one baseline hazard; each site first reports its
//    distinct event times and event counts, the master forms the global
//    grid, and each iteration combines the sites' risk-set sums at every
//    global event time (plus tied-death sums for Efron) into the pooled
//    likelihood (equals a pooled coxph() fit).
//
// Method, as R's coxph (coxfit6.c): covariates centred at the federation's
// mean (from the sites' sums; it changes neither beta nor the likelihood);
// Newton-Raphson from beta = 0; whenever the log-likelihood decreases (or
// is not finite) the step is cut back, the k-th consecutive time to
// (new + k old) / (k + 1) (survival 3.x: 1/2, then 1/6 of the step, ...);
// convergence when
// |1 - loglik_old / loglik_new| <= eps on a full step; Cholesky with R's
// pivot tolerance. Complete cases of time, event and covariates.
//
// Errors: a site's failure or refusal (naming the site), InvalidArgument
// for a spec without covariates, FailedPrecondition when the federation has
// no event. A fit that runs out of iterations is returned with
// converged = false.
// Thread-safety: FitCox may run concurrently on distinct federations.
#ifndef DSFL_MASTER_ANALYTICS_COX_FIT_H_
#define DSFL_MASTER_ANALYTICS_COX_FIT_H_

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "master/analytics/federation.h"
#include "slave/analytics/analytics_types.h"

namespace dsfl::analytics {

struct CoxOptions {
  SurvivalSpec spec;
  Ties ties = Ties::kEfron;
  CoxDesign design = CoxDesign::kPooled;
  double eps = 1e-12;  // relative log-likelihood change
  int max_iterations = 100;
  double toler_chol = 1.8189894035458565e-12;  // R: .Machine$double.eps^0.75
  bool baseline_hazard = true;
  // Diagnostics only: false takes plain Newton steps (never halves), to
  // show why coxph halves.
  bool step_halving = true;
};

struct CoxTest {
  double statistic = 0.0;
  int df = 0;
  double p = 1.0;
};

struct BaselineCurve {
  std::string stratum;         // "pooled", or the site id (stratified design)
  std::vector<double> times;   // event times, ascending
  std::vector<double> cumhaz;  // H0 at each time, covariates = 0
};

struct CoxFit {
  std::vector<std::string> covariates;
  Ties ties = Ties::kEfron;
  CoxDesign design = CoxDesign::kPooled;
  std::vector<double> coef, se, z, p;
  std::vector<double> hazard_ratio, hr_lower95, hr_upper95;
  std::vector<double> vcov;   // p x p
  std::vector<double> means;  // the centring (federated means)
  double loglik_null = 0.0;   // at beta = 0
  double loglik = 0.0;        // at coef
  CoxTest likelihood_ratio, wald, score;
  int iterations = 0;
  bool converged = false;
  int rank = 0;
  int64_t n = 0;
  int64_t events = 0;
  std::vector<std::string> sites;
  std::vector<int64_t> site_rows, site_events;
  std::vector<BaselineCurve> baseline;
  std::vector<double> loglik_trace;  // at every evaluation, in order
  int halvings = 0;                  // step halvings taken
};

// The Newton-Raphson core, for any evaluator of (loglik, score,
// information) at beta.
using CoxEvaluator =
    std::function<StatusOr<CoxTerms>(const std::vector<double>& beta)>;

struct NewtonResult {
  std::vector<double> beta;
  CoxTerms at_zero;  // terms at the initial beta (0)
  CoxTerms at_beta;  // terms at `beta`
  double score_test = 0.0;
  std::vector<double> vcov;
  int rank = 0;
  int iterations = 0;
  bool converged = false;
  int halvings = 0;
  std::vector<double> loglik_trace;
};

StatusOr<NewtonResult> NewtonRaphson(size_t p, const CoxEvaluator& evaluate,
                                     const CoxOptions& options);

StatusOr<CoxFit> FitCox(const Federation& federation,
                        const CoxOptions& options);

// H0(t) of a curve as a step function (0 before the first time).
double CumulativeHazardAt(const BaselineCurve& curve, double t);

const char* TiesName(Ties ties);
const char* DesignName(CoxDesign design);

}  // namespace dsfl::analytics

#endif  // DSFL_MASTER_ANALYTICS_COX_FIT_H_
