// Federated Kaplan-Meier against R's survfit: the whole lung_km.csv table
// within 1e-10 for every split, the median and its CI, and R's median rule
// where the curve sits exactly at 0.5 (values from R 4.2.2 / survival
// 3.5-3).
#include "master/analytics/kaplan_meier.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/unit/survival/survival_fixture.h"

namespace dsfl::analytics {
namespace {

std::vector<std::vector<double>> ReadKmCsv() {
  std::ifstream in(testing::SourcePath("data/lung/lung_km.csv"));
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<double> row;
    for (absl::string_view field : absl::StrSplit(line, ',')) {
      row.push_back(field == "NA" ? NAN : std::stod(std::string(field)));
    }
    rows.push_back(row);
  }
  return rows;
}

void ExpectClose(double actual, double expected, const char* what, double t) {
  if (std::isnan(expected)) {
    EXPECT_TRUE(std::isnan(actual)) << what << " at " << t;
  } else {
    EXPECT_NEAR(actual, expected, 1e-10) << what << " at " << t;
  }
}

class LungKmTest : public ::testing::TestWithParam<std::string> {};

TEST_P(LungKmTest, MatchesSurvfit) {
  testing::SimulatedFederation sim(testing::ShardFiles(GetParam()),
                                   testing::OpenLimits());
  SurvivalSpec spec;
  spec.time = "time";
  spec.event = "event";
  auto km = FitKaplanMeier(sim.federation(), spec);
  ASSERT_TRUE(km.ok()) << km.status();
  const auto expected = ReadKmCsv();
  ASSERT_EQ(km->rows.size(), expected.size());
  double max_err = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    const KmRow& r = km->rows[i];
    const auto& e = expected[i];
    EXPECT_EQ(r.time, e[0]);
    EXPECT_EQ(r.n_risk, static_cast<int64_t>(e[1]));
    EXPECT_EQ(r.n_event, static_cast<int64_t>(e[2]));
    EXPECT_EQ(r.n_censor, static_cast<int64_t>(e[3]));
    ExpectClose(r.surv, e[4], "surv", r.time);
    ExpectClose(r.std_err, e[5], "std_err", r.time);
    ExpectClose(r.lower95, e[6], "lower95", r.time);
    ExpectClose(r.upper95, e[7], "upper95", r.time);
    ExpectClose(r.cumhaz, e[8], "cumhaz", r.time);
    for (int c : {4, 5, 6, 7, 8}) {
      const double v[] = {0,         0,         0,         0,       r.surv,
                          r.std_err, r.lower95, r.upper95, r.cumhaz};
      if (!std::isnan(e[c]))
        max_err = std::max(max_err, std::fabs(v[c] - e[c]));
    }
  }
  const auto& ref = testing::LungReference()["kaplan_meier"]["median"];
  EXPECT_EQ(km->median, ref["median"].get<double>());
  EXPECT_EQ(km->median_lower95, ref["lower95"].get<double>());
  EXPECT_EQ(km->median_upper95, ref["upper95"].get<double>());
  EXPECT_EQ(km->n, 228);
  EXPECT_EQ(km->events, 165);
  std::printf("[agreement] KM %s: max abs error %.3g over %zu rows\n",
              GetParam().c_str(), max_err, expected.size());
}

INSTANTIATE_TEST_SUITE_P(Splits, LungKmTest,
                         ::testing::Values("inst", "mod3", "mod5"));

TimeCounts Counts(const std::vector<double>& times,
                  const std::vector<int>& events) {
  std::vector<TimeCounts> sites(1);
  for (size_t i = 0; i < times.size(); ++i) {
    TimeCounts one;
    one.rows = 1;
    one.times = {times[i]};
    one.events = {events[i]};
    one.censored = {1 - events[i]};
    sites.push_back(one);
  }
  return MergeTimeCounts(sites);
}

TEST(KaplanMeierTest, MedianFollowsR) {
  // survfit(Surv(t, e) ~ 1): median, 0.95LCL, 0.95UCL.
  struct Case {
    std::vector<double> t;
    std::vector<int> e;
    double median, lower, upper;
  } cases[] = {
      {{1, 2, 3, 4}, {1, 1, 1, 1}, 2.5, 1, NAN},
      {{1, 2, 3, 4, 5, 6}, {1, 1, 1, 1, 1, 1}, 3.5, 2, NAN},
      {{1, 2, 2, 3, 4, 5}, {1, 1, 0, 1, 1, 1}, 3, 2, NAN},
      {{1, 2, 3, 3, 4, 5, 6, 7}, {1, 1, 1, 0, 1, 0, 1, 1}, 4, 3, NAN},
      {{10, 20, 30, 40, 50, 60, 70, 80, 90, 100},
       {1, 0, 1, 1, 0, 1, 1, 0, 1, 0},
       70,
       40,
       NAN},
  };
  for (const Case& c : cases) {
    KmResult km = KaplanMeierFromCounts(Counts(c.t, c.e));
    EXPECT_EQ(km.median, c.median);
    EXPECT_EQ(km.median_lower95, c.lower);
    EXPECT_TRUE(std::isnan(km.median_upper95));
  }
}

TEST(KaplanMeierTest, CensoringDistributionUsesRsTieConvention) {
  // Deaths at t leave before censorings at t: G(t-) for a death at 3 with
  // censorings at 2 (1 of 4 left after t = 2's death... ) by hand.
  TimeCounts merged;
  merged.rows = 5;
  merged.times = {1, 2, 3};
  merged.events = {1, 1, 1};
  merged.censored = {0, 1, 1};
  // After t=1: 4 rows left; at 2: #{time > 2} = 2, m = 1 -> 1 - 1/3.
  auto g = CensoringSurvivalBefore(merged, {1, 2, 3, 4});
  EXPECT_DOUBLE_EQ(g[0], 1.0);
  EXPECT_DOUBLE_EQ(g[1], 1.0);
  EXPECT_DOUBLE_EQ(g[2], 2.0 / 3.0);
  // At 3: #{time > 3} = 0, m = 1 -> 1 - 1/1 = 0.
  EXPECT_DOUBLE_EQ(g[3], 0.0);
}

}  // namespace
}  // namespace dsfl::analytics
