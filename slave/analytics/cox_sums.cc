#include "slave/analytics/cox_sums.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace dsfl::analytics {
namespace {

Status CheckSizes(size_t p, const std::vector<double>& beta,
                  const std::vector<double>& center) {
  if (beta.size() != p || center.size() != p) {
    return absl::InvalidArgumentError(
        absl::StrCat("Cox query: beta has ", beta.size(), " and center ",
                     center.size(), " entries for ", p, " covariates"));
  }
  for (size_t a = 0; a < p; ++a) {
    if (!std::isfinite(beta[a]) || !std::isfinite(center[a])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Cox query: beta or center entry ", a, " is not finite"));
    }
  }
  return absl::OkStatus();
}

Status CheckTimes(const std::vector<double>& times) {
  for (size_t k = 0; k < times.size(); ++k) {
    if (!std::isfinite(times[k]) || (k > 0 && !(times[k - 1] < times[k]))) {
      return absl::InvalidArgumentError(absl::StrCat(
          "Cox query: event times must be finite, ascending and distinct "
          "(entry ",
          k, ")"));
    }
  }
  return absl::OkStatus();
}

// Adds weight w of centred row z (p entries) into running sums.
void AddRow(size_t p, double w, const double* z, double* s0, double* s1,
            double* s2) {
  *s0 += w;
  size_t ab = 0;
  for (size_t a = 0; a < p; ++a) {
    const double wa = w * z[a];
    s1[a] += wa;
    for (size_t b = a; b < p; ++b) s2[ab++] += wa * z[b];
  }
}

}  // namespace

void EventTimes(const SurvivalData& data, std::vector<double>* times,
                std::vector<int64_t>* counts) {
  times->clear();
  counts->clear();
  for (size_t i = 0; i < data.rows(); ++i) {
    if (data.event[i] == 0) continue;
    if (times->empty() || times->back() != data.time[i]) {
      times->push_back(data.time[i]);
      counts->push_back(0);
    }
    ++counts->back();
  }
}

std::vector<int64_t> RiskSetCells(const SurvivalData& data,
                                  const std::vector<double>& times) {
  std::vector<int64_t> cells(times.size(), 0);
  for (double t : data.time) {
    auto it = std::upper_bound(times.begin(), times.end(), t);
    if (it != times.begin())
      ++cells[static_cast<size_t>(it - times.begin()) - 1];
  }
  return cells;
}

StatusOr<RiskSetSums> ComputeRiskSetSums(const SurvivalData& data, Ties ties,
                                         const std::vector<double>& beta,
                                         const std::vector<double>& center,
                                         const std::vector<double>& times) {
  const size_t p = data.p;
  DSFL_RETURN_IF_ERROR(CheckSizes(p, beta, center));
  DSFL_RETURN_IF_ERROR(CheckTimes(times));
  const size_t n = data.rows();
  const size_t K = times.size();
  const size_t P = PackedSize(p);
  std::vector<double> zc(n * p);
  std::vector<double> lp(n);
  std::vector<double> w(n);
  for (size_t i = 0; i < n; ++i) {
    double z = 0.0;
    for (size_t a = 0; a < p; ++a) {
      zc[i * p + a] = data.x[i * p + a] - center[a];
      z += beta[a] * zc[i * p + a];
    }
    lp[i] = CoxSafe(z);
    w[i] = std::exp(lp[i]);
  }
  RiskSetSums out;
  out.s0.assign(K, 0.0);
  out.s1.assign(K * p, 0.0);
  out.s2.assign(K * P, 0.0);
  out.event_x.assign(p, 0.0);
  const bool efron = ties == Ties::kEfron;
  if (efron) {
    out.d0.assign(K, 0.0);
    out.d1.assign(K * p, 0.0);
    out.d2.assign(K * P, 0.0);
  }
  double r0 = 0.0;
  std::vector<double> r1(p, 0.0), r2(P, 0.0);
  size_t i = n;
  for (size_t k = K; k-- > 0;) {
    while (i > 0 && data.time[i - 1] >= times[k]) {
      --i;
      AddRow(p, w[i], &zc[i * p], &r0, r1.data(), r2.data());
    }
    out.s0[k] = r0;
    std::copy(r1.begin(), r1.end(), out.s1.begin() + k * p);
    std::copy(r2.begin(), r2.end(), out.s2.begin() + k * P);
  }
  for (size_t j = n; j-- > 0;) {
    if (data.event[j] == 0) continue;
    for (size_t a = 0; a < p; ++a) out.event_x[a] += zc[j * p + a];
    out.event_xb += lp[j];
    if (!efron) continue;
    auto it = std::lower_bound(times.begin(), times.end(), data.time[j]);
    if (it == times.end() || *it != data.time[j]) {
      return absl::InvalidArgumentError(
          "Cox query: a local event time is missing from the query's event "
          "times");
    }
    const size_t k = static_cast<size_t>(it - times.begin());
    AddRow(p, w[j], &zc[j * p], &out.d0[k], &out.d1[k * p], &out.d2[k * P]);
  }
  return out;
}

