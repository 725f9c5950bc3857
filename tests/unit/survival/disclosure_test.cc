// Disclosure limits: small sites are refused with an error naming the
// limit (and never a data value); per-time answers respect
// min_cell_count; a federated analysis names the refusing site, or leaves
// it out when asked to.
#include <cmath>

#include "connector-adapters/dataproxy/csv_data_source.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "master/analytics/analysis.h"
#include "tests/unit/survival/survival_fixture.h"

namespace dsfl::analytics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

SurvivalSpec MainSpec() {
  return {"time", "event", {"age", "sex", "ph.ecog"}, RowSet::kAll, 0, 0};
}

std::unique_ptr<SiteAnalytics> Site(const std::string& file,
                                    DisclosureLimits limits) {
  return std::make_unique<SiteAnalytics>(
      std::make_unique<dataproxy::CsvDataSource>(file), limits);
}

std::string Shard(const std::string& split, const std::string& label) {
  return testing::SourcePath("tests/fixtures/lung_shards/" + split + "/lung_" +
                             split + "_" + label + ".csv");
}

TEST(DisclosureTest, SmallSiteIsRefusedByMinRows) {
  // Institution 02 has 5 patients; the default limit is 10 rows.
  auto site = Site(Shard("inst", "02"), DisclosureLimits{});
  auto summary = site->Summary({"j"}, MainSpec(), true);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(summary.status().message(), HasSubstr("limits.min_rows"));
  EXPECT_THAT(summary.status().message(), HasSubstr("5 complete rows"));
  // Every query is refused, not only the summary.
  CoxQuery query{MainSpec(), Ties::kEfron, {0, 0, 0}, {60, 1.4, 1}, {}};
  EXPECT_THAT(site->CoxStratified({"j"}, query).status().message(),
              HasSubstr("limits.min_rows"));
  EXPECT_THAT(site->KaplanMeier({"j"}, MainSpec()).status().message(),
              HasSubstr("limits.min_rows"));
}

TEST(DisclosureTest, FewEventsAreRefusedByMinEvents) {
  // Institution 26: 6 patients, 2 deaths.
  auto site = Site(Shard("inst", "26"), DisclosureLimits{5, 3, 1});
  auto summary = site->Summary({"j"}, MainSpec(), false);
  ASSERT_FALSE(summary.ok());
  EXPECT_THAT(summary.status().message(), HasSubstr("limits.min_events"));
  EXPECT_THAT(summary.status().message(), HasSubstr("2 events"));
  auto allowed = Site(Shard("inst", "26"), DisclosureLimits{5, 2, 1});
  EXPECT_TRUE(allowed->Summary({"j"}, MainSpec(), false).ok());
}

TEST(DisclosureTest, PerTimeAnswersRespectMinCellCount) {
  const DisclosureLimits limits{10, 3, 2};
  auto site = Site(Shard("mod3", "0"), limits);
  // Lung times are in days: most deaths are alone at their time.
  auto km = site->KaplanMeier({"j"}, MainSpec());
  ASSERT_FALSE(km.ok());
  EXPECT_THAT(km.status().message(), HasSubstr("limits.min_cell_count"));
  EXPECT_THAT(km.status().message(), Not(HasSubstr("time 5")));
  EXPECT_THAT(site->Summary({"j"}, MainSpec(), true).status().message(),
              HasSubstr("limits.min_cell_count"));
  CoxQuery query{MainSpec(), Ties::kEfron, {0, 0, 0}, {60, 1.4, 1}, {}};
  // Whole-site totals (the stratified design) are not per-time cells.
  EXPECT_TRUE(site->Summary({"j"}, MainSpec(), false).ok());
  EXPECT_TRUE(site->CoxStratified({"j"}, query).ok());

  // Times in coarse units (every cell holds >= 2 patients) pass.
  std::string csv = "time,event,x\n";
  for (int i = 0; i < 40; ++i) {
    csv += std::to_string(1 + (i / 4) % 5) + "," + std::to_string(i % 2) + "," +
           std::to_string(i % 7) + "\n";
  }
  auto coarse = Site(testing::WriteTempFile("coarse.csv", csv), limits);
  SurvivalSpec spec{"time", "event", {"x"}, RowSet::kAll, 0, 0};
  EXPECT_TRUE(coarse->KaplanMeier({"j"}, spec).ok());
  auto summary = coarse->Summary({"j"}, spec, true);
  ASSERT_TRUE(summary.ok()) << summary.status();
  CoxQuery pooled{spec, Ties::kEfron, {0}, {3}, summary->event_times};
  EXPECT_TRUE(coarse->CoxRiskSets({"j"}, pooled).ok());
}

TEST(DisclosureTest, FederatedAnalysisNamesTheRefusingSite) {
  testing::SimulatedFederation sim(testing::ShardFiles("inst"),
                                   DisclosureLimits{});
  AnalysisSpec spec;
  spec.data = MainSpec();
  spec.design = CoxDesign::kStratified;
  auto result = RunAnalysis(spec, sim.federation());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(), HasSubstr("site lung_inst_02"));
  EXPECT_THAT(result.status().message(), HasSubstr("limits.min_rows"));
}

TEST(DisclosureTest, RefusingSitesCanBeLeftOut) {
  testing::SimulatedFederation sim(testing::ShardFiles("inst"),
                                   DisclosureLimits{});
  AnalysisSpec spec;
  spec.data = MainSpec();
  spec.design = CoxDesign::kStratified;
  spec.exclude_refusing_sites = true;
  auto result = RunAnalysis(spec, sim.federation());
  ASSERT_TRUE(result.ok()) << result.status();
  // The sites below 10 complete rows or 3 deaths are out ...
  std::vector<std::string> kept;
  for (const std::string& file : testing::ShardFiles("inst")) {
    for (const std::string& id : result->sites) {
      if (file.find(id) != std::string::npos) kept.push_back(file);
    }
  }
  EXPECT_EQ(kept.size() + result->excluded.size(), 19u);
  EXPECT_GE(result->excluded.size(), 8u);
  for (const std::string& e : result->excluded) {
    EXPECT_THAT(e, HasSubstr("disclosure limit"));
  }
  // ... and the fit is that of the remaining sites.
  testing::SimulatedFederation rest(kept, testing::OpenLimits());
  spec.exclude_refusing_sites = false;
  auto expected = RunAnalysis(spec, rest.federation());
  ASSERT_TRUE(expected.ok()) << expected.status();
  EXPECT_EQ(result->cox->coef, expected->cox->coef);
  EXPECT_EQ(result->cox->n, expected->cox->n);
}

}  // namespace
}  // namespace dsfl::analytics
