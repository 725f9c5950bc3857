// A large, heavily censored (92 %) synthetic dataset with only 25 distinct
// times and a heavy-tailed covariate, split over 5 sites: a plain Newton
// step from beta = 0 overshoots and plain Newton-Raphson diverges, while
// coxph's step halving converges to R's fit (heavy_ties_reference.json,
// made by tests/fixtures/survival_synthetic/heavy_ties.R from the same
// generator).
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "master/analytics/analysis.h"
#include "master/analytics/cox_fit.h"
#include "tests/unit/survival/survival_fixture.h"

namespace dsfl::analytics {
namespace {

using nlohmann::json;

const json& Reference() {
  static const json* reference = [] {
    std::ifstream in(testing::SourcePath(
        "tests/fixtures/survival_synthetic/heavy_ties_reference.json"));
    std::stringstream buffer;
    buffer << in.rdbuf();
    return new json(json::parse(buffer.str()));
  }();
  return *reference;
}

// The generator of heavy_ties.R, operation for operation.
std::vector<std::string> WriteSites() {
  uint64_t s = 20261122;
  auto nextu = [&s] {
    s = (48271 * s) % 2147483647;
    return static_cast<double>(s) / 2147483647.0;
  };
  std::vector<std::string> csv(5, "time,event,x1,x2,x3\n");
  for (int i = 0; i < 20000; ++i) {
    const double x1 = nextu() < 0.3 ? 1 : 0;
    const double x2 = std::floor(nextu() * 5);
    const double x3 = std::floor(10 / (nextu() + 0.002)) / 10;
    double h = 0.002 * (1 + 2 * x1) * (1 + 0.25 * x2) * (1 + x3 / 20);
    if (h > 0.9) h = 0.9;
    int t_event = 25;
    for (int t = 1; t <= 24; ++t) {
      if (nextu() < h) {
        t_event = t;
        break;
      }
    }
    const int t_censor = 1 + static_cast<int>(std::floor(nextu() * 30));
    const int time = std::min(t_event, t_censor);
    const int event = t_event <= t_censor && t_event <= 24 ? 1 : 0;
    char x3_text[40];
    std::snprintf(x3_text, sizeof(x3_text), "%.17g", x3);
    absl::StrAppend(&csv[i % 5], time, ",", event, ",", x1, ",", x2, ",",
                    x3_text, "\n");
  }
  std::vector<std::string> files;
  for (int k = 0; k < 5; ++k) {
    files.push_back(
        testing::WriteTempFile(absl::StrCat("heavy_site_", k, ".csv"), csv[k]));
  }
  return files;
}

const std::vector<std::string>& SiteFiles() {
  static const std::vector<std::string>* files =
      new std::vector<std::string>(WriteSites());
  return *files;
}

CoxOptions Options(Ties ties, CoxDesign design) {
  CoxOptions options;
  options.spec.time = "time";
  options.spec.event = "event";
  options.spec.covariates = {"x1", "x2", "x3"};
  options.ties = ties;
  options.design = design;
  return options;
}

TEST(HeavyTiesTest, StepHalvingConvergesToR) {
  testing::SimulatedFederation sim(SiteFiles(), testing::OpenLimits());
  for (CoxDesign design : {CoxDesign::kPooled, CoxDesign::kStratified}) {
    for (Ties ties : {Ties::kEfron, Ties::kBreslow}) {
      SCOPED_TRACE(absl::StrCat(DesignName(design), " ", TiesName(ties)));
      auto fit = FitCox(sim.federation(), Options(ties, design));
      ASSERT_TRUE(fit.ok()) << fit.status();
      const json& ref = Reference()[DesignName(design)][TiesName(ties)];
      EXPECT_EQ(fit->n, Reference()["n"].get<int64_t>());
      EXPECT_EQ(fit->events, Reference()["events"].get<int64_t>());
      ASSERT_TRUE(fit->converged);
      EXPECT_GT(fit->halvings, 0);
      EXPECT_EQ(fit->iterations, ref["iterations"].get<int>());
      double max_coef = 0, max_se = 0;
      for (size_t a = 0; a < 3; ++a) {
        EXPECT_NEAR(fit->coef[a], ref["coef"][a].get<double>(), 1e-8);
        EXPECT_NEAR(fit->se[a], ref["se"][a].get<double>(), 1e-8);
        max_coef = std::max(
            max_coef, std::fabs(fit->coef[a] - ref["coef"][a].get<double>()));
        max_se = std::max(max_se,
                          std::fabs(fit->se[a] - ref["se"][a].get<double>()));
      }
      const double ll = ref["loglik"].get<double>();
      const double ll0 = ref["loglik_null"].get<double>();
      EXPECT_LT(std::fabs(fit->loglik - ll) / std::fabs(ll), 1e-10);
      EXPECT_LT(std::fabs(fit->loglik_null - ll0) / std::fabs(ll0), 1e-10);
      std::printf(
          "[agreement] heavy ties %s %s: max|dcoef| %.3g max|dse| "
          "%.3g rel dloglik %.3g, %d iterations, %d halvings\n",
          DesignName(design), TiesName(ties), max_coef, max_se,
          std::fabs(fit->loglik - ll) / std::fabs(ll), fit->iterations,
          fit->halvings);
    }
  }
}

TEST(HeavyTiesTest, PlainNewtonFromZeroDiverges) {
  testing::SimulatedFederation sim(SiteFiles(), testing::OpenLimits());
  CoxOptions options = Options(Ties::kEfron, CoxDesign::kPooled);
  options.step_halving = false;
  options.baseline_hazard = false;
  auto fit = FitCox(sim.federation(), options);
  ASSERT_TRUE(fit.ok()) << fit.status();
  // The first full Newton step lowers the log-likelihood ...
  ASSERT_GE(fit->loglik_trace.size(), 2u);
  EXPECT_LT(fit->loglik_trace[1], fit->loglik_trace[0]);
  // ... and plain Newton never reaches R's optimum.
  const double ll = Reference()["pooled"]["efron"]["loglik"].get<double>();
  EXPECT_FALSE(fit->converged && std::fabs(fit->loglik - ll) < 1e-6);
  std::string trace;
  for (double v : fit->loglik_trace) absl::StrAppend(&trace, " ", v);
  std::printf("[plain newton] converged %d, loglik trace:%s\n", fit->converged,
              trace.c_str());
}

TEST(HeavyTiesTest, ConcordanceMatchesR) {
  testing::SimulatedFederation sim(SiteFiles(), testing::OpenLimits());
  AnalysisSpec spec;
  spec.data = Options(Ties::kEfron, CoxDesign::kPooled).spec;
  spec.uno = false;
  auto result = RunAnalysis(spec, sim.federation());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_NEAR(result->concordance->harrell,
              Reference()["pooled"]["efron"]["concordance"].get<double>(),
              1e-9);
}

}  // namespace
}  // namespace dsfl::analytics
