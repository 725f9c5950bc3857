#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/config_reader.h"
#include "common/model_file.h"
#include "common/sha256.h"
#include "common/tree_digest.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "master/core/job_spec.h"
#include "slave/server/slave_config.h"
#include "tests/testing/legacy_model_file.h"

namespace dsfl {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

json ValidJob() {
  return json::parse(R"({
    "job_id": "lung-deepsurv",
    "model": {"type": "deepsurv", "hidden_units": [16, 8]},
    "data": {"features": ["age", "sex"], "time": "time", "event": "event"},
    "training": {"rounds": 3, "local_epochs": 2,
                 "optimizer": {"name": "adam", "learning_rate": 0.01}},
    "federation": {"min_clients": 2, "round_timeout_seconds": 30, "seed": 1},
    "slaves": [{"id": "a", "endpoint": "127.0.0.1:1"},
               {"id": "b", "endpoint": "127.0.0.1:2"}],
    "tls": {"ca": "ca.pem", "cert": "m.pem", "key": "m.key"}
  })");
}

std::string JobError(const json& job) {
  auto spec = master::ParseJobSpec(job, "/base");
  return spec.ok() ? "" : std::string(spec.status().message());
}

TEST(JobSpecTest, ParsesAValidSpecWithDefaultsAndResolvedPaths) {
  auto spec = master::ParseJobSpec(ValidJob(), "/base");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->model.kind, master::ModelKind::kDeepSurv);
  EXPECT_EQ(spec->model.task, master::Task::kSurvival);
  EXPECT_EQ(spec->model.hidden_units, (std::vector<int64_t>{16, 8}));
  EXPECT_EQ(spec->rounds, 3u);
  EXPECT_EQ(spec->plan.local_epochs, 2);
  EXPECT_EQ(spec->min_clients, 2u);
  EXPECT_EQ(spec->round_timeout, absl::Seconds(30));
  EXPECT_EQ(spec->tls.ca, "/base/ca.pem");
  EXPECT_EQ(spec->output_dir, "/base/dsfl-out");
  EXPECT_DOUBLE_EQ(spec->data.held_out_fraction, 0.2);
  EXPECT_EQ(spec->slaves[1].tls_name, "b");
  EXPECT_EQ(spec->wire_format, WireFormat::kFloat32);
  json bf16 = ValidJob();
  bf16["federation"]["wire_format"] = "bfloat16";
  auto compressed = master::ParseJobSpec(bf16, "/base");
  ASSERT_TRUE(compressed.ok()) << compressed.status();
  EXPECT_EQ(compressed->wire_format, WireFormat::kBfloat16);
}

TEST(JobSpecTest, ErrorsNameTheField) {
  json j = ValidJob();
  j["training"]["rounds"] = 0;
  EXPECT_THAT(JobError(j), HasSubstr("training.rounds: value 0 is outside"));
  j = ValidJob();
  j["model"]["type"] = "transformer";
  EXPECT_THAT(JobError(j), HasSubstr("model.type: unknown model type"));
  j = ValidJob();
  j["data"].erase("time");
  EXPECT_THAT(JobError(j), HasSubstr("data.time: required string is missing"));
  j = ValidJob();
  j["training"]["optimizer"]["learning_rate"] = "fast";
  EXPECT_THAT(JobError(j),
              HasSubstr("training.optimizer.learning_rate: expected a number"));
  j = ValidJob();
  j["slaves"][1]["endpoint"] = "nowhere";
  EXPECT_THAT(JobError(j), HasSubstr("slaves[1].endpoint: expected host:port"));
  j = ValidJob();
  j["federation"]["min_clients"] = 3;
  EXPECT_THAT(JobError(j), HasSubstr("exceeds the 2 listed slaves"));
  j = ValidJob();
  j["data"]["features"] = {"age", "age"};
  EXPECT_THAT(JobError(j), HasSubstr("'age' appears twice"));
  j = ValidJob();
  j.erase("tls");
  EXPECT_THAT(JobError(j), HasSubstr("tls: required object is missing"));
  j = ValidJob();
  j["federation"]["wire_format"] = "fp16";
  EXPECT_THAT(JobError(j),
              HasSubstr("federation.wire_format: expected \"float32\" or "
                        "\"bfloat16\", got \"fp16\""));
}

TEST(JobSpecTest, UnknownKeysAreErrorsWithASuggestion) {
  json j = ValidJob();
  j["trainig"] = j["training"];
  EXPECT_THAT(JobError(j),
              HasSubstr("trainig: unknown key (did you mean 'training'?)"));
  j = ValidJob();
  j["federation"]["min_client"] = 2;
  EXPECT_THAT(JobError(j), HasSubstr("federation.min_client: unknown key "
                                     "(did you mean 'min_clients'?)"));
}

