#include "master/analytics/kaplan_meier.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "master/analytics/distributions.h"

namespace dsfl::analytics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// R's quantile rule on a step curve y (non-increasing) at `times`: the
// first time with y <= 0.5; when y equals 0.5 there (within R's tolerance
// sqrt(.Machine$double.eps)), the midpoint to the next time at which the
// curve drops. NaN when the curve never reaches 0.5.
double CurveMedian(const std::vector<double>& times,
                   const std::vector<double>& y) {
  const double tol = std::sqrt(std::numeric_limits<double>::epsilon());
  for (size_t i = 0; i < y.size(); ++i) {
    if (std::isnan(y[i])) continue;
    if (std::fabs(y[i] - 0.5) < tol) {
      for (size_t j = i + 1; j < y.size(); ++j) {
        if (!std::isnan(y[j]) && y[j] < y[i] - tol) {
          return (times[i] + times[j]) / 2;
        }
      }
      return times[i];
    }
    if (y[i] < 0.5) return times[i];
  }
  return kNaN;
}

}  // namespace

TimeCounts MergeTimeCounts(const std::vector<TimeCounts>& sites) {
  std::map<double, std::pair<int64_t, int64_t>> merged;
  TimeCounts out;
  for (const TimeCounts& s : sites) {
    out.rows += s.rows;
    for (size_t k = 0; k < s.times.size(); ++k) {
      merged[s.times[k]].first += s.events[k];
      merged[s.times[k]].second += s.censored[k];
    }
  }
  for (const auto& [t, counts] : merged) {
    out.times.push_back(t);
    out.events.push_back(counts.first);
    out.censored.push_back(counts.second);
  }
  return out;
}

KmResult KaplanMeierFromCounts(const TimeCounts& merged) {
  KmResult km;
  km.n = merged.rows;
  int64_t at_risk = merged.rows;
  double surv = 1.0, greenwood = 0.0, cumhaz = 0.0;
  std::vector<double> times, s, lower, upper;
  for (size_t k = 0; k < merged.times.size(); ++k) {
    KmRow row;
    row.time = merged.times[k];
    row.n_risk = at_risk;
    row.n_event = merged.events[k];
    row.n_censor = merged.censored[k];
    km.events += row.n_event;
    const double n = static_cast<double>(at_risk);
    const double d = static_cast<double>(row.n_event);
    if (row.n_event > 0) {
      surv *= (n - d) / n;
      greenwood += d / (n * (n - d));
      cumhaz += d / n;
    }
    row.surv = surv;
    row.cumhaz = cumhaz;
    const double se_log = std::sqrt(greenwood);
    row.std_err = surv * se_log;
    if (surv > 0 && std::isfinite(se_log)) {
      row.lower95 = std::exp(std::log(surv) - kNormal975 * se_log);
      row.upper95 =
          std::min(1.0, std::exp(std::log(surv) + kNormal975 * se_log));
    } else {
      row.lower95 = row.upper95 = kNaN;
      if (surv == 0) row.std_err = kNaN;
    }
    at_risk -= row.n_event + row.n_censor;
    times.push_back(row.time);
    s.push_back(row.surv);
    lower.push_back(row.lower95);
    upper.push_back(row.upper95);
    km.rows.push_back(row);
  }
  km.median = CurveMedian(times, s);
  km.median_lower95 = CurveMedian(times, lower);
  km.median_upper95 = CurveMedian(times, upper);
  return km;
}

StatusOr<KmResult> FitKaplanMeier(const Federation& federation,
                                  const SurvivalSpec& spec) {
  const QueryContext& context = federation.context;
  DSFL_ASSIGN_OR_RETURN(
      std::vector<TimeCounts> sites,
      QueryAll<TimeCounts>(federation,
                           [&](AnalyticsClient* c, const CallOptions& o) {
                             return c->KaplanMeier(context, spec, o);
                           }));
  return KaplanMeierFromCounts(MergeTimeCounts(sites));
}

std::vector<double> CensoringSurvivalBefore(const TimeCounts& merged,
                                            const std::vector<double>& times) {
  // G just after each distinct time, then looked up for t-.
  std::vector<double> g_after(merged.times.size());
  int64_t left = merged.rows;  // rows with time >= current
  double g = 1.0;
  for (size_t k = 0; k < merged.times.size(); ++k) {
    left -= merged.events[k] + merged.censored[k];  // now #{time > t_k}
    const int64_t m = merged.censored[k];
    if (m > 0) {
      g *= 1.0 - static_cast<double>(m) / static_cast<double>(left + m);
    }
    g_after[k] = g;
  }
  std::vector<double> out;
  out.reserve(times.size());
  for (double t : times) {
    auto it = std::lower_bound(merged.times.begin(), merged.times.end(), t);
    const size_t before = static_cast<size_t>(it - merged.times.begin());
    out.push_back(before == 0 ? 1.0 : g_after[before - 1]);
  }
  return out;
}

}  // namespace dsfl::analytics
