#include "master/analytics/analysis_report.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dsfl::analytics {
namespace {

using nlohmann::json;

json Num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json ByName(const std::vector<std::string>& names,
            const std::vector<double>& values) {
  json out = json::object();
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    out[names[i]] = Num(values[i]);
  }
  return out;
}

json TestJson(const CoxTest& t) {
  return {{"statistic", Num(t.statistic)}, {"df", t.df}, {"p", Num(t.p)}};
}

const char* RowsName(RowSet rows) {
  switch (rows) {
    case RowSet::kAll:
      return "all";
    case RowSet::kTraining:
      return "training";
    case RowSet::kHeldOut:
      return "held_out";
  }
  return "all";
}

json CountsJson(const PairCounts& c, double value) {
  return {{"concordance", Num(value)},
          {"concordant", c.concordant},
          {"discordant", c.discordant},
          {"tied_risk", c.tied_risk}};
}

json ConcordanceJson(const ConcordanceResult& c, RowSet rows, bool uno) {
  json j = {
      {"rows", RowsName(rows)},
      {"n", c.n},
      {"events", c.events},
      {"harrell", CountsJson(c.pooled, c.harrell)},
      {"within_sites", {{"harrell", CountsJson(c.within, c.harrell_within)}}}};
  if (uno) {
    j["uno"] = {{"concordance", Num(c.uno)},
                {"concordant", Num(c.pooled.w_concordant)},
                {"discordant", Num(c.pooled.w_discordant)},
                {"tied_risk", Num(c.pooled.w_tied_risk)}};
  }
  return j;
}

json CoxJson(const AnalysisResult& r) {
  const CoxFit& f = *r.cox;
  const size_t p = f.covariates.size();
  json vcov = json::array();
  for (size_t a = 0; a < p; ++a) {
    json row = json::array();
    for (size_t b = 0; b < p; ++b) row.push_back(Num(f.vcov[a * p + b]));
    vcov.push_back(row);
  }
  json baseline = json::array();
  for (const BaselineCurve& c : f.baseline) {
    json cumhaz = json::array();
    for (double v : c.cumhaz) cumhaz.push_back(Num(v));
    baseline.push_back(
        {{"stratum", c.stratum}, {"times", c.times}, {"cumhaz", cumhaz}});
  }
  json sites = json::array();
  for (size_t s = 0; s < f.sites.size(); ++s) {
    sites.push_back({{"id", f.sites[s]},
                     {"n", f.site_rows[s]},
                     {"events", f.site_events[s]}});
  }
  json j = {
      {"analysis", "cox"},
      {"design", DesignName(f.design)},
      {"ties", TiesName(f.ties)},
      {"rows", RowsName(r.spec.data.rows)},
      {"sites", sites},
      {"excluded", r.excluded},
      {"covariates", f.covariates},
      {"n", f.n},
      {"events", f.events},
      {"coefficients", ByName(f.covariates, f.coef)},
      {"se", ByName(f.covariates, f.se)},
      {"z", ByName(f.covariates, f.z)},
      {"p", ByName(f.covariates, f.p)},
      {"hazard_ratio", ByName(f.covariates, f.hazard_ratio)},
      {"hr_lower95", ByName(f.covariates, f.hr_lower95)},
      {"hr_upper95", ByName(f.covariates, f.hr_upper95)},
      {"means", ByName(f.covariates, f.means)},
      {"vcov", vcov},
      {"loglik", {{"null", Num(f.loglik_null)}, {"model", Num(f.loglik)}}},
      {"tests",
       {{"likelihood_ratio", TestJson(f.likelihood_ratio)},
        {"wald", TestJson(f.wald)},
        {"score", TestJson(f.score)}}},
      {"iterations", f.iterations},
      {"converged", f.converged},
      {"step_halvings", f.halvings},
      {"eps", r.spec.eps},
      {"baseline_hazard", baseline}};
  if (r.concordance) {
    j["concordance"] =
        ConcordanceJson(*r.concordance, r.spec.data.rows, r.spec.uno);
  }
  if (r.held_out_concordance) {
    j["held_out_concordance"] =
        ConcordanceJson(*r.held_out_concordance, RowSet::kHeldOut, r.spec.uno);
  }
  return j;
}

json KmJson(const AnalysisResult& r) {
  const KmResult& km = *r.km;
  json table = json::array();
  for (const KmRow& row : km.rows) {
    table.push_back({{"time", row.time},
                     {"n_risk", row.n_risk},
                     {"n_event", row.n_event},
                     {"n_censor", row.n_censor},
                     {"surv", Num(row.surv)},
                     {"std_err", Num(row.std_err)},
                     {"lower95", Num(row.lower95)},
                     {"upper95", Num(row.upper95)},
                     {"cumhaz", Num(row.cumhaz)}});
  }
  return {{"analysis", "km"},
          {"sites", r.sites},
          {"excluded", r.excluded},
          {"n", km.n},
          {"events", km.events},
          {"median",
           {{"time", Num(km.median)},
            {"lower95", Num(km.median_lower95)},
            {"upper95", Num(km.median_upper95)}}},
          {"table", table}};
}

