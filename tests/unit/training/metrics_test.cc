#include "slave/training/metrics.h"

#include <cstdio>

#include "gtest/gtest.h"
#include "slave/training/random.h"
#include "tests/unit/training/lung_data.h"

namespace dsfl::training {
namespace {

// O(n^2) reference: the definition in metrics.h word for word.
ConcordanceCounts BruteForce(const std::vector<double>& risk,
                             const std::vector<double>& time,
                             const std::vector<double>& event) {
  ConcordanceCounts counts;
  for (size_t i = 0; i < risk.size(); ++i) {
    if (event[i] != 1.0) continue;
    for (size_t j = 0; j < risk.size(); ++j) {
      const bool comparable =
          time[j] > time[i] || (time[j] == time[i] && event[j] == 0.0);
      if (!comparable) continue;
      if (risk[i] > risk[j]) {
        ++counts.concordant;
      } else if (risk[i] < risk[j]) {
        ++counts.discordant;
      } else {
        ++counts.tied_risk;
      }
    }
  }
  return counts;
}

double BruteForceAuc(const std::vector<double>& score,
                     const std::vector<double>& label) {
  double wins = 0.0, pairs = 0.0;
  for (size_t i = 0; i < score.size(); ++i) {
    for (size_t j = 0; j < score.size(); ++j) {
      if (label[i] != 1.0 || label[j] != 0.0) continue;
      pairs += 1.0;
      wins += score[i] > score[j] ? 1.0 : score[i] == score[j] ? 0.5 : 0.0;
    }
  }
  return wins / pairs;
}

TEST(HarrellConcordance, SmallExampleByHand) {
  // Pairs with event_i = 1: i=0 (t=1) vs j=1,2,3; i=1 (t=2) vs j=2 (censored
  // at t=2, still at risk) and j=3; i=3 (t=4) vs nobody.
  const std::vector<double> time{1, 2, 2, 4};
  const std::vector<double> event{1, 1, 0, 1};
  const std::vector<double> risk{3, 1, 1, 2};
  // i=0: 3>1, 3>1, 3>2 -> 3 concordant. i=1: 1==1 tie, 1<2 discordant.
  auto counts = CountConcordance(risk, time, event);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->concordant, 3);
  EXPECT_EQ(counts->discordant, 1);
  EXPECT_EQ(counts->tied_risk, 1);
  EXPECT_DOUBLE_EQ(*HarrellConcordance(risk, time, event), 3.5 / 5.0);
}

TEST(HarrellConcordance, EqualsBruteForceOnRandomDataWithTies) {
  SplitMix64 rng(42);
  for (int trial = 0; trial < 50; ++trial) {
    const size_t n = 1 + rng.Uniform(200);
    std::vector<double> risk(n), time(n), event(n);
    for (size_t i = 0; i < n; ++i) {
      risk[i] = static_cast<double>(rng.Uniform(7)) * 0.5;  // many ties
      time[i] = static_cast<double>(1 + rng.Uniform(15));
      event[i] = static_cast<double>(rng.Uniform(3) != 0);
    }
    const ConcordanceCounts want = BruteForce(risk, time, event);
    auto got = CountConcordance(risk, time, event);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->concordant, want.concordant) << "trial " << trial;
    EXPECT_EQ(got->discordant, want.discordant) << "trial " << trial;
    EXPECT_EQ(got->tied_risk, want.tied_risk) << "trial " << trial;
  }
}

// R: concordance(coxph(Surv(time, event) ~ ..., ties = "breslow")).
class LungConcordance : public ::testing::TestWithParam<const char*> {};

TEST_P(LungConcordance, ReproducesR) {
  const std::string name = GetParam();
  const nlohmann::json reference = testing::ReadLungReference();
  const nlohmann::json& want =
      reference["models"][name]["pooled"]["breslow"]["concordance_harrell"];
  const testing::SurvivalRows rows = testing::CompleteCases(
      testing::ReadLungTable(), testing::ReferenceCovariates(reference, name));
  const std::vector<double> lp =
      testing::LinearPredictor(rows, testing::ReferenceBeta(reference, name));
  auto counts = CountConcordance(lp, rows.time, rows.event);
  ASSERT_TRUE(counts.ok()) << counts.status();
  EXPECT_EQ(counts->concordant, want["concordant"].get<int64_t>());
  EXPECT_EQ(counts->discordant, want["discordant"].get<int64_t>());
  EXPECT_EQ(counts->tied_risk, want["tied_risk"].get<int64_t>());
  const double c = *HarrellConcordance(lp, rows.time, rows.event);
  EXPECT_NEAR(c, want["concordance"].get<double>(), 1e-15);
  std::printf("[concordance %s] C=%.15f R=%.15f (%lld/%lld/%lld)\n",
              name.c_str(), c, want["concordance"].get<double>(),
              static_cast<long long>(counts->concordant),
              static_cast<long long>(counts->discordant),
              static_cast<long long>(counts->tied_risk));
}

INSTANTIATE_TEST_SUITE_P(Lung, LungConcordance,
                         ::testing::Values("main", "full"));

TEST(HarrellConcordance, UndefinedAndInvalid) {
  // All censored: no comparable pair.
  EXPECT_EQ(HarrellConcordance({1, 2}, {1, 2}, {0, 0}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Two deaths at the same time are not comparable.
  EXPECT_EQ(HarrellConcordance({1, 2}, {3, 3}, {1, 1}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(HarrellConcordance({}, {}, {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(HarrellConcordance({1}, {1, 2}, {1, 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HarrellConcordance({1, 2}, {1, 2}, {1, 2}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(HarrellConcordance({1, NAN}, {1, 2}, {1, 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AreaUnderRoc, EqualsBruteForceWithTies) {
  SplitMix64 rng(7);
  for (int trial = 0; trial < 50; ++trial) {
    const size_t n = 2 + rng.Uniform(150);
    std::vector<double> score(n), label(n);
    for (size_t i = 0; i < n; ++i) {
      score[i] = static_cast<double>(rng.Uniform(5));
      label[i] = static_cast<double>(rng.Uniform(2));
    }
    label[0] = 0.0;
    label[1] = 1.0;
    auto auc = AreaUnderRoc(score, label);
    ASSERT_TRUE(auc.ok()) << auc.status();
    EXPECT_NEAR(*auc, BruteForceAuc(score, label), 1e-12) << "trial " << trial;
  }
}

TEST(AreaUnderRoc, KnownValuesAndUndefined) {
  EXPECT_DOUBLE_EQ(*AreaUnderRoc({0.1, 0.2, 0.8, 0.9}, {0, 0, 1, 1}), 1.0);
  EXPECT_DOUBLE_EQ(*AreaUnderRoc({0.9, 0.8, 0.2, 0.1}, {0, 0, 1, 1}), 0.0);
  EXPECT_DOUBLE_EQ(*AreaUnderRoc({0.5, 0.5, 0.5}, {0, 1, 1}), 0.5);
  EXPECT_EQ(AreaUnderRoc({1, 2}, {1, 1}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(AreaUnderRoc({1, 2}, {1}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AreaUnderRoc({1, 2}, {1, 3}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dsfl::training
