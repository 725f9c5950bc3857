// TorchScript models: built here in C++ (torch::jit::Module + define), saved
// to bytes, pinned by SHA-256 and trained through the public trainer API.
// The only test translation unit that includes torch headers.
#include <torch/script.h>
#include <torch/torch.h>

#include <cctype>
#include <sstream>

#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slave/training/trainer.h"

namespace dsfl::training {
namespace {

using ::testing::HasSubstr;

std::string Save(const torch::jit::Module& module) {
  std::ostringstream out;
  module.save(out);
  return out.str();
}

// forward(x) = x @ weight (+ bias): a linear score, weight of shape [p].
std::string LinearArchive(int64_t p, bool bias) {
  torch::jit::Module m("Net");
  m.register_parameter("weight", torch::zeros({p}), /*is_buffer=*/false);
  if (bias) {
    m.register_parameter("bias", torch::zeros({1}), /*is_buffer=*/false);
    m.define(R"(
def forward(self, x):
    return torch.matmul(x, self.weight) + self.bias
)");
  } else {
    m.define(R"(
def forward(self, x):
    return torch.matmul(x, self.weight)
)");
  }
  return Save(m);
}

ModelDefinition Script(const std::string& archive, Task task) {
  ModelDefinition d;
  d.kind = ModelKind::kTorchScript;
  d.task = task;
  d.torchscript_archive = archive;
  d.torchscript_sha256 = Sha256::HexOf(archive);
  return d;
}

Examples SurvivalData() {
  Examples e;
  e.num_rows = 8;
  e.num_features = 3;
  e.features = {0.1f,  1.0f, -0.5f, 0.7f,  -1.0f, 0.2f, -0.3f, 0.4f,
                1.1f,  0.9f, 0.0f,  -0.8f, -1.2f, 0.3f, 0.5f,  0.2f,
                -0.6f, 0.8f, 0.4f,  0.4f,  -0.1f, 1.0f, -0.7f, 0.0f};
  e.time = {5, 3, 8, 3, 10, 1, 7, 4};
  e.event = {1, 1, 0, 1, 1, 1, 0, 1};
  return e;
}

Examples BinaryData() {
  Examples e = SurvivalData();
  e.label = {1, 0, 1, 0, 0, 1, 1, 0};
  e.time.clear();
  e.event.clear();
  return e;
}

TEST(TorchScript, InitializeReturnsTheArchiveParameters) {
  auto model =
      InitializeModel(Script(LinearArchive(3, true), Task::kBinary), 3, 0);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->spec, ModelSpec({{"weight", {3}}, {"bias", {1}}}));
  EXPECT_EQ(model->values, std::vector<float>(4, 0.0f));
}

// A scripted linear model trains exactly like the built-in one.
TEST(TorchScript, TrainsLikeTheBuiltinModels) {
  struct Case {
    ModelKind builtin;
    Task task;
    bool bias;
    Examples data;
  };
  for (const Case& c :
       {Case{ModelKind::kCox, Task::kSurvival, false, SurvivalData()},
        Case{ModelKind::kLogistic, Task::kBinary, true, BinaryData()}}) {
    const ModelDefinition script = Script(LinearArchive(3, c.bias), c.task);
    ModelDefinition builtin;
    builtin.kind = c.builtin;
    TrainingPlan plan;
    plan.local_epochs = 25;
    plan.optimizer.learning_rate = 0.05;
    plan.seed = 3;

    auto init = InitializeModel(script, 3, 0);
    ASSERT_TRUE(init.ok()) << init.status();
    auto scripted = Train(script, plan, *init, c.data, nullptr, {});
    ASSERT_TRUE(scripted.ok()) << scripted.status();
    EXPECT_LT(scripted->loss_after, scripted->loss_before);

    FlatModel zero;
    zero.spec =
        c.bias
            ? ModelSpec({{"layers.0.weight", {1, 3}}, {"layers.0.bias", {1}}})
            : ModelSpec({{"layers.0.weight", {1, 3}}});
    zero.values.assign(zero.spec.total_numel(), 0.0f);
    auto native = Train(builtin, plan, zero, c.data, nullptr, {});
    ASSERT_TRUE(native.ok()) << native.status();
    ASSERT_EQ(native->model.values.size(), scripted->model.values.size());
    for (size_t k = 0; k < native->model.values.size(); ++k) {
      EXPECT_NEAR(scripted->model.values[k], native->model.values[k], 1e-5)
          << ModelKindName(c.builtin) << " parameter " << k;
    }
    EXPECT_NEAR(scripted->loss_after, native->loss_after, 1e-6);

    auto eval = Evaluate(script, scripted->model, c.data);
    ASSERT_TRUE(eval.ok()) << eval.status();
    EXPECT_EQ(eval->c_index.has_value(), c.task == Task::kSurvival);
    EXPECT_EQ(eval->auc.has_value(), c.task == Task::kBinary);
  }
}

TEST(TorchScript, NestedModuleNamesAndColumnOutput) {
  torch::jit::Module fc("Fc");
  fc.register_parameter("weight", torch::full({3, 1}, 0.1), false);
  fc.define(R"(
def forward(self, x):
    return torch.matmul(x, self.weight)
)");
  torch::jit::Module net("Net");
  net.register_module("fc", fc);
  net.define(R"(
def forward(self, x):
    return torch.tanh(self.fc.forward(x))
)");
  const ModelDefinition script = Script(Save(net), Task::kSurvival);
  auto init = InitializeModel(script, 3, 0);
  ASSERT_TRUE(init.ok()) << init.status();
  EXPECT_EQ(init->spec, ModelSpec({{"fc.weight", {3, 1}}}));
  TrainingPlan plan;
  plan.local_epochs = 5;
  plan.batch_size = 3;
  auto outcome = Train(script, plan, *init, SurvivalData(), nullptr, {});
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_NE(outcome->model.values, init->values);
}

TEST(TorchScript, WrongPinnedDigestIsRefused) {
  const std::string archive = LinearArchive(3, false);
  ModelDefinition script = Script(archive, Task::kSurvival);
  const std::string actual = script.torchscript_sha256;
  script.torchscript_sha256 = Sha256::HexOf("something else");
  auto refused = InitializeModel(script, 3, 0);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr(actual));
  EXPECT_THAT(refused.status().message(), HasSubstr(script.torchscript_sha256));
  FlatModel weight{ModelSpec({{"weight", {3}}}), {0, 0, 0}};
  auto train =
      Train(script, TrainingPlan{}, weight, SurvivalData(), nullptr, {});
  EXPECT_EQ(train.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Evaluate(script, weight, SurvivalData()).status().code(),
            absl::StatusCode::kInvalidArgument);

