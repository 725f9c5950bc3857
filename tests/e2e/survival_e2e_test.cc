// Exact survival analyses as jobs against real dsfl-slave processes over
// gRPC mutual TLS 1.3: the dsfl-master report (analysis.json) must equal,
// bit for bit, the in-process simulation on the same hospital shards with
// the same limits; a refused disclosure limit fails the job and says which
// hospital and limit.
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "connector-adapters/dataproxy/csv_data_source.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "master/analytics/analysis.h"
#include "master/analytics/analysis_report.h"
#include "master/analytics/in_process_analytics_client.h"
#include "tests/e2e/e2e_env.h"

namespace dsfl::e2e {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kHospitals = {"hospital-a", "hospital-b",
                                             "hospital-c"};

// An analysis job over the running slaves: E2eEnv's job with the training
// sections replaced by `analysis`.
nlohmann::json AnalysisJob(const E2eEnv& env, const std::string& id,
                           const nlohmann::json& analysis) {
  nlohmann::json job = env.Job(kHospitals, 1, 1, 3);
  for (const char* key : {"model", "data", "training", "federation"}) {
    job.erase(key);
  }
  job["job_id"] = id;
  job["analysis"] = analysis;
  job["output_dir"] = env.Path("out-" + id);
  return job;
}

// The same analysis in process, on the slaves' shard files and limits
// (E2eEnv: hospital i reads shard-i.csv, limits.min_rows 10, the other
// limits at their defaults).
nlohmann::json Simulate(const E2eEnv& env, const analytics::AnalysisSpec& spec,
                        const std::string& job_id) {
  std::vector<std::unique_ptr<analytics::SiteAnalytics>> sites;
  std::vector<std::unique_ptr<analytics::InProcessAnalyticsClient>> clients;
  analytics::Federation federation;
  federation.context.job_id = job_id;
  for (size_t i = 0; i < kHospitals.size(); ++i) {
    sites.push_back(std::make_unique<analytics::SiteAnalytics>(
        std::make_unique<dataproxy::CsvDataSource>(
            env.Path("shard-" + std::to_string(i) + ".csv")),
        analytics::DisclosureLimits{10, 3, 1}));
    clients.push_back(std::make_unique<analytics::InProcessAnalyticsClient>(
        sites.back().get()));
    federation.sites.push_back({kHospitals[i], clients.back().get()});
  }
  auto result = analytics::RunAnalysis(spec, federation);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? analytics::AnalysisJson(*result) : nlohmann::json();
}

nlohmann::json ReadJson(const std::string& path) {
  return nlohmann::json::parse(E2eEnv::ReadFile(path));
}

class SurvivalE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (size_t i = 0; i < kHospitals.size(); ++i) {
      env_.Issue(kHospitals[i]);
      env_.StartSlave(kHospitals[i], static_cast<int>(i));
    }
  }
  E2eEnv env_;
};

TEST_F(SurvivalE2eTest, CoxJobsOverTheNetworkEqualTheSimulationBitForBit) {
  struct Case {
    const char* id;
    const char* ties;
    const char* design;
    analytics::Ties t;
    analytics::CoxDesign d;
  } cases[] = {
      {"cox-pooled-efron", "efron", "pooled", analytics::Ties::kEfron,
       analytics::CoxDesign::kPooled},
      {"cox-stratified-breslow", "breslow", "stratified",
       analytics::Ties::kBreslow, analytics::CoxDesign::kStratified},
  };
  const std::vector<std::string> covariates = {"age", "sex", "ph.ecog",
                                               "ph.karno", "wt.loss"};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.id);
    std::vector<nlohmann::json> lines;
    std::string output;
    const int status = env_.RunMaster(AnalysisJob(env_, c.id,
                                                  {{"type", "cox"},
                                                   {"time", "time"},
                                                   {"event", "event"},
                                                   {"covariates", covariates},
                                                   {"ties", c.ties},
                                                   {"design", c.design}}),
                                      &lines, &output);
    ASSERT_EQ(status, 0) << output;
    EXPECT_THAT(output, HasSubstr("Harrell's C"));
    const nlohmann::json network =
        ReadJson(env_.Path(std::string("out-") + c.id + "/analysis.json"));
    analytics::AnalysisSpec spec;
    spec.data = {"time", "event", covariates, analytics::RowSet::kAll, 0, 0};
    spec.ties = c.t;
    spec.design = c.d;
    const nlohmann::json simulated = Simulate(env_, spec, c.id);
    ASSERT_FALSE(simulated.is_null());
    // Bit for bit: every number of the report, coefficients first.
    for (const std::string& name : covariates) {
      EXPECT_EQ(network["coefficients"][name].get<double>(),
                simulated["coefficients"][name].get<double>())
          << name;
      EXPECT_EQ(network["se"][name].get<double>(),
                simulated["se"][name].get<double>())
          << name;
    }
    EXPECT_EQ(network["loglik"], simulated["loglik"]);
    EXPECT_EQ(network, simulated);
    EXPECT_EQ(network["n"].get<int>(), 213);  // complete cases of the model
  }
  // Every hospital answered analytics queries and logged no refusal.
  for (const std::string& h : kHospitals) {
    EXPECT_THAT(env_.SlaveLog(h), ::testing::Not(HasSubstr("refused")));
  }
}

