// Federated Cox on the lung shards against R's coxph (lung_reference.json):
// models main and full, Breslow and Efron, pooled and stratified, for the
// inst, mod3 and mod5 splits. Coefficients and SE within 1e-8 absolute,
// log-likelihoods within 1e-10 relative, Harrell's C to 1e-9 (pair counts
// exactly).
#include <cmath>
#include <string>
#include <tuple>

#include "gtest/gtest.h"
#include "master/analytics/analysis.h"
#include "master/analytics/cox_fit.h"
#include "tests/unit/survival/survival_fixture.h"

namespace dsfl::analytics {
namespace {

using nlohmann::json;
using testing::LungReference;
using testing::OpenLimits;
using testing::ShardFiles;
using testing::SimulatedFederation;

double RelErr(double a, double b) { return std::fabs(a - b) / std::fabs(b); }

struct Case {
  std::string model;
  std::string split;
  Ties ties;
  CoxDesign design;
};

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  return info.param.model + "_" + info.param.split + "_" +
         TiesName(info.param.ties) + "_" + DesignName(info.param.design);
}

class CoxLungTest : public ::testing::TestWithParam<Case> {
 protected:
  const json& ModelRef() const {
    return LungReference()["models"][GetParam().model];
  }
  // The R fit this case must reproduce.
  const json& FitRef() const {
    const Case& c = GetParam();
    const json& m = ModelRef();
    return c.design == CoxDesign::kPooled
               ? m["pooled"][TiesName(c.ties)]
               : m["stratified"][c.split][TiesName(c.ties)];
  }
  AnalysisSpec Spec() const {
    AnalysisSpec spec;
    spec.data.time = "time";
    spec.data.event = "event";
    spec.data.covariates =
        ModelRef()["covariates"].get<std::vector<std::string>>();
    spec.ties = GetParam().ties;
    spec.design = GetParam().design;
    return spec;
  }
};

TEST_P(CoxLungTest, MatchesR) {
  SimulatedFederation sim(ShardFiles(GetParam().split), OpenLimits());
  auto result = RunAnalysis(Spec(), sim.federation());
  ASSERT_TRUE(result.ok()) << result.status();
  const CoxFit& fit = *result->cox;
  const json& ref = FitRef();
  ASSERT_TRUE(fit.converged);
  EXPECT_EQ(fit.n, ref["n"].get<int64_t>());
  EXPECT_EQ(fit.events, ref["n_events"].get<int64_t>());
  double max_coef = 0, max_se = 0;
  for (size_t a = 0; a < fit.covariates.size(); ++a) {
    const std::string& name = fit.covariates[a];
    const double coef = ref["coef"][name].get<double>();
    const double se = ref["se"][name].get<double>();
    EXPECT_NEAR(fit.coef[a], coef, 1e-8) << name;
    EXPECT_NEAR(fit.se[a], se, 1e-8) << name;
    max_coef = std::max(max_coef, std::fabs(fit.coef[a] - coef));
    max_se = std::max(max_se, std::fabs(fit.se[a] - se));
    EXPECT_LT(RelErr(fit.z[a], ref["z"][name].get<double>()), 1e-7) << name;
    EXPECT_LT(RelErr(fit.p[a], ref["p"][name].get<double>()), 1e-6) << name;
    EXPECT_LT(
        RelErr(fit.hazard_ratio[a], ref["hazard_ratio"][name].get<double>()),
        1e-9)
        << name;
  }
  const double ll_err = RelErr(fit.loglik, ref["loglik"].get<double>());
  const double ll0_err =
      RelErr(fit.loglik_null, ref["loglik_null"].get<double>());
  EXPECT_LT(ll_err, 1e-10);
  EXPECT_LT(ll0_err, 1e-10);
  EXPECT_EQ(fit.iterations, ref["iterations"].get<int>());
  // The reference stores the tests of the pooled fits only.
  if (ref.contains("tests")) {
    const json& tests = ref["tests"];
    EXPECT_LT(RelErr(fit.likelihood_ratio.statistic,
                     tests["likelihood_ratio"]["stat"].get<double>()),
              1e-8);
    EXPECT_LT(RelErr(fit.likelihood_ratio.p,
                     tests["likelihood_ratio"]["p"].get<double>()),
              1e-7);
    EXPECT_LT(RelErr(fit.score.statistic, tests["score"]["stat"].get<double>()),
              1e-8);
    EXPECT_LT(RelErr(fit.score.p, tests["score"]["p"].get<double>()), 1e-7);
    // R prints (and the reference stores) the Wald statistic to 2 decimals.
    EXPECT_NEAR(fit.wald.statistic, tests["wald"]["stat"].get<double>(), 0.005);
    EXPECT_EQ(fit.wald.df, tests["wald"]["df"].get<int>());
  }
  std::printf(
      "[agreement] %s: max|dcoef| %.3g max|dse| %.3g rel dloglik %.3g "
      "rel dloglik0 %.3g\n",
      ::testing::UnitTest::GetInstance()->current_test_info()->name(), max_coef,
      max_se, ll_err, ll0_err);

  // Concordance: pooled Harrell's C (R's concordance(fit), or the across-
  // shards reference for stratified fits), exact pair counts.
  ASSERT_TRUE(result->concordance.has_value());
  const ConcordanceResult& c = *result->concordance;
  const json& h = GetParam().design == CoxDesign::kPooled
                      ? ref["concordance_harrell"]
                      : ref["concordance_across_shards"]["harrell"];
  EXPECT_EQ(c.pooled.concordant, h["concordant"].get<int64_t>());
  EXPECT_EQ(c.pooled.discordant, h["discordant"].get<int64_t>());
  EXPECT_EQ(c.pooled.tied_risk, h["tied_risk"].get<int64_t>());
  EXPECT_NEAR(c.harrell, h["concordance"].get<double>(), 1e-9);
  const json& u = GetParam().design == CoxDesign::kPooled
                      ? ref["concordance_uno"]
                      : ref["concordance_across_shards"]["uno"];
  EXPECT_NEAR(c.uno, u["concordance"].get<double>(), 1e-9);
  std::printf("[agreement] %s: |dHarrell| %.3g |dUno| %.3g\n",
              ::testing::UnitTest::GetInstance()->current_test_info()->name(),
              std::fabs(c.harrell - h["concordance"].get<double>()),
              std::fabs(c.uno - u["concordance"].get<double>()));
  if (GetParam().design == CoxDesign::kStratified) {
    EXPECT_NEAR(c.harrell_within,
                ref["concordance_within_shards"]["harrell"]["concordance"]
                    .get<double>(),
                1e-9);
  }
}

std::vector<Case> AllCases() {
  std::vector<Case> cases;
  for (const char* model : {"main", "full"}) {
    for (const char* split : {"inst", "mod3", "mod5"}) {
      for (Ties ties : {Ties::kBreslow, Ties::kEfron}) {
        for (CoxDesign design : {CoxDesign::kPooled, CoxDesign::kStratified}) {
          cases.push_back({model, split, ties, design});
        }
      }
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Lung, CoxLungTest, ::testing::ValuesIn(AllCases()),
                         CaseName);

}  // namespace
}  // namespace dsfl::analytics
