// The pieces of the federated Cox fit against R: each shard's log partial
// likelihood, score and information at beta = 0 and at the stratified
// optimum (the "at_beta0" / "at_beta_stratified" blocks), the pooled terms
// at beta = 0 from summed risk-set sums, and the baseline cumulative
// hazard (basehaz(fit, centered = FALSE)).
#include <cmath>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "connector-adapters/dataproxy/csv_data_source.h"
#include "gtest/gtest.h"
#include "master/analytics/cox_fit.h"
#include "master/analytics/linalg.h"
#include "slave/analytics/cox_sums.h"
#include "tests/unit/survival/survival_fixture.h"

namespace dsfl::analytics {
namespace {

using nlohmann::json;

double Rel(double a, double b) { return std::fabs(a - b) / std::fabs(b); }

void ExpectTerms(const CoxTerms& terms, const json& ref,
                 const std::vector<std::string>& names, const std::string& at) {
  const size_t p = names.size();
  EXPECT_LT(Rel(terms.loglik, ref["loglik"].get<double>()), 1e-10) << at;
  for (size_t a = 0; a < p; ++a) {
    EXPECT_NEAR(terms.score[a], ref["gradient"][names[a]].get<double>(),
                1e-8 * (1 + std::fabs(ref["gradient"][names[a]].get<double>())))
        << at << " score " << names[a];
    for (size_t b = 0; b < p; ++b) {
      const double r = ref["information"][a][b].get<double>();
      EXPECT_NEAR(terms.information[a * p + b], r, 1e-9 * (1 + std::fabs(r)))
          << at << " information " << a << "," << b;
    }
  }
}

std::vector<double> RefVector(const json& object,
                              const std::vector<std::string>& names) {
  std::vector<double> out;
  for (const std::string& n : names) out.push_back(object[n].get<double>());
  return out;
}

TEST(CoxTermsTest, PerShardTermsAddUpAsInR) {
  for (const char* model : {"main", "full"}) {
    const json& m = testing::LungReference()["models"][model];
    const auto names = m["covariates"].get<std::vector<std::string>>();
    const std::vector<double> center = RefVector(m["covariate_means"], names);
    for (const char* split : {"mod3", "mod5"}) {
      for (const char* ties : {"breslow", "efron"}) {
        const json& strat = m["stratified"][split][ties];
        const Ties t =
            std::string(ties) == "efron" ? Ties::kEfron : Ties::kBreslow;
        const std::vector<double> beta_hat = RefVector(strat["coef"], names);
        const auto files = testing::ShardFiles(split);
        for (const std::string& file : files) {
          SiteAnalytics site(std::make_unique<dataproxy::CsvDataSource>(file),
                             testing::OpenLimits());
          const std::string label =
              std::filesystem::path(file).stem().string().substr(
                  std::string("lung_").size() + std::string(split).size() + 1);
          const json& shard = strat["shards"][label];
          CoxQuery query{{"time", "event", names, RowSet::kAll, 0, 0},
                         t,
                         std::vector<double>(names.size(), 0.0),
                         center,
                         {}};
          auto at0 = site.CoxStratified({"t"}, query);
          ASSERT_TRUE(at0.ok()) << at0.status();
          ExpectTerms(
              *at0, shard["at_beta0"], names,
              absl::StrCat(model, " ", split, " ", ties, " ", label, " at 0"));
          query.beta = beta_hat;
          auto at_hat = site.CoxStratified({"t"}, query);
          ASSERT_TRUE(at_hat.ok()) << at_hat.status();
          ExpectTerms(*at_hat, shard["at_beta_stratified"], names,
                      absl::StrCat(model, " ", split, " ", ties, " ", label,
                                   " at beta"));
        }
      }
    }
  }
}

TEST(CoxTermsTest, PooledTermsAtZeroFromRiskSetSums) {
  const json& m = testing::LungReference()["models"]["main"];
  const auto names = m["covariates"].get<std::vector<std::string>>();
  testing::SimulatedFederation sim(testing::ShardFiles("mod5"),
                                   testing::OpenLimits());
  for (Ties ties : {Ties::kBreslow, Ties::kEfron}) {
    CoxOptions options;
    options.spec = {"time", "event", names, RowSet::kAll, 0, 0};
    options.ties = ties;
    options.max_iterations = 0;  // terms at beta = 0 only
    options.baseline_hazard = false;
    auto fit = FitCox(sim.federation(), options);
    ASSERT_TRUE(fit.ok()) << fit.status();
    const json& ref = m["pooled"][TiesName(ties)]["at_beta0"];
    EXPECT_LT(Rel(fit->loglik_null, ref["loglik"].get<double>()), 1e-12);
    // vcov at beta = 0 is the inverse of the information there.
    std::vector<double> info(names.size() * names.size());
    for (size_t a = 0; a < names.size(); ++a) {
      for (size_t b = 0; b < names.size(); ++b) {
        info[a * names.size() + b] = ref["information"][a][b].get<double>();
      }
    }
    std::vector<double> factor = info;
    Cholesky2(&factor, names.size(), 1e-13);
    std::vector<double> inverse = CholeskyInverse2(factor, names.size());
    for (size_t i = 0; i < inverse.size(); ++i) {
      EXPECT_NEAR(fit->vcov[i], inverse[i],
                  1e-10 * (1 + std::fabs(inverse[i])));
    }
  }
}

TEST(CoxTermsTest, CholeskyInverseInvertsAndHandlesSingularity) {
  const std::vector<double> m = {4, 2, 0.6, 2, 5, 1, 0.6, 1, 3};
  std::vector<double> factor = m;
  EXPECT_EQ(Cholesky2(&factor, 3, 1e-12), 3);
  std::vector<double> inverse = CholeskyInverse2(factor, 3);
  for (size_t i = 0; i < 3; ++i) {
    for (size_t j = 0; j < 3; ++j) {
      double v = 0;
      for (size_t k = 0; k < 3; ++k) v += m[i * 3 + k] * inverse[k * 3 + j];
      EXPECT_NEAR(v, i == j ? 1.0 : 0.0, 1e-14);
    }
  }
  // A duplicated column: rank 1 of 2, the dropped coordinate stays 0.
  std::vector<double> singular = {1, 1, 1, 1};
  EXPECT_EQ(Cholesky2(&singular, 2, 1e-12), 1);
  std::vector<double> y = {2, 2};
  CholeskySolve2(singular, 2, &y);
  EXPECT_DOUBLE_EQ(y[0], 2);
  EXPECT_DOUBLE_EQ(y[1], 0);
}

TEST(CoxTermsTest, BaselineHazardMatchesBasehaz) {
  for (const char* model : {"main", "full"}) {
    const json& m = testing::LungReference()["models"][model];
    const auto names = m["covariates"].get<std::vector<std::string>>();
    testing::SimulatedFederation sim(testing::ShardFiles("mod3"),
                                     testing::OpenLimits());
    for (Ties ties : {Ties::kBreslow, Ties::kEfron}) {
      CoxOptions options;
      options.spec = {"time", "event", names, RowSet::kAll, 0, 0};
      options.ties = ties;
      auto fit = FitCox(sim.federation(), options);
      ASSERT_TRUE(fit.ok()) << fit.status();
      ASSERT_EQ(fit->baseline.size(), 1u);
      const json& ref = m["pooled"][TiesName(ties)]["baseline_cumhaz"];
      for (size_t i = 0; i < ref["times"].size(); ++i) {
        const double t = ref["times"][i].get<double>();
        const double h = ref["cumhaz"][i].get<double>();
        EXPECT_LT(Rel(CumulativeHazardAt(fit->baseline[0], t), h), 1e-9)
            << model << " " << TiesName(ties) << " t=" << t;
      }
    }
  }
}

TEST(CoxTermsTest, StratifiedBaselineIsPerSite) {
  testing::SimulatedFederation sim(testing::ShardFiles("mod3"),
                                   testing::OpenLimits());
  CoxOptions options;
  options.spec = {"time",       "event", {"age", "sex", "ph.ecog"},
                  RowSet::kAll, 0,       0};
  options.design = CoxDesign::kStratified;
  auto fit = FitCox(sim.federation(), options);
  ASSERT_TRUE(fit.ok()) << fit.status();
  ASSERT_EQ(fit->baseline.size(), 3u);
  for (size_t s = 0; s < 3; ++s) {
    EXPECT_EQ(fit->baseline[s].stratum, fit->sites[s]);
    EXPECT_FALSE(fit->baseline[s].times.empty());
    EXPECT_TRUE(std::is_sorted(fit->baseline[s].cumhaz.begin(),
                               fit->baseline[s].cumhaz.end()));
  }
}

}  // namespace
}  // namespace dsfl::analytics