TEST_F(SurvivalE2eTest, KaplanMeierJobEqualsTheSimulation) {
  std::vector<nlohmann::json> lines;
  std::string output;
  const int status = env_.RunMaster(
      AnalysisJob(env_, "km",
                  {{"type", "km"}, {"time", "time"}, {"event", "event"}}),
      &lines, &output);
  ASSERT_EQ(status, 0) << output;
  const nlohmann::json network = ReadJson(env_.Path("out-km/analysis.json"));
  analytics::AnalysisSpec spec;
  spec.type = analytics::AnalysisSpec::Type::kKaplanMeier;
  spec.data.time = "time";
  spec.data.event = "event";
  EXPECT_EQ(network, Simulate(env_, spec, "km"));
  EXPECT_EQ(network["median"]["time"].get<double>(), 310);
  EXPECT_EQ(network["n"].get<int>(), 228);
}

TEST_F(SurvivalE2eTest, RefusedLimitFailsTheJobAndNamesIt) {
  // Fitting on a 10 % training split leaves each hospital below 10 rows.
  std::vector<nlohmann::json> lines;
  std::string output;
  const int status = env_.RunMaster(AnalysisJob(env_, "too-small",
                                                {{"type", "cox"},
                                                 {"covariates", {"age", "sex"}},
                                                 {"rows", "training"},
                                                 {"held_out_fraction", 0.9},
                                                 {"split_seed", 1}}),
                                    &lines, &output);
  EXPECT_EQ(status, 1) << output;
  EXPECT_THAT(output, HasSubstr("limits.min_rows"));
  EXPECT_THAT(output, HasSubstr("site hospital-"));
  EXPECT_THAT(env_.SlaveLog("hospital-a"), HasSubstr("refused"));
}

// `dsfl simulate` on the lung shards reproduces R's coxph and survfit.
TEST(SurvivalSimulateCliTest, SimulateCoxAndKmMatchR) {
  E2eEnv env;
  const std::string source = std::getenv("DSFL_SOURCE_DIR");
  std::vector<std::string> argv = {env.Bin("dsfl"), "simulate", "cox"};
  for (int k = 0; k < 5; ++k) {
    argv.push_back("--shard");
    argv.push_back(source + "/tests/fixtures/lung_shards/mod5/lung_mod5_" +
                   std::to_string(k) + ".csv");
  }
  const std::vector<std::string> shards(argv.begin() + 3, argv.end());
  for (const char* extra : {"--covariates", "age,sex,ph.ecog", "--ties",
                            "efron", "--design", "pooled", "--json"}) {
    argv.push_back(extra);
  }
  auto cox = Subprocess::Spawn(argv, env.Path("cox.json"));
  ASSERT_TRUE(cox.ok()) << cox.status();
  ASSERT_EQ((*cox)->Wait(), 0) << E2eEnv::ReadFile(env.Path("cox.json"));
  const nlohmann::json out =
      nlohmann::json::parse(E2eEnv::ReadFile(env.Path("cox.json")));
  const nlohmann::json ref = nlohmann::json::parse(E2eEnv::ReadFile(
      source +
      "/data/lung/lung_reference.json"))["models"]["main"]["pooled"]["efron"];
  for (const char* name : {"age", "sex", "ph.ecog"}) {
    EXPECT_NEAR(out["coefficients"][name].get<double>(),
                ref["coef"][name].get<double>(), 1e-8)
        << name;
    EXPECT_NEAR(out["se"][name].get<double>(), ref["se"][name].get<double>(),
                1e-8)
        << name;
  }
  EXPECT_NEAR(out["loglik"]["model"].get<double>(), ref["loglik"].get<double>(),
              1e-10 * 730);
  EXPECT_NEAR(out["loglik"]["null"].get<double>(),
              ref["loglik_null"].get<double>(), 1e-10 * 745);

  std::vector<std::string> km_argv = {env.Bin("dsfl"), "simulate", "km"};
  km_argv.insert(km_argv.end(), shards.begin(), shards.end());
  km_argv.push_back("--json");
  auto km = Subprocess::Spawn(km_argv, env.Path("km.json"));
  ASSERT_TRUE(km.ok()) << km.status();
  ASSERT_EQ((*km)->Wait(), 0) << E2eEnv::ReadFile(env.Path("km.json"));
  const nlohmann::json km_out =
      nlohmann::json::parse(E2eEnv::ReadFile(env.Path("km.json")));
  EXPECT_EQ(km_out["median"]["time"].get<double>(), 310);
  EXPECT_EQ(km_out["median"]["lower95"].get<double>(), 285);
  EXPECT_EQ(km_out["median"]["upper95"].get<double>(), 363);
  EXPECT_EQ(km_out["table"].size(), 186u);

  // A usage error exits 2.
  auto bad =
      Subprocess::Spawn({env.Bin("dsfl"), "simulate", "cox", "--shard",
                         shards[0], "--covariates", "age", "--ties", "exact"},
                        env.Path("bad.log"));
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ((*bad)->Wait(), 2);
}

}  // namespace
}  // namespace dsfl::e2e