  script.torchscript_sha256 = "not-a-digest";
  EXPECT_EQ(InitializeModel(script, 3, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Upper-case hex pins the same digest.
  script.torchscript_sha256 = actual;
  for (char& ch : script.torchscript_sha256) ch = std::toupper(ch);
  EXPECT_TRUE(InitializeModel(script, 3, 0).ok());
}

TEST(TorchScript, BadArchivesAndOutputsAreRefused) {
  const std::string garbage = "definitely not a zip archive";
  auto corrupt = InitializeModel(Script(garbage, Task::kBinary), 3, 0);
  EXPECT_EQ(corrupt.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(corrupt.status().message(), HasSubstr("cannot be loaded"));
  EXPECT_EQ(InitializeModel(Script("", Task::kBinary), 3, 0).status().code(),
            absl::StatusCode::kInvalidArgument);

  torch::jit::Module wide("Wide");
  wide.register_parameter("weight", torch::ones({3, 2}), false);
  wide.define(R"(
def forward(self, x):
    return torch.matmul(x, self.weight)
)");
  const ModelDefinition script = Script(Save(wide), Task::kBinary);
  auto init = InitializeModel(script, 3, 0);
  ASSERT_TRUE(init.ok()) << init.status();
  auto train = Train(script, TrainingPlan{}, *init, BinaryData(), nullptr, {});
  EXPECT_EQ(train.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(train.status().message(), HasSubstr("[8,2]"));

  // A width the module cannot take is a libtorch error: Internal.
  Examples narrow = BinaryData();
  narrow.num_features = 2;
  narrow.features.resize(16);
  FlatModel weight{ModelSpec({{"weight", {3}}}), {0, 0, 0}};
  auto mismatch =
      Evaluate(Script(LinearArchive(3, false), Task::kBinary), weight, narrow);
  EXPECT_EQ(mismatch.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(mismatch.status().message(), HasSubstr("libtorch"));
}

TEST(SetTrainingThreads, SetsTheIntraOpThreadCount) {
  const int before = torch::get_num_threads();
  SetTrainingThreads(1);
  EXPECT_EQ(torch::get_num_threads(), 1);
  SetTrainingThreads(0);  // clamped to 1
  EXPECT_EQ(torch::get_num_threads(), 1);
  SetTrainingThreads(2);  // inter-op count is set once; later calls are fine
  EXPECT_EQ(torch::get_num_threads(), 2);
  SetTrainingThreads(before);
}

}  // namespace
}  // namespace dsfl::training