TEST(JobSpecTest, TorchScriptHashIsPinned) {
  auto dir = std::filesystem::temp_directory_path() / "dsfl_job_spec_test";
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(
      WriteFileAtomically((dir / "net.pt").string(), "not really a module").ok());
  json j = ValidJob();
  j["model"] = {{"type", "torchscript"},
                {"path", "net.pt"},
                {"task", "survival"},
                {"sha256", std::string(64, 'a')}};
  auto spec = master::ParseJobSpec(j, dir.string());
  ASSERT_FALSE(spec.ok());
  EXPECT_THAT(spec.status().message(), HasSubstr("but the job pins aaaa"));
  std::filesystem::remove_all(dir);
}

json ValidSlave() {
  return json::parse(R"({
    "node_id": "hospital-a",
    "listen": "127.0.0.1:0",
    "tls": {"ca": "ca.pem", "cert": "a.pem", "key": "a.key"},
    "data_source": {"type": "csv", "path": "a.csv"},
    "limits": {"min_rows": 5}
  })");
}

TEST(SlaveConfigTest, ParsesAndResolvesPathsAgainstTheConfigDirectory) {
  auto config = slave::ParseSlaveConfig(ValidSlave(), "/etc/dsfl");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->identity.display_name, "hospital-a");
  EXPECT_EQ(config->tls_cert, "/etc/dsfl/a.pem");
  EXPECT_EQ(config->data_source["path"], "/etc/dsfl/a.csv");
  EXPECT_EQ(config->limits.min_rows, 5);
}

TEST(SlaveConfigTest, ErrorsNameTheField) {
  auto error = [](const json& j) {
    auto config = slave::ParseSlaveConfig(j, "/etc/dsfl");
    return config.ok() ? std::string() : std::string(config.status().message());
  };
  json j = ValidSlave();
  j["limits"]["min_rows"] = 0;
  EXPECT_THAT(error(j), HasSubstr("limits.min_rows: value 0 is outside"));
  j = ValidSlave();
  j.erase("node_id");
  EXPECT_THAT(error(j), HasSubstr("node_id: required string is missing"));
  j = ValidSlave();
  j["listen"] = "7443";
  EXPECT_THAT(error(j), HasSubstr("listen: expected host:port"));
  j = ValidSlave();
  j["limit"] = j["limits"];
  EXPECT_THAT(error(j), HasSubstr("limit: unknown key (did you mean 'limits'?)"));
  j = ValidSlave();
  j.erase("data_source");
  EXPECT_THAT(error(j), HasSubstr("data_source: required object is missing"));
}

TEST(ConfigReaderTest, ParseErrorsNameTheOrigin) {
  auto parsed = ParseJson("{\"a\": }", "job.json");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr("job.json: invalid JSON"));
  EXPECT_EQ(SuggestClosest("epochs", {"local_epochs", "rounds"}), "");
  EXPECT_EQ(SuggestClosest("round", {"local_epochs", "rounds"}), "rounds");
}

TEST(ModelFileTest, RoundTripsAndDetectsCorruption) {
  auto dir = std::filesystem::temp_directory_path() / "dsfl_model_file_test";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "m.dsflm").string();
  FlatModel model;
  model.spec = ModelSpec({{"w", {4, 3}, DType::kFloat32},
                          {"b", {4}, DType::kFloat32}});
  for (int i = 0; i < 16; ++i) model.values.push_back(0.25f * i);
  ASSERT_TRUE(WriteModelFile(path, HashedModel(model), {{"round", 7}}).ok());
  auto read = ReadModelFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->model.values, model.values);
  EXPECT_EQ(read->model.spec, model.spec);
  EXPECT_EQ(read->metadata["round"], 7);
  EXPECT_EQ(read->metadata["digest"], ModelDigestHex(model));
  EXPECT_EQ(read->metadata["digest_algorithm"], kTreeDigestAlgorithm);
  // A file whose digest is of another kind (e.g. plain SHA-256) is refused
  // by name, not compared: same-length edit of the metadata.
  {
    std::string bytes;
    {
      std::ifstream in(path, std::ios::binary);
      bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    const size_t at = bytes.find(kTreeDigestAlgorithm);
    ASSERT_NE(at, std::string::npos);
    std::string other = bytes;
    other.replace(at, 6, "sha256");
    const std::string other_path = (dir / "other.dsflm").string();
    std::ofstream(other_path, std::ios::binary) << other;
    auto refused = ReadModelFile(other_path);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(refused.status().message(), HasSubstr("digest_algorithm"));
    std::filesystem::remove(other_path);
  }
  // Flip the last payload byte.
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-1, std::ios::end);
    f.put('\x7f');
  }
  auto corrupt = ReadModelFile(path);
  EXPECT_EQ(corrupt.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(corrupt.status().message(), HasSubstr("differs"));
  // No temporary files are left behind.
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) files += !e.is_directory();
  EXPECT_EQ(files, 1u);
  std::filesystem::remove_all(dir);
}