std::string Fmt(double v) {
  if (std::isnan(v)) return "NA";
  return absl::StrFormat("%.4g", v);
}

}  // namespace

nlohmann::json AnalysisJson(const AnalysisResult& result) {
  if (result.km) return KmJson(result);
  if (!result.cox) {
    json j = {{"analysis", "concordance"},
              {"model_file", result.spec.model_file},
              {"covariates", result.spec.data.covariates},
              {"sites", result.sites},
              {"excluded", result.excluded}};
    if (result.concordance) {
      j["concordance"] = ConcordanceJson(
          *result.concordance, result.spec.data.rows, result.spec.uno);
    }
    return j;
  }
  return CoxJson(result);
}

std::string CoxText(const AnalysisResult& r) {
  const CoxFit& f = *r.cox;
  std::string out = absl::StrFormat(
      "Cox proportional hazards, %s design, %s ties, %zu sites: n = %d, "
      "events = %d\n",
      DesignName(f.design), TiesName(f.ties), f.sites.size(), f.n, f.events);
  absl::StrAppendFormat(&out, "%-12s %12s %10s %10s %10s %8s %11s\n",
                        "covariate", "coef", "HR", "HR 95% CI", "se(coef)", "z",
                        "p");
  for (size_t a = 0; a < f.covariates.size(); ++a) {
    absl::StrAppendFormat(
        &out, "%-12s %12.6g %10.4g %10s %10.4g %8.3f %11.4g\n", f.covariates[a],
        f.coef[a], f.hazard_ratio[a],
        absl::StrCat(Fmt(f.hr_lower95[a]), "-", Fmt(f.hr_upper95[a])), f.se[a],
        f.z[a], f.p[a]);
  }
  absl::StrAppendFormat(
      &out, "log partial likelihood %.10g (null %.10g); %d iterations%s%s\n",
      f.loglik, f.loglik_null, f.iterations,
      f.halvings > 0 ? absl::StrCat(", ", f.halvings, " step halvings")
                     : std::string(),
      f.converged ? "" : " (NOT CONVERGED)");
  absl::StrAppendFormat(
      &out,
      "likelihood ratio %.4f on %d df, p = %.3g; Wald %.4f, p = %.3g; "
      "score %.4f, p = %.3g\n",
      f.likelihood_ratio.statistic, f.likelihood_ratio.df, f.likelihood_ratio.p,
      f.wald.statistic, f.wald.p, f.score.statistic, f.score.p);
  if (r.concordance) {
    absl::StrAppendFormat(&out, "Harrell's C %.6f (within sites %.6f)",
                          r.concordance->harrell,
                          r.concordance->harrell_within);
    if (r.spec.uno)
      absl::StrAppendFormat(&out, ", Uno's C %.6f", r.concordance->uno);
    out += "\n";
  }
  if (r.held_out_concordance) {
    absl::StrAppendFormat(&out,
                          "held-out rows (n = %d): Harrell's C %.6f (within "
                          "sites %.6f)\n",
                          r.held_out_concordance->n,
                          r.held_out_concordance->harrell,
                          r.held_out_concordance->harrell_within);
  }
  for (const std::string& e : r.excluded) {
    absl::StrAppend(&out, "left out: ", e, "\n");
  }
  return out;
}

std::string KaplanMeierText(const KmResult& km, size_t max_rows) {
  std::string out = absl::StrFormat(
      "Kaplan-Meier: n = %d, events = %d, median %s (95%% CI %s-%s)\n", km.n,
      km.events, Fmt(km.median), Fmt(km.median_lower95),
      Fmt(km.median_upper95));
  absl::StrAppendFormat(&out, "%10s %7s %7s %9s %9s %9s %9s\n", "time",
                        "n.risk", "n.event", "survival", "std.err", "lower95",
                        "upper95");
  std::vector<const KmRow*> events;
  for (const KmRow& row : km.rows) {
    if (row.n_event > 0) events.push_back(&row);
  }
  const size_t step = std::max<size_t>(
      1, (events.size() + max_rows - 1) / std::max<size_t>(max_rows, 1));
  for (size_t i = 0; i < events.size(); i += step) {
    const KmRow& row = *events[i];
    absl::StrAppendFormat(&out, "%10g %7d %7d %9.4f %9.4f %9s %9s\n", row.time,
                          row.n_risk, row.n_event, row.surv, row.std_err,
                          Fmt(row.lower95), Fmt(row.upper95));
  }
  return out;
}

std::string AnalysisText(const AnalysisResult& result) {
  if (result.km) return KaplanMeierText(*result.km);
  if (result.cox) return CoxText(result);
  if (!result.concordance) return "";
  const ConcordanceResult& c = *result.concordance;
  std::string out = absl::StrFormat(
      "concordance of %s on %s rows (n = %d, events = %d, %zu sites): "
      "Harrell's C %.6f (within sites %.6f)",
      result.spec.model_file, RowsName(result.spec.data.rows), c.n, c.events,
      c.sites.size(), c.harrell, c.harrell_within);
  if (result.spec.uno) absl::StrAppendFormat(&out, ", Uno's C %.6f", c.uno);
  return out + "\n";
}

}  // namespace dsfl::analytics
