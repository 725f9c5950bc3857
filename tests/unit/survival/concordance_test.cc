// Federated concordance of a DeepSurv-style MLP (scored in plain C++ on
// each site) equals the pooled Harrell's C of the same scores computed by
// slave/training/metrics (R's convention), pair for pair; and probes merge
// identical (time, risk) pairs.
#include "master/analytics/concordance.h"

#include <cmath>

#include "connector-adapters/dataproxy/csv_data_source.h"
#include "gtest/gtest.h"
#include "slave/analytics/concordance_counts.h"
#include "slave/analytics/risk_model.h"
#include "slave/training/metrics.h"
#include "tests/unit/survival/survival_fixture.h"

namespace dsfl::analytics {
namespace {

RiskModel DeepSurvLike(size_t p) {
  // layers.0: p -> 4 with bias, ReLU, layers.2: 4 -> 1 without bias.
  std::vector<TensorSpec> specs = {
      {"layers.0.weight", {4, static_cast<int64_t>(p)}, DType::kFloat32},
      {"layers.0.bias", {4}, DType::kFloat32},
      {"layers.2.weight", {1, 4}, DType::kFloat32}};
  RiskModel model;
  model.kind = RiskModel::Kind::kMlp;
  model.mlp.spec = ModelSpec(specs);
  uint64_t s = 7;
  for (uint64_t i = 0; i < model.mlp.spec.total_numel(); ++i) {
    s = (48271 * s) % 2147483647;
    model.mlp.values.push_back(
        static_cast<float>(static_cast<double>(s) / 2147483647.0 - 0.5));
  }
  model.mean = {62.45, 1.39, 0.95};
  model.stddev = {9.07, 0.49, 0.72};
  return model;
}

TEST(ConcordanceTest, FederatedMlpConcordanceEqualsPooledPairCount) {
  const SurvivalSpec spec{"time",       "event", {"age", "sex", "ph.ecog"},
                          RowSet::kAll, 0,       0};
  const RiskModel model = DeepSurvLike(3);
  testing::SimulatedFederation sim(testing::ShardFiles("mod5"),
                                   testing::OpenLimits());
  auto federated = FederatedConcordance(sim.federation(), spec, model, false);
  ASSERT_TRUE(federated.ok()) << federated.status();

  dataproxy::CsvDataSource pooled_source(
      testing::SourcePath("data/lung/lung.csv"));
  auto table = pooled_source.Read();
  ASSERT_TRUE(table.ok());
  auto data = ExtractSurvivalData(*table, spec);
  ASSERT_TRUE(data.ok());
  auto risk = ScoreRows(*data, model);
  ASSERT_TRUE(risk.ok()) << risk.status();
  std::vector<double> event(data->event.begin(), data->event.end());
  auto counts = training::CountConcordance(*risk, data->time, event);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(federated->pooled.concordant, counts->concordant);
  EXPECT_EQ(federated->pooled.discordant, counts->discordant);
  EXPECT_EQ(federated->pooled.tied_risk, counts->tied_risk);
  EXPECT_EQ(federated->harrell, counts->concordance());
  EXPECT_EQ(federated->n, 227);
}

TEST(ConcordanceTest, ProbesMergeIdenticalPairsAndCountTies) {
  SurvivalData data;
  data.p = 0;
  data.time = {1, 2, 2, 3, 4};
  data.event = {1, 1, 0, 1, 0};
  data.events = 3;
  const std::vector<double> risk = {5, 1, 1, 1, 0};
  auto probes = MakeProbes(data, risk);
  ASSERT_EQ(probes.size(), 3u);
  auto counts = CountAgainstProbes(data, risk, probes);
  ASSERT_TRUE(counts.ok());
  // R: event at 1 (risk 5) vs 2,2,3,4 -> 4 concordant; event at 2 (risk 1)
  // vs the censored 2 (tied risk), 3 (tied), 4 (concordant); event at 3
  // (risk 1) vs 4 (concordant).
  EXPECT_EQ(counts->concordant, 6);
  EXPECT_EQ(counts->discordant, 0);
  EXPECT_EQ(counts->tied_risk, 2);
  auto ref = training::CountConcordance(risk, data.time, {1, 1, 0, 1, 0});
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(counts->concordant, ref->concordant);
  EXPECT_EQ(counts->tied_risk, ref->tied_risk);
}

TEST(ConcordanceTest, MalformedMlpIsRefused) {
  RiskModel model = DeepSurvLike(2);  // expects 2 inputs, data has 3
  SurvivalData data;
  data.p = 3;
  data.time = {1};
  data.event = {1};
  data.x = {1, 2, 3};
  model.mean = {0, 0, 0};
  model.stddev = {1, 1, 1};
  auto risk = ScoreRows(data, model);
  EXPECT_FALSE(risk.ok());
  EXPECT_EQ(risk.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dsfl::analytics
