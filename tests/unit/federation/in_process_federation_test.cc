// A whole federation in one process: three real SlaveCores (data limits,
// libtorch training) on the lung data split by institution, driven by the
// real JobRunner, RoundEngine and FedAvg through InProcessSlaveClient.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/demo_data.h"
#include "common/bfloat16.h"
#include "common/flat_model.h"
#include "common/model_file.h"
#include "common/sha256.h"
#include "connector-adapters/dataproxy/csv_data_source.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "master/core/job_runner.h"
#include "master/inprocess/in_process_slave_client.h"
#include "tests/testing/legacy_model_file.h"

namespace dsfl {
namespace {

using ::testing::HasSubstr;

// Serves a CSV text held in memory (the shard of one hospital).
class MemoryCsvSource : public dataproxy::DataSource {
 public:
  explicit MemoryCsvSource(std::string csv) : csv_(std::move(csv)) {}
  StatusOr<dataproxy::Table> Read() override {
    ++reads;
    return dataproxy::ParseCsv(csv_, "memory");
  }
  std::string Describe() const override { return "memory-csv"; }
  int reads = 0;

 private:
  std::string csv_;
};

std::string LungCsv() {
  std::ifstream in(std::string(std::getenv("DSFL_SOURCE_DIR")) +
                   "/data/lung/lung.csv");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class Federation {
 public:
  explicit Federation(int64_t min_rows = 10) {
    auto shards = cli::SplitByInstitution(LungCsv(), 3);
    EXPECT_TRUE(shards.ok());
    for (size_t i = 0; i < 3; ++i) {
      std::string id = std::string("hospital-") + static_cast<char>('a' + i);
      slave::SlaveLimits limits;
      limits.min_rows = min_rows;
      cores_.push_back(std::make_unique<slave::SlaveCore>(
          slave::SlaveIdentity{id, id},
          std::make_unique<MemoryCsvSource>((*shards)[i].csv), limits));
      clients_.push_back(std::make_unique<master::InProcessSlaveClient>(
          cores_.back().get(), 1u << 20));
      nodes_.push_back(master::Node{id, clients_.back().get()});
    }
  }
  const std::vector<master::Node>& nodes() const { return nodes_; }

 private:
  std::vector<std::unique_ptr<slave::SlaveCore>> cores_;
  std::vector<std::unique_ptr<master::InProcessSlaveClient>> clients_;
  std::vector<master::Node> nodes_;
};

master::JobSpec DeepSurvJob(const std::string& out) {
  master::JobSpec spec;
  spec.job_id = "lung-deepsurv";
  spec.model.kind = master::ModelKind::kDeepSurv;
  spec.model.task = master::Task::kSurvival;
  spec.model.hidden_units = {16, 8};
  spec.data.task = master::Task::kSurvival;
  spec.data.roles.features = {"age",      "sex",       "ph.ecog",
                              "ph.karno", "pat.karno", "wt.loss"};
  spec.data.roles.time = "time";
  spec.data.roles.event = "event";
  spec.data.held_out_fraction = 0.25;
  spec.data.split_seed = 2026;
  spec.plan.local_epochs = 5;
  spec.plan.optimizer.learning_rate = 0.01;
  spec.plan.optimizer.weight_decay = 0.001;
  spec.rounds = 8;
  spec.min_clients = 2;
  spec.max_parallel = 1;  // sequential folding: bit-for-bit reproducible
  spec.seed = 42;
  spec.output_dir = out;
  // A spec built in code has no file; its digest names it for the audit log.
  spec.spec_sha256 = Sha256::HexOf("in-process DeepSurv test job");
  return spec;
}

std::string TempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             (name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

TEST(InProcessFederationTest, DeepSurvLearnsAndIsReproducibleBitForBit) {
  std::string out1 = TempDir("dsfl_fed_1"), out2 = TempDir("dsfl_fed_2");
  Federation f1, f2;
  master::JobRunner run1(DeepSurvJob(out1), f1.nodes(), &SystemClock(),
                         nullptr);
  master::JobRunner run2(DeepSurvJob(out2), f2.nodes(), &SystemClock(),
                         nullptr);
  auto r1 = run1.Run(nullptr);
  auto r2 = run2.Run(nullptr);
  ASSERT_TRUE(r1.ok()) << r1.status();
  ASSERT_TRUE(r2.ok()) << r2.status();
  EXPECT_EQ(r1->model_digest, r2->model_digest);
  EXPECT_EQ(r1->model.values, r2->model.values);
  ASSERT_EQ(r1->history.size(), 8u);
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(r1->history[i].model_digest, r2->history[i].model_digest);
    EXPECT_EQ(r1->history[i].completed, 3u);
  }
  // Learning happened: the held-out C-index beats chance clearly and the
  // model moved away from its initialisation.
  ASSERT_TRUE(r1->final_evaluation && r1->final_evaluation->c_index);
  EXPECT_GT(*r1->final_evaluation->c_index, 0.6);
  EXPECT_NE(r1->history.front().model_digest, r1->history.back().model_digest);
  // Checkpoints, final model and metrics are on disk.
  EXPECT_TRUE(std::filesystem::exists(out1 + "/model.dsflm"));
  EXPECT_TRUE(std::filesystem::exists(out1 + "/metrics.json"));
  EXPECT_TRUE(std::filesystem::exists(out1 + "/checkpoints/round-00008.dsflm"));
  EXPECT_FALSE(std::filesystem::exists(out1 + "/checkpoints/round-00005.dsflm"));
  std::filesystem::remove_all(out1);
  std::filesystem::remove_all(out2);
}

// bfloat16 on the wire (docs/performance.md): every model that travels is
// rounded to bfloat16; the federation must learn as well as in float32.
// The held-out C-indices are printed for the performance notes.
TEST(InProcessFederationTest, Bfloat16OnTheWireLearnsAsWellAsFloat32) {
  std::string out1 = TempDir("dsfl_fed_f32"), out2 = TempDir("dsfl_fed_bf16");
  Federation f1, f2;
  master::JobSpec float32 = DeepSurvJob(out1);
  master::JobSpec bfloat16 = DeepSurvJob(out2);
  float32.rounds = bfloat16.rounds = 20;
  bfloat16.wire_format = WireFormat::kBfloat16;
  auto r1 = master::JobRunner(float32, f1.nodes(), &SystemClock(), nullptr)
                .Run(nullptr);
  auto r2 = master::JobRunner(bfloat16, f2.nodes(), &SystemClock(), nullptr)
                .Run(nullptr);
  ASSERT_TRUE(r1.ok()) << r1.status();
  ASSERT_TRUE(r2.ok()) << r2.status();
  // The bfloat16 job's global model is made of bfloat16 values.
  for (float v : r2->model.values) ASSERT_EQ(RoundToBfloat16(v), v);
  EXPECT_NE(r1->model.values, r2->model.values);
  ASSERT_TRUE(r1->final_evaluation && r1->final_evaluation->c_index);
  ASSERT_TRUE(r2->final_evaluation && r2->final_evaluation->c_index);
  const double c32 = *r1->final_evaluation->c_index;
  const double c16 = *r2->final_evaluation->c_index;
  std::cout << "held-out C-index after 20 rounds: float32 " << c32
            << ", bfloat16 " << c16 << "\n";
  RecordProperty("c_index_float32", std::to_string(c32));
  RecordProperty("c_index_bfloat16", std::to_string(c16));
  EXPECT_GT(c16, 0.6);
  EXPECT_NEAR(c16, c32, 0.02);
  std::filesystem::remove_all(out1);
  std::filesystem::remove_all(out2);
}

TEST(InProcessFederationTest, ResumeFromACheckpointIsBitIdentical) {
  std::string straight = TempDir("dsfl_fed_straight");
  std::string resumed = TempDir("dsfl_fed_resumed");
  Federation f1, f2;
  auto full = master::JobRunner(DeepSurvJob(straight), f1.nodes(),
                                &SystemClock(), nullptr)
                  .Run(nullptr);
  ASSERT_TRUE(full.ok()) << full.status();

  // The same job stopped after 4 of its 8 rounds...
  master::JobSpec first_half = DeepSurvJob(resumed);
  first_half.rounds = 4;
  ASSERT_TRUE(master::JobRunner(first_half, f2.nodes(), &SystemClock(),
                                nullptr)
                  .Run(nullptr)
                  .ok());
  // ...its checkpoints rewritten as dsfl wrote them before the model
  // digest became a tree (plain SHA-256 metadata: an upgrade between the
  // halves)...
  for (const auto& entry :
       std::filesystem::directory_iterator(resumed + "/checkpoints")) {
    auto file = ReadModelFile(entry.path().string());
    ASSERT_TRUE(file.ok()) << file.status();
    testing::WriteLegacyModelFile(entry.path().string(), file->model,
                                  file->metadata);
  }
  // ...then resumed from its last checkpoint.
  auto point = master::LoadLatestCheckpoint(resumed, "lung-deepsurv");
  ASSERT_TRUE(point.ok() && point->has_value()) << point.status();
  EXPECT_EQ((*point)->completed_rounds, 4u);
  auto rest = master::JobRunner(DeepSurvJob(resumed), f2.nodes(),
                                &SystemClock(), nullptr)
                  .Run(nullptr, &**point);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(rest->history.size(), 4u);
  EXPECT_EQ(rest->history.front().round, 5u);
  EXPECT_EQ(rest->model_digest, full->model_digest);
  // A checkpoint of another job is refused, not silently used.
  EXPECT_EQ(master::LoadLatestCheckpoint(resumed, "other-job").status().code(),
            absl::StatusCode::kFailedPrecondition);
  std::filesystem::remove_all(straight);
  std::filesystem::remove_all(resumed);
}

TEST(InProcessFederationTest, DifferentSeedsGiveDifferentModels) {
  std::string out1 = TempDir("dsfl_fed_s1"), out2 = TempDir("dsfl_fed_s2");
  Federation f1, f2;
  master::JobSpec a = DeepSurvJob(out1), b = DeepSurvJob(out2);
  a.rounds = b.rounds = 2;
  b.seed = 43;
  auto r1 = master::JobRunner(a, f1.nodes(), &SystemClock(), nullptr).Run(nullptr);
  auto r2 = master::JobRunner(b, f2.nodes(), &SystemClock(), nullptr).Run(nullptr);
  ASSERT_TRUE(r1.ok() && r2.ok());
  EXPECT_NE(r1->model_digest, r2->model_digest);
  std::filesystem::remove_all(out1);
  std::filesystem::remove_all(out2);
}

TEST(InProcessFederationTest, LogisticRegressionOnABinaryTarget) {
  // Binary target derived from the data: sex (1 male, 2 female) is not a
  // 0/1 label, so the slave refuses it with a clear error naming the value.
  std::string out = TempDir("dsfl_fed_bin");
  Federation f;
  master::JobSpec spec = DeepSurvJob(out);
  spec.model = master::ModelDefinition{};
  spec.model.kind = master::ModelKind::kLogistic;
  spec.model.task = master::Task::kBinary;
  spec.data.task = master::Task::kBinary;
  spec.data.roles = {{"age", "ph.ecog"}, "sex", "", ""};
  spec.rounds = 1;
  auto result = master::JobRunner(spec, f.nodes(), &SystemClock(), nullptr)
                    .Run(nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("sex"));
  std::filesystem::remove_all(out);
}

TEST(InProcessFederationTest, DisclosureLimitLeavesSmallSitesOut) {
  std::string out = TempDir("dsfl_fed_limit");
  Federation f(/*min_rows=*/57);  // training splits hold ~46-49 rows
  master::JobSpec spec = DeepSurvJob(out);
  spec.rounds = 1;
  auto result = master::JobRunner(spec, f.nodes(), &SystemClock(), nullptr)
                    .Run(nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.status().message(), HasSubstr("disclosure limit"));
  EXPECT_THAT(result.status().message(), HasSubstr("limits.min_rows"));
  std::filesystem::remove_all(out);
}

}  // namespace
}  // namespace dsfl