// Files written before the model digest became a tree (metadata "sha256",
// plain SHA-256) are still read and checked that way, and say what their
// recorded digest is; a damaged one is refused naming both digests.
TEST(ModelFileTest, ReadsFilesWrittenBeforeTreeDigests) {
  auto dir = std::filesystem::temp_directory_path() / "dsfl_model_legacy_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "round-00003.dsflm").string();
  FlatModel model;
  model.spec = ModelSpec({{"w", {70000}, DType::kFloat32}});
  for (int i = 0; i < 70000; ++i) model.values.push_back(0.5f * i);
  testing::WriteLegacyModelFile(path, model, {{"round", 3}});
  const std::string sha256 = Sha256::HexOf(
      std::string_view(reinterpret_cast<const char*>(model.values.data()),
                       model.values.size() * sizeof(float)));

  auto read = ReadModelFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->model.values, model.values);
  EXPECT_EQ(read->metadata["round"], 3);
  EXPECT_TRUE(read->legacy);
  EXPECT_EQ(read->digest, sha256);
  EXPECT_NE(ModelDigestHex(read->model), sha256);  // a different algorithm

  // A current file: not legacy, its digest is the model digest.
  const std::string current = (dir / "current.dsflm").string();
  ASSERT_TRUE(WriteModelFile(current, HashedModel(model), {}).ok());
  auto now = ReadModelFile(current);
  ASSERT_TRUE(now.ok()) << now.status();
  EXPECT_FALSE(now->legacy);
  EXPECT_EQ(now->digest, ModelDigestHex(model));

  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-1, std::ios::end);
    f.put('\x7f');
  }
  auto damaged = ReadModelFile(path);
  EXPECT_EQ(damaged.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(damaged.status().message(),
              HasSubstr("differs from the metadata's sha256 \"" + sha256));
  std::filesystem::remove_all(dir);
}

// The oldest checkpoint becomes the new one: same inode, exact new contents
// whether the old file was longer or shorter, old name gone, nothing left
// behind. A `recycle` that does not exist is an ordinary write.
TEST(ModelFileTest, RecyclesAnOldFileInPlace) {
  auto dir = std::filesystem::temp_directory_path() / "dsfl_model_recycle_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto model_of = [](int values, float scale) {
    FlatModel model;
    model.spec = ModelSpec({{"w", {values}, DType::kFloat32}});
    for (int i = 0; i < values; ++i) model.values.push_back(scale * i);
    return model;
  };
  const std::string old_path = (dir / "round-1.dsflm").string();
  const FlatModel big = model_of(5000, 0.5f);
  ASSERT_TRUE(WriteModelFile(old_path, HashedModel(big), {{"round", 1}}).ok());
  struct stat old_stat;
  ASSERT_EQ(::stat(old_path.c_str(), &old_stat), 0);

  const std::string new_path = (dir / "round-3.dsflm").string();
  const FlatModel small = model_of(10, 2.0f);  // shorter than the old file
  ASSERT_TRUE(
      WriteModelFile(new_path, HashedModel(small), {{"round", 3}}, old_path)
          .ok());
  struct stat new_stat;
  ASSERT_EQ(::stat(new_path.c_str(), &new_stat), 0);
  EXPECT_EQ(new_stat.st_ino, old_stat.st_ino);
  EXPECT_FALSE(std::filesystem::exists(old_path));
  auto read = ReadModelFile(new_path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->model.values, small.values);
  EXPECT_EQ(read->metadata["round"], 3);
  EXPECT_LT(new_stat.st_size, 1000);

  // Longer than the recycled file, and a recycle path that does not exist.
  const std::string next_path = (dir / "round-5.dsflm").string();
  ASSERT_TRUE(
      WriteModelFile(next_path, HashedModel(big), {{"round", 5}}, new_path)
          .ok());
  read = ReadModelFile(next_path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->model.values, big.values);
  const std::string last_path = (dir / "round-6.dsflm").string();
  ASSERT_TRUE(WriteModelFile(last_path, HashedModel(small), {{"round", 6}},
                             (dir / "missing.dsflm").string())
                  .ok());
  EXPECT_TRUE(ReadModelFile(last_path).ok());
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) {
    files += !e.is_directory();
  }
  EXPECT_EQ(files, 2u);  // round-5 and round-6
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dsfl
