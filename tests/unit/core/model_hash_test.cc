// training::ModelDefinitionSha256, the model identity a hospital pins in
// its allowlist and the master sends in Authorize: a TorchScript model is
// the SHA-256 of its archive (what `sha256sum model.pt` prints); a built-in
// is the SHA-256 of its documented canonical text, stable across builds
// (golden values computed independently with Python's hashlib from the text
// in slave/training/model_definition.h) and sensitive to every field. Also
// master::ParseJobModel, what `dsfl job model-hash` hashes.
#include <filesystem>
#include <set>
#include <string>

#include "common/model_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "master/core/job_spec.h"
#include "slave/training/model_definition.h"
#include "tests/testing/temp_dir.h"

namespace dsfl {
namespace {

using ::testing::HasSubstr;
using training::ModelDefinition;
using training::ModelDefinitionSha256;
using training::ModelKind;

ModelDefinition DeepSurv() {
  ModelDefinition def;
  def.kind = ModelKind::kDeepSurv;
  def.hidden_units = {16, 8};
  def.dropout = 0.0;
  return def;
}

TEST(ModelHashTest, TorchScriptIsTheArchiveDigest) {
  ModelDefinition def;
  def.kind = ModelKind::kTorchScript;
  def.torchscript_archive = "abc";
  // FIPS 180-2 test vector: SHA-256("abc").
  EXPECT_EQ(ModelDefinitionSha256(def),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // The pinned digest field and the task are not the identity: the bytes are.
  def.torchscript_sha256 = std::string(64, 'a');
  def.task = training::Task::kSurvival;
  EXPECT_EQ(ModelDefinitionSha256(def),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  def.torchscript_archive = "abd";
  EXPECT_NE(ModelDefinitionSha256(def),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ModelHashTest, BuiltInsAreStable) {
  // "dsfl.model.v1\nkind=deepsurv\ntask=survival\nhidden=16,8\ndropout=0\n"
  // "noop_parameters=0\n"
  EXPECT_EQ(ModelDefinitionSha256(DeepSurv()),
            "c89d94d6f9b43a323fafda698d4894e971dbcc8520dc1a2b4a2ca1e1725f6cf5");
  ModelDefinition mlp;
  mlp.kind = ModelKind::kMlp;
  mlp.hidden_units = {32, 16};
  mlp.dropout = 0.1;
  // "...kind=mlp\ntask=binary\nhidden=32,16\ndropout=0.10000000000000001..."
  EXPECT_EQ(ModelDefinitionSha256(mlp),
            "2dfff8f25c2935fd6584e95c790f4826da5101ded65b669bc61c3f8cc3a480fc");
}

TEST(ModelHashTest, BuiltInsAreSensitiveToEveryField) {
  const std::string base = ModelDefinitionSha256(DeepSurv());
  ModelDefinition def = DeepSurv();
  def.kind = ModelKind::kMlp;  // also changes the task
  EXPECT_NE(ModelDefinitionSha256(def), base);
  def = DeepSurv();
  def.hidden_units = {16, 9};
  EXPECT_NE(ModelDefinitionSha256(def), base);
  def = DeepSurv();
  def.hidden_units = {16};
  EXPECT_NE(ModelDefinitionSha256(def), base);
  def = DeepSurv();
  def.hidden_units = {168};  // not "16,8" without its separator
  EXPECT_NE(ModelDefinitionSha256(def), base);
  def = DeepSurv();
  def.dropout = 1e-9;
  EXPECT_NE(ModelDefinitionSha256(def), base);
  def = DeepSurv();
  def.noop_parameters = 1;
  EXPECT_NE(ModelDefinitionSha256(def), base);
  // Every built-in kind has its own identity.
  std::set<std::string> seen;
  for (ModelKind kind : {ModelKind::kLogistic, ModelKind::kMlp, ModelKind::kCox,
                         ModelKind::kDeepSurv, ModelKind::kNoop}) {
    ModelDefinition k;
    k.kind = kind;
    EXPECT_TRUE(seen.insert(ModelDefinitionSha256(k)).second);
  }
}

TEST(ModelHashTest, JobModelIsReadAloneAndTorchScriptChecked) {
  testing::TempDir dir;
  // Only "model" is read: the rest of a daemon job may be absent.
  nlohmann::json job = {
      {"model", {{"type", "deepsurv"}, {"hidden_units", {16, 8}}}},
      {"anything", "else"}};
  auto model = master::ParseJobModel(job, dir.path());
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(ModelDefinitionSha256(*model), ModelDefinitionSha256(DeepSurv()));
  ASSERT_TRUE(WriteFileAtomically(dir.path() + "/net.pt", "abc").ok());
  job["model"] = {
      {"type", "torchscript"},
      {"path", "net.pt"},
      {"task", "survival"},
      {"sha256",
       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015"
       "ad"}};
  model = master::ParseJobModel(job, dir.path());
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(ModelDefinitionSha256(*model),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  job["model"]["sha256"] = std::string(64, 'b');
  model = master::ParseJobModel(job, dir.path());
  ASSERT_FALSE(model.ok());
  EXPECT_THAT(model.status().message(), HasSubstr("model.sha256"));
  job["model"] = {{"type", "transformer"}};
  model = master::ParseJobModel(job, dir.path());
  ASSERT_FALSE(model.ok());
  EXPECT_THAT(model.status().message(), HasSubstr("model.type: unknown"));
  EXPECT_FALSE(
      master::ParseJobModel(nlohmann::json::object(), dir.path()).ok());
}

// Analyses present their kind, not a model: golden values from Python's
// hashlib.sha256(b"dsfl.analysis.v1\ntype=<kind>\n"). None of them can be
// mistaken for a training job's model.
TEST(ModelHashTest, AnalysesPresentTheirKind) {
  using Type = analytics::AnalysisSpec::Type;
  EXPECT_EQ(master::AnalysisSha256(Type::kCox),
            "e20e93d9702f9a720e1e7bc80051dfc0df80edf88e9136b7eebce110a9e63ef7");
  EXPECT_EQ(master::AnalysisSha256(Type::kKaplanMeier),
            "5daad592202209c7d35a363ff72f5d2db798ca8dba8183e2143eda657d1d5a82");
  EXPECT_EQ(master::AnalysisSha256(Type::kConcordance),
            "b10078695506e9c2cde7134ccb69a5c277a71e36274db22c96fb1422fa352ad1");
  master::JobSpec spec;
  spec.model = DeepSurv();
  EXPECT_EQ(master::AdmissionSha256(spec), ModelDefinitionSha256(DeepSurv()));
  spec.analysis = analytics::AnalysisSpec{};
  EXPECT_EQ(master::AdmissionSha256(spec), master::AnalysisSha256(Type::kCox));
  EXPECT_NE(master::AdmissionSha256(spec),
            ModelDefinitionSha256(training::ModelDefinition{}));
}

}  // namespace
}  // namespace dsfl
