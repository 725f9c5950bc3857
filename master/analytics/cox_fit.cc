#include "master/analytics/cox_fit.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "absl/strings/str_cat.h"
#include "master/analytics/distributions.h"
#include "master/analytics/linalg.h"
#include "slave/analytics/cox_sums.h"

namespace dsfl::analytics {
namespace {

// R's coxph.wtest: b' V^-1 b through a Cholesky2 of V (toler 1e-9).
CoxTest WaldTest(const std::vector<double>& vcov,
                 const std::vector<double>& coef) {
  const size_t p = coef.size();
  std::vector<double> factor = vcov;
  CoxTest test;
  test.df = std::abs(Cholesky2(&factor, p, 1e-9));
  std::vector<double> solve = coef;
  CholeskySolve2(factor, p, &solve);
  for (size_t a = 0; a < p; ++a) test.statistic += coef[a] * solve[a];
  test.p = ChiSquareUpperP(test.statistic, test.df);
  return test;
}

std::vector<double> CumulativeSum(const std::vector<double>& increments) {
  std::vector<double> out(increments.size());
  double sum = 0.0;
  for (size_t i = 0; i < increments.size(); ++i) {
    sum += increments[i];
    out[i] = sum;
  }
  return out;
}

// The pooled design's global event-time grid and deaths per time.
void GlobalGrid(const std::vector<SurvivalSummary>& summaries,
                std::vector<double>* times, std::vector<int64_t>* deaths) {
  std::map<double, int64_t> merged;
  for (const SurvivalSummary& s : summaries) {
    for (size_t k = 0; k < s.event_times.size(); ++k) {
      merged[s.event_times[k]] += s.event_counts[k];
    }
  }
  times->clear();
  deaths->clear();
  for (const auto& [t, d] : merged) {
    times->push_back(t);
    deaths->push_back(d);
  }
}

}  // namespace

const char* TiesName(Ties ties) {
  return ties == Ties::kBreslow ? "breslow" : "efron";
}

const char* DesignName(CoxDesign design) {
  return design == CoxDesign::kPooled ? "pooled" : "stratified";
}

double CumulativeHazardAt(const BaselineCurve& curve, double t) {
  auto it = std::upper_bound(curve.times.begin(), curve.times.end(), t);
  if (it == curve.times.begin()) return 0.0;
  return curve.cumhaz[static_cast<size_t>(it - curve.times.begin()) - 1];
}

StatusOr<NewtonResult> NewtonRaphson(size_t p, const CoxEvaluator& evaluate,
                                     const CoxOptions& options) {
  NewtonResult result;
  std::vector<double> beta(p, 0.0);
  DSFL_ASSIGN_OR_RETURN(result.at_zero, evaluate(beta));
  const CoxTerms& t0 = result.at_zero;
  result.loglik_trace.push_back(t0.loglik);
  if (!std::isfinite(t0.loglik)) {
    return absl::FailedPreconditionError(
        "Cox fit: the log partial likelihood at beta = 0 is not finite");
  }
  std::vector<double> factor = t0.information;
  result.rank = Cholesky2(&factor, p, options.toler_chol);
  std::vector<double> step = t0.score;
  CholeskySolve2(factor, p, &step);
  for (size_t a = 0; a < p; ++a) result.score_test += t0.score[a] * step[a];
  std::vector<double> newbeta(p);
  for (size_t a = 0; a < p; ++a) newbeta[a] = beta[a] + step[a];

  double loglik_old = t0.loglik;
  int halving = 0;  // consecutive step reductions (0 = last step was full)
  CoxTerms accepted = t0;  // terms at `beta`, the last accepted point
  if (options.max_iterations <= 0) {
    result.beta = beta;
    result.at_beta = t0;
    result.vcov = CholeskyInverse2(factor, p);
    return result;
  }
  for (int iter = 1; iter <= options.max_iterations; ++iter) {
    result.iterations = iter;
    DSFL_ASSIGN_OR_RETURN(CoxTerms current, evaluate(newbeta));
    result.loglik_trace.push_back(current.loglik);
    if (!options.step_halving) accepted = current;
    const bool finite = std::isfinite(current.loglik);
    factor = current.information;
    result.rank = Cholesky2(&factor, p, options.toler_chol);
    if (finite && std::fabs(1 - loglik_old / current.loglik) <= options.eps &&
        halving == 0) {
      result.converged = true;
      result.beta = newbeta;
      result.at_beta = std::move(current);
      result.vcov = CholeskyInverse2(factor, p);
      return result;
    }
    if (iter == options.max_iterations) break;
    if (!options.step_halving) {
      if (!finite) break;  // a plain Newton iteration has diverged
    } else if (!finite || current.loglik < loglik_old) {
      // coxph (survival 3.x): the k-th consecutive reduction moves to
      // (newbeta + k beta) / (k + 1): 1/2, then 1/6, ... of the step.
      ++halving;
      ++result.halvings;
      for (size_t a = 0; a < p; ++a) {
        newbeta[a] = (newbeta[a] + halving * beta[a]) / (halving + 1);
      }
      continue;
    }
    halving = 0;
    loglik_old = current.loglik;
    step = current.score;
    CholeskySolve2(factor, p, &step);
    for (size_t a = 0; a < p; ++a) {
      beta[a] = newbeta[a];
      newbeta[a] += step[a];
    }
    accepted = std::move(current);
  }
  // Out of iterations: like coxph, the last accepted point (plain Newton:
  // the last one evaluated, which is accepted unconditionally).
  result.beta = options.step_halving ? beta : newbeta;
  result.at_beta = accepted;
  factor = accepted.information;
  if (factor.size() == p * p) {
    result.rank = Cholesky2(&factor, p, options.toler_chol);
    result.vcov = CholeskyInverse2(factor, p);
  } else {
    result.vcov.assign(p * p, std::numeric_limits<double>::quiet_NaN());
  }
  return result;
}

StatusOr<CoxFit> FitCox(const Federation& federation,
                        const CoxOptions& options) {
  const size_t p = options.spec.covariates.size();
  if (p == 0) {
    return absl::InvalidArgumentError("Cox fit: no covariates");
  }
  const bool pooled = options.design == CoxDesign::kPooled;
  const QueryContext& context = federation.context;
  DSFL_ASSIGN_OR_RETURN(
      std::vector<SurvivalSummary> summaries,
      QueryAll<SurvivalSummary>(
          federation, [&](AnalyticsClient* c, const CallOptions& o) {
            return c->Summary(context, options.spec, pooled, o);
          }));
  CoxFit fit;
  fit.covariates = options.spec.covariates;
  fit.ties = options.ties;
  fit.design = options.design;
  std::vector<double> sums(p, 0.0);
  for (size_t s = 0; s < summaries.size(); ++s) {
    const SurvivalSummary& summary = summaries[s];
    if (summary.covariate_sums.size() != p) {
      return absl::InvalidArgumentError(absl::StrCat(
          "site ", federation.sites[s].id, ": summary has ",
          summary.covariate_sums.size(), " covariate sums, expected ", p));
    }
    fit.sites.push_back(federation.sites[s].id);
    fit.site_rows.push_back(summary.rows);
    fit.site_events.push_back(summary.events);
    fit.n += summary.rows;
    fit.events += summary.events;
    for (size_t a = 0; a < p; ++a) sums[a] += summary.covariate_sums[a];
  }
  if (fit.events == 0) {
    return absl::FailedPreconditionError(
        "Cox fit: the federation's complete cases have no event");
  }
  fit.means.resize(p);
  for (size_t a = 0; a < p; ++a) {
    fit.means[a] = sums[a] / static_cast<double>(fit.n);
  }

  std::vector<double> grid;
  std::vector<int64_t> deaths;
  if (pooled) GlobalGrid(summaries, &grid, &deaths);
  std::vector<double> last_beta;
  RiskSetSums last_sums;
  auto risk_set_sums =
      [&](const std::vector<double>& beta) -> StatusOr<RiskSetSums> {
    CoxQuery query{options.spec, options.ties, beta, fit.means, grid};
    DSFL_ASSIGN_OR_RETURN(
        std::vector<RiskSetSums> parts,
        QueryAll<RiskSetSums>(federation,
                              [&](AnalyticsClient* c, const CallOptions& o) {
                                return c->CoxRiskSets(context, query, o);
                              }));
    RiskSetSums total = parts[0];
    for (size_t s = 1; s < parts.size(); ++s) {
      DSFL_RETURN_IF_ERROR(AddRiskSetSums(parts[s], &total));
    }
    return total;
  };
  CoxEvaluator evaluate;
  if (pooled) {
    evaluate = [&](const std::vector<double>& beta) -> StatusOr<CoxTerms> {
      DSFL_ASSIGN_OR_RETURN(RiskSetSums total, risk_set_sums(beta));
      DSFL_ASSIGN_OR_RETURN(CoxTerms terms,
                            CombineRiskSetSums(total, deaths, options.ties, p));
      last_beta = beta;
      last_sums = std::move(total);
      return terms;
    };
  } else {
    evaluate = [&](const std::vector<double>& beta) -> StatusOr<CoxTerms> {
      CoxQuery query{options.spec, options.ties, beta, fit.means, {}};
      DSFL_ASSIGN_OR_RETURN(
          std::vector<CoxTerms> parts,
          QueryAll<CoxTerms>(federation,
                             [&](AnalyticsClient* c, const CallOptions& o) {
                               return c->CoxStratified(context, query, o);
                             }));
      CoxTerms total = parts[0];
      for (size_t s = 1; s < parts.size(); ++s) {
        if (parts[s].score.size() != p ||
            parts[s].information.size() != p * p) {
          return absl::InvalidArgumentError(
              absl::StrCat("site ", federation.sites[s].id,
                           ": Cox terms of the wrong size"));
        }
        total.loglik += parts[s].loglik;
        for (size_t a = 0; a < p; ++a) total.score[a] += parts[s].score[a];
        for (size_t a = 0; a < p * p; ++a) {
          total.information[a] += parts[s].information[a];
        }
      }
      return total;
    };
  }
  DSFL_ASSIGN_OR_RETURN(NewtonResult nr, NewtonRaphson(p, evaluate, options));

  fit.coef = nr.beta;
  fit.vcov = nr.vcov;
  fit.loglik_null = nr.at_zero.loglik;
  fit.loglik = nr.at_beta.loglik;
  fit.iterations = nr.iterations;
  fit.converged = nr.converged;
  fit.rank = std::abs(nr.rank);
  fit.loglik_trace = nr.loglik_trace;
  fit.halvings = nr.halvings;
  for (size_t a = 0; a < p; ++a) {
    const double se = std::sqrt(fit.vcov[a * p + a]);
    fit.se.push_back(se);
    fit.z.push_back(fit.coef[a] / se);
    fit.p.push_back(NormalTwoSidedP(fit.coef[a] / se));
    fit.hazard_ratio.push_back(std::exp(fit.coef[a]));
    fit.hr_lower95.push_back(std::exp(fit.coef[a] - kNormal975 * se));
    fit.hr_upper95.push_back(std::exp(fit.coef[a] + kNormal975 * se));
  }
  fit.likelihood_ratio.statistic = 2 * (fit.loglik - fit.loglik_null);
  fit.likelihood_ratio.df = fit.rank;
  fit.likelihood_ratio.p =
      ChiSquareUpperP(fit.likelihood_ratio.statistic, fit.rank);
  fit.score.statistic = nr.score_test;
  fit.score.df = fit.rank;
  fit.score.p = ChiSquareUpperP(nr.score_test, fit.rank);
  fit.wald = WaldTest(fit.vcov, fit.coef);

  if (options.baseline_hazard) {
    if (pooled) {
      if (last_beta != fit.coef) {
        DSFL_ASSIGN_OR_RETURN(last_sums, risk_set_sums(fit.coef));
      }
      DSFL_ASSIGN_OR_RETURN(std::vector<double> increments,
                            BaselineIncrements(last_sums, deaths, options.ties,
                                               fit.coef, fit.means));
      fit.baseline.push_back({"pooled", grid, CumulativeSum(increments)});
    } else {
      CoxQuery query{options.spec, options.ties, fit.coef, fit.means, {}};
      DSFL_ASSIGN_OR_RETURN(
          std::vector<BaselineHazard> curves,
          QueryAll<BaselineHazard>(
              federation, [&](AnalyticsClient* c, const CallOptions& o) {
                return c->CoxBaseline(context, query, o);
              }));
      for (size_t s = 0; s < curves.size(); ++s) {
        fit.baseline.push_back({federation.sites[s].id, curves[s].times,
                                CumulativeSum(curves[s].increments)});
      }
    }
  }
  return fit;
}

}  // namespace dsfl::analytics