Status AddRiskSetSums(const RiskSetSums& b, RiskSetSums* a) {
  auto add = [](const std::vector<double>& from, std::vector<double>* to,
                const char* name) -> Status {
    if (from.size() != to->size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("risk-set sums: ", name, " has ", from.size(),
                       " entries, expected ", to->size()));
    }
    for (size_t i = 0; i < from.size(); ++i) (*to)[i] += from[i];
    return absl::OkStatus();
  };
  DSFL_RETURN_IF_ERROR(add(b.s0, &a->s0, "s0"));
  DSFL_RETURN_IF_ERROR(add(b.s1, &a->s1, "s1"));
  DSFL_RETURN_IF_ERROR(add(b.s2, &a->s2, "s2"));
  DSFL_RETURN_IF_ERROR(add(b.d0, &a->d0, "d0"));
  DSFL_RETURN_IF_ERROR(add(b.d1, &a->d1, "d1"));
  DSFL_RETURN_IF_ERROR(add(b.d2, &a->d2, "d2"));
  DSFL_RETURN_IF_ERROR(add(b.event_x, &a->event_x, "event_x"));
  a->event_xb += b.event_xb;
  return absl::OkStatus();
}

StatusOr<CoxTerms> CombineRiskSetSums(const RiskSetSums& sums,
                                      const std::vector<int64_t>& deaths,
                                      Ties ties, size_t p) {
  const size_t K = sums.s0.size();
  const size_t P = PackedSize(p);
  const bool efron = ties == Ties::kEfron;
  if (deaths.size() != K || sums.s1.size() != K * p ||
      sums.s2.size() != K * P || sums.event_x.size() != p ||
      (efron && (sums.d0.size() != K || sums.d1.size() != K * p ||
                 sums.d2.size() != K * P))) {
    return absl::InvalidArgumentError(
        absl::StrCat("risk-set sums do not match ", K, " event times and ", p,
                     " covariates"));
  }
  CoxTerms terms;
  terms.loglik = sums.event_xb;
  terms.score = sums.event_x;
  terms.information.assign(p * p, 0.0);
  std::vector<double> mean(p);
  for (size_t k = K; k-- > 0;) {
    const int64_t d = deaths[k];
    if (d <= 0) continue;
    const double* s1 = &sums.s1[k * p];
    const double* s2 = &sums.s2[k * P];
    const int64_t terms_at_t = efron ? d : 1;
    const double weight = efron ? 1.0 : static_cast<double>(d);
    for (int64_t l = 0; l < terms_at_t; ++l) {
      const double f =
          efron ? static_cast<double>(l) / static_cast<double>(d) : 0.0;
      const double* e1 = efron ? &sums.d1[k * p] : nullptr;
      const double* e2 = efron ? &sums.d2[k * P] : nullptr;
      const double denom = efron ? sums.s0[k] - f * sums.d0[k] : sums.s0[k];
      terms.loglik -= weight * std::log(denom);
      for (size_t a = 0; a < p; ++a) {
        mean[a] = (efron ? s1[a] - f * e1[a] : s1[a]) / denom;
        terms.score[a] -= weight * mean[a];
      }
      size_t ab = 0;
      for (size_t a = 0; a < p; ++a) {
        for (size_t b = a; b < p; ++b, ++ab) {
          const double second = (efron ? s2[ab] - f * e2[ab] : s2[ab]) / denom;
          terms.information[a * p + b] += weight * (second - mean[a] * mean[b]);
        }
      }
    }
  }
  for (size_t a = 0; a < p; ++a) {
    for (size_t b = 0; b < a; ++b) {
      terms.information[a * p + b] = terms.information[b * p + a];
    }
  }
  return terms;
}

StatusOr<CoxTerms> ComputeCoxTerms(const SurvivalData& data, Ties ties,
                                   const std::vector<double>& beta,
                                   const std::vector<double>& center) {
  std::vector<double> times;
  std::vector<int64_t> counts;
  EventTimes(data, &times, &counts);
  DSFL_ASSIGN_OR_RETURN(RiskSetSums sums,
                        ComputeRiskSetSums(data, ties, beta, center, times));
  return CombineRiskSetSums(sums, counts, ties, data.p);
}

StatusOr<std::vector<double>> BaselineIncrements(
    const RiskSetSums& sums, const std::vector<int64_t>& deaths, Ties ties,
    const std::vector<double>& beta, const std::vector<double>& center) {
  const size_t K = sums.s0.size();
  const bool efron = ties == Ties::kEfron;
  if (deaths.size() != K || beta.size() != center.size() ||
      (efron && sums.d0.size() != K)) {
    return absl::InvalidArgumentError(
        "baseline hazard: sums, deaths and beta do not match");
  }
  double offset = 0.0;
  for (size_t a = 0; a < beta.size(); ++a) offset += beta[a] * center[a];
  const double scale = std::exp(offset);
  std::vector<double> increments(K, 0.0);
  for (size_t k = 0; k < K; ++k) {
    const int64_t d = deaths[k];
    if (!efron) {
      increments[k] = static_cast<double>(d) / (sums.s0[k] * scale);
      continue;
    }
    double h = 0.0;
    for (int64_t l = 0; l < d; ++l) {
      const double f = static_cast<double>(l) / static_cast<double>(d);
      h += 1.0 / ((sums.s0[k] - f * sums.d0[k]) * scale);
    }
    increments[k] = h;
  }
  return increments;
}

}  // namespace dsfl::analytics
