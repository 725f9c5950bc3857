// The training losses (losses.h, computed by the libtorch code that Train
// differentiates) against hand-computed values and against R's coxph.
#include <cmath>
#include <cstdio>

#include "gtest/gtest.h"
#include "slave/training/losses.h"
#include "tests/unit/training/lung_data.h"

namespace dsfl::training {
namespace {

using testing::CompleteCases;
using testing::LinearPredictor;
using testing::ReadLungReference;
using testing::ReadLungTable;
using testing::ReferenceBeta;
using testing::ReferenceCovariates;

double RelativeError(double got, double want) {
  return std::abs(got - want) / std::max(1e-300, std::abs(want));
}

// Five rows with a tied event time; rows deliberately not in time order.
//   row: 0    1    2    3    4
//   t:   3    2    4    1    2
//   d:   0    1    1    1    1
//   r:   0.0 -0.2  0.5  0.1  0.3
// Risk sets (Breslow): t=1 -> all five; t=2 (rows 1 and 4, tied) -> rows
// {0,1,2,4} for both; t=4 -> row {2} only.
struct Tiny {
  std::vector<double> risk{0.0, -0.2, 0.5, 0.1, 0.3};
  std::vector<double> time{3, 2, 4, 1, 2};
  std::vector<double> event{0, 1, 1, 1, 1};
};

double TinyByHand(const Tiny& d) {
  const double all = std::exp(0.0) + std::exp(-0.2) + std::exp(0.5) +
                     std::exp(0.1) + std::exp(0.3);
  const double at_two =
      std::exp(0.0) + std::exp(-0.2) + std::exp(0.5) + std::exp(0.3);
  const double at_four = std::exp(0.5);
  (void)d;
  return -((0.1 - std::log(all)) + (-0.2 - std::log(at_two)) +
           (0.3 - std::log(at_two)) + (0.5 - std::log(at_four)));
}

TEST(CoxBreslowLoss, FiveRowsWithTiesByHand) {
  const Tiny d;
  const double expected = TinyByHand(d);
  EXPECT_NEAR(expected, 4.7231872826041945, 1e-14);  // precomputed literal
  auto sum =
      CoxBreslowNegLogLikelihood(d.risk, d.time, d.event, LossReduction::kSum);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_NEAR(sum->value, expected, 1e-13);
  auto mean =
      CoxBreslowNegLogLikelihood(d.risk, d.time, d.event, LossReduction::kMean);
  ASSERT_TRUE(mean.ok()) << mean.status();
  EXPECT_NEAR(mean->value, expected / 4.0, 1e-13);  // 4 events
}

TEST(CoxBreslowLoss, GradientMatchesFiniteDifferences) {
  const Tiny d;
  auto at =
      CoxBreslowNegLogLikelihood(d.risk, d.time, d.event, LossReduction::kSum);
  ASSERT_TRUE(at.ok());
  ASSERT_EQ(at->gradient.size(), 5u);
  const double h = 1e-6;
  for (size_t k = 0; k < 5; ++k) {
    std::vector<double> plus = d.risk, minus = d.risk;
    plus[k] += h;
    minus[k] -= h;
    const double fd =
        (CoxBreslowNegLogLikelihood(plus, d.time, d.event, LossReduction::kSum)
             ->value -
         CoxBreslowNegLogLikelihood(minus, d.time, d.event, LossReduction::kSum)
             ->value) /
        (2 * h);
    EXPECT_NEAR(at->gradient[k], fd, 1e-8) << "row " << k;
  }
}

TEST(CoxBreslowLoss, NoEventsIsZeroAndBadInputIsRefused) {
  auto none = CoxBreslowNegLogLikelihood({1.0, 2.0}, {1, 2}, {0, 0},
                                         LossReduction::kMean);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->value, 0.0);
  EXPECT_EQ(
      CoxBreslowNegLogLikelihood({1.0}, {1, 2}, {0, 0}, LossReduction::kSum)
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CoxBreslowNegLogLikelihood({1.0}, {1}, {2}, LossReduction::kSum)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CoxBreslowNegLogLikelihood({1.0}, {-1}, {1}, LossReduction::kSum)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

// Breslow log partial likelihood at beta = 0 and at R's optimum, and the
// score vector at beta = 0, for both reference models.
class CoxVersusR : public ::testing::TestWithParam<const char*> {};

TEST_P(CoxVersusR, LogLikelihoodAndScore) {
  const std::string name = GetParam();
  const nlohmann::json reference = ReadLungReference();
  const nlohmann::json& model = reference["models"][name];
  const nlohmann::json& breslow = model["pooled"]["breslow"];
  const std::vector<std::string> covariates =
      ReferenceCovariates(reference, name);
  const testing::SurvivalRows rows = CompleteCases(ReadLungTable(), covariates);
  ASSERT_EQ(rows.time.size(), model["n_complete"].get<size_t>());

  const std::vector<double> zero(rows.time.size(), 0.0);
  auto null_fit = CoxBreslowNegLogLikelihood(zero, rows.time, rows.event,
                                             LossReduction::kSum);
  ASSERT_TRUE(null_fit.ok()) << null_fit.status();
  const double loglik_null = breslow["loglik_null"].get<double>();
  const double null_error = RelativeError(null_fit->value, -loglik_null);
  EXPECT_LT(null_error, 1e-10) << null_fit->value << " vs " << -loglik_null;

  const std::vector<double> beta = ReferenceBeta(reference, name);
  auto fit = CoxBreslowNegLogLikelihood(LinearPredictor(rows, beta), rows.time,
                                        rows.event, LossReduction::kSum);
  ASSERT_TRUE(fit.ok()) << fit.status();
  const double loglik = breslow["loglik"].get<double>();
  const double fit_error = RelativeError(fit->value, -loglik);
  EXPECT_LT(fit_error, 1e-10) << fit->value << " vs " << -loglik;

  // Score at beta = 0: d loglik / d beta = -X^T (d loss / d risk).
  double worst_score = 0.0;
  const nlohmann::json& gradient = breslow["at_beta0"]["gradient"];
  for (size_t k = 0; k < covariates.size(); ++k) {
    double score = 0.0;
    for (size_t i = 0; i < rows.x.size(); ++i) {
      score -= rows.x[i][k] * null_fit->gradient[i];
    }
    const double want = gradient[covariates[k]].get<double>();
    worst_score = std::max(worst_score, RelativeError(score, want));
    EXPECT_LT(RelativeError(score, want), 1e-10) << covariates[k];
  }
  std::printf(
      "[cox-vs-R %s] n=%zu rel.err loglik_null=%.3g loglik=%.3g "
      "score(beta0)=%.3g\n",
      name.c_str(), rows.time.size(), null_error, fit_error, worst_score);
}

INSTANTIATE_TEST_SUITE_P(Lung, CoxVersusR, ::testing::Values("main", "full"));

TEST(BinaryCrossEntropy, ByHand) {
  const std::vector<double> z{2.0, -1.0, 0.5};
  const std::vector<double> y{1.0, 0.0, 0.0};
  const double expected = (std::log1p(std::exp(2.0)) - 2.0) +
                          std::log1p(std::exp(-1.0)) +
                          std::log1p(std::exp(0.5));
  EXPECT_NEAR(expected, 1.4142666827413022, 1e-14);
  auto sum = BinaryCrossEntropyWithLogits(z, y, LossReduction::kSum);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_NEAR(sum->value, expected, 1e-13);
  auto mean = BinaryCrossEntropyWithLogits(z, y, LossReduction::kMean);
  ASSERT_TRUE(mean.ok());
  EXPECT_NEAR(mean->value, expected / 3.0, 1e-13);
  // d/dz = (sigmoid(z) - y) / n.
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(mean->gradient[i], (1.0 / (1.0 + std::exp(-z[i])) - y[i]) / 3,
                1e-13);
  }
  EXPECT_EQ(BinaryCrossEntropyWithLogits({1.0}, {0.5}, LossReduction::kSum)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dsfl::training
