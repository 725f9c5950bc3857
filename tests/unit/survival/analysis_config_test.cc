// The analysis job type in the job spec and the survival disclosure limits
// in the slave config: parsed, defaulted and validated with errors that
// name the field.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "master/core/job_spec.h"
#include "slave/server/slave_config.h"

namespace dsfl {
namespace {

using ::testing::HasSubstr;

nlohmann::json AnalysisJob() {
  return nlohmann::json::parse(R"({
    "job_id": "lung-cox",
    "analysis": {"type": "cox", "covariates": ["age", "sex", "ph.ecog"],
                 "ties": "breslow", "design": "stratified",
                 "rows": "training", "held_out_fraction": 0.25,
                 "split_seed": 2026},
    "slaves": [{"id": "a", "endpoint": "127.0.0.1:7001"}],
    "insecure": true
  })");
}

std::string JobError(const nlohmann::json& j) {
  auto spec = master::ParseJobSpec(j, "/tmp");
  return spec.ok() ? "" : std::string(spec.status().message());
}

TEST(AnalysisJobSpecTest, ParsesAnAnalysisWithoutModelOrData) {
  auto spec = master::ParseJobSpec(AnalysisJob(), "/tmp");
  ASSERT_TRUE(spec.ok()) << spec.status();
  ASSERT_TRUE(spec->analysis.has_value());
  const analytics::AnalysisSpec& a = *spec->analysis;
  EXPECT_EQ(a.type, analytics::AnalysisSpec::Type::kCox);
  EXPECT_EQ(a.data.time, "time");
  EXPECT_EQ(a.data.event, "event");
  EXPECT_EQ(a.data.covariates,
            (std::vector<std::string>{"age", "sex", "ph.ecog"}));
  EXPECT_EQ(a.ties, analytics::Ties::kBreslow);
  EXPECT_EQ(a.design, analytics::CoxDesign::kStratified);
  EXPECT_EQ(a.data.rows, analytics::RowSet::kTraining);
  EXPECT_EQ(a.data.held_out_fraction, 0.25);
  EXPECT_EQ(a.data.split_seed, 2026u);
  EXPECT_EQ(a.eps, 1e-12);
  EXPECT_TRUE(a.concordance);
}

TEST(AnalysisJobSpecTest, ConcordanceResolvesTheModelFile) {
  nlohmann::json j = AnalysisJob();
  j["analysis"] = {{"type", "concordance"},
                   {"model_file", "master/checkpoints/round-00020.dsflm"},
                   {"covariates", {"age"}},
                   {"rows", "held_out"}};
  auto spec = master::ParseJobSpec(j, "/work");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->analysis->model_file,
            "/work/master/checkpoints/round-00020.dsflm");
  EXPECT_EQ(spec->analysis->data.rows, analytics::RowSet::kHeldOut);
}

TEST(AnalysisJobSpecTest, ErrorsNameTheField) {
  nlohmann::json j = AnalysisJob();
  j["analysis"]["ties"] = "exact";
  EXPECT_THAT(JobError(j), HasSubstr("analysis.ties: unknown ties 'exact'"));
  j = AnalysisJob();
  j["analysis"]["type"] = "weibull";
  EXPECT_THAT(JobError(j), HasSubstr("analysis.type"));
  j = AnalysisJob();
  j["analysis"].erase("covariates");
  EXPECT_THAT(JobError(j), HasSubstr("analysis.covariates"));
  j = AnalysisJob();
  j["analysis"]["covariates"] = {"age", "age"};
  EXPECT_THAT(JobError(j), HasSubstr("appears twice"));
  j = AnalysisJob();
  j["analysis"]["desing"] = "pooled";
  EXPECT_THAT(JobError(j), HasSubstr("did you mean 'design'"));
  // A training job still needs its model.
  j = AnalysisJob();
  j.erase("analysis");
  EXPECT_THAT(JobError(j), HasSubstr("model"));
}

nlohmann::json SlaveConfigJson() {
  return nlohmann::json::parse(R"({
    "node_id": "hospital-a",
    "data_source": {"type": "csv", "path": "lung.csv"},
    "limits": {"min_rows": 20, "min_events": 5, "min_cell_count": 3}
  })");
}

TEST(SurvivalLimitsConfigTest, ParsesAndDefaultsTheSurvivalLimits) {
  auto config = slave::ParseSlaveConfig(SlaveConfigJson(), "/tmp");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->limits.min_rows, 20);
  EXPECT_EQ(config->limits.min_events, 5);
  EXPECT_EQ(config->limits.min_cell_count, 3);
  nlohmann::json j = SlaveConfigJson();
  j.erase("limits");
  config = slave::ParseSlaveConfig(j, "/tmp");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->limits.min_events, 3);
  EXPECT_EQ(config->limits.min_cell_count, 1);
  j = SlaveConfigJson();
  j["limits"]["min_cell_count"] = 0;
  config = slave::ParseSlaveConfig(j, "/tmp");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("limits.min_cell_count"));
}

}  // namespace
}  // namespace dsfl
