#include "slave/training/trainer.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/training/lung_data.h"

namespace dsfl::training {
namespace {

using ::testing::HasSubstr;

FlatModel Model(std::vector<TensorSpec> tensors, std::vector<float> values) {
  FlatModel model;
  model.spec = ModelSpec(std::move(tensors));
  model.values = std::move(values);
  EXPECT_EQ(model.values.size(), model.spec.total_numel());
  return model;
}

std::vector<std::string> Names(const FlatModel& model) {
  std::vector<std::string> names;
  for (const TensorSpec& t : model.spec.tensors()) names.push_back(t.name);
  return names;
}

Examples Binary(std::vector<std::vector<float>> x, std::vector<float> y) {
  Examples e;
  e.num_rows = static_cast<int64_t>(x.size());
  e.num_features = static_cast<int64_t>(x.front().size());
  for (const auto& row : x)
    e.features.insert(e.features.end(), row.begin(), row.end());
  e.label = std::move(y);
  return e;
}

Examples Survival(std::vector<std::vector<float>> x, std::vector<float> time,
                  std::vector<float> event) {
  Examples e = Binary(std::move(x), {});
  e.label.clear();
  e.time = std::move(time);
  e.event = std::move(event);
  return e;
}

// The five-row tie example of loss_test.cc with two features; the risk
// x . (1, -1) reproduces its scores {0, -0.2, 0.5, 0.1, 0.3}.
Examples TinySurvival() {
  return Survival(
      {{0.0f, 0.0f}, {0.1f, 0.3f}, {0.5f, 0.0f}, {0.4f, 0.3f}, {0.3f, 0.0f}},
      {3, 2, 4, 1, 2}, {0, 1, 1, 1, 1});
}

double TinyCoxMeanLoss(const std::vector<double>& r) {
  // Risk sets by hand (see loss_test.cc): t=1 all; t=2 rows {0,1,2,4};
  // t=4 row {2}; four events.
  double all = 0.0;
  for (double v : r) all += std::exp(v);
  const double at_two =
      std::exp(r[0]) + std::exp(r[1]) + std::exp(r[2]) + std::exp(r[4]);
  const double sum =
      -((r[3] - std::log(all)) + (r[1] - std::log(at_two)) +
        (r[4] - std::log(at_two)) + (r[2] - std::log(std::exp(r[2]))));
  return sum / 4.0;
}

double Bce(double z, double y) { return std::log1p(std::exp(z)) - y * z; }

Examples LungCox(const std::vector<std::string>& covariates) {
  const testing::SurvivalRows rows =
      testing::CompleteCases(testing::ReadLungTable(), covariates);
  Examples e;
  e.num_rows = static_cast<int64_t>(rows.x.size());
  e.num_features = static_cast<int64_t>(covariates.size());
  for (const auto& x : rows.x) {
    for (double v : x) e.features.push_back(static_cast<float>(v));
  }
  e.time.assign(rows.time.begin(), rows.time.end());
  e.event.assign(rows.event.begin(), rows.event.end());
  return e;
}

ModelDefinition Kind(ModelKind kind, std::vector<int64_t> hidden = {},
                     double dropout = 0.0) {
  ModelDefinition d;
  d.kind = kind;
  d.hidden_units = std::move(hidden);
  d.dropout = dropout;
  return d;
}

TEST(InitializeModel, ParameterNamesAndShapes) {
  auto logistic = InitializeModel(Kind(ModelKind::kLogistic), 3, 1);
  ASSERT_TRUE(logistic.ok()) << logistic.status();
  EXPECT_EQ(logistic->spec,
            ModelSpec({{"layers.0.weight", {1, 3}}, {"layers.0.bias", {1}}}));

  auto mlp = InitializeModel(Kind(ModelKind::kMlp, {4, 2}, 0.1), 3, 1);
  ASSERT_TRUE(mlp.ok()) << mlp.status();
  EXPECT_EQ(mlp->spec, ModelSpec({{"layers.0.weight", {4, 3}},
                                  {"layers.0.bias", {4}},
                                  {"layers.3.weight", {2, 4}},
                                  {"layers.3.bias", {2}},
                                  {"layers.6.weight", {1, 2}},
                                  {"layers.6.bias", {1}}}));

  auto cox = InitializeModel(Kind(ModelKind::kCox), 3, 1);
  ASSERT_TRUE(cox.ok());
  EXPECT_EQ(cox->spec, ModelSpec({{"layers.0.weight", {1, 3}}}));

  auto deepsurv = InitializeModel(Kind(ModelKind::kDeepSurv, {5}), 3, 1);
  ASSERT_TRUE(deepsurv.ok());
  EXPECT_EQ(Names(*deepsurv),
            (std::vector<std::string>{"layers.0.weight", "layers.0.bias",
                                      "layers.3.weight"}));

  ModelDefinition noop = Kind(ModelKind::kNoop);
  noop.noop_parameters = 1000;
  auto weights = InitializeModel(noop, 3, 1);
  ASSERT_TRUE(weights.ok());
  EXPECT_EQ(weights->spec, ModelSpec({{"weights", {1000}}}));
  EXPECT_EQ(weights->values, std::vector<float>(1000, 0.0f));
}

TEST(InitializeModel, SeededAndValidated) {
  const ModelDefinition mlp = Kind(ModelKind::kMlp, {8});
  auto a = InitializeModel(mlp, 4, 11), b = InitializeModel(mlp, 4, 11),
       c = InitializeModel(mlp, 4, 12);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->values, b->values);
  EXPECT_NE(a->values, c->values);
  EXPECT_EQ(InitializeModel(Kind(ModelKind::kMlp), 4, 1).status().code(),
            absl::StatusCode::kInvalidArgument);  // no hidden layer
  EXPECT_EQ(InitializeModel(Kind(ModelKind::kMlp, {0}), 4, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      InitializeModel(Kind(ModelKind::kMlp, {2}, 1.0), 4, 1).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(InitializeModel(Kind(ModelKind::kCox), 0, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(InitializeModel(Kind(ModelKind::kNoop), 1, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Evaluate, LogisticLossByHand) {
  const Examples data = Binary(
      {{1.0f, 2.0f}, {-1.0f, 0.5f}, {0.0f, -2.0f}, {3.0f, 1.0f}}, {1, 0, 1, 0});
  const FlatModel model =
      Model({{"layers.0.weight", {1, 2}}, {"layers.0.bias", {1}}},
            {0.5f, -1.0f, 0.25f});
  // z = 0.5 x0 - x1 + 0.25 = {-1.25, -0.75, 2.25, 0.75}
  const double expected =
      (Bce(-1.25, 1) + Bce(-0.75, 0) + Bce(2.25, 1) + Bce(0.75, 0)) / 4;
  auto eval = Evaluate(Kind(ModelKind::kLogistic), model, data);
  ASSERT_TRUE(eval.ok()) << eval.status();
  EXPECT_EQ(eval->num_examples, 4);
  EXPECT_NEAR(eval->loss, expected, 1e-6);
  // Positives {-1.25, 2.25} vs negatives {-0.75, 0.75}: 0 + 0 + 1 + 1.
  ASSERT_TRUE(eval->auc.has_value());
  EXPECT_DOUBLE_EQ(*eval->auc, 2.0 / 4);
  EXPECT_FALSE(eval->c_index.has_value());
}

TEST(Evaluate, MlpLossByHandWithDropoutOff) {
  const Examples data = Binary({{1.0f, -1.0f}, {0.5f, 2.0f}}, {1, 0});
  // layers.0: W = [[1, 0], [-1, 1]], b = [0, 0.5]; layers.3: w = [2, -1],
  // b = 0.1.
  const FlatModel model = Model({{"layers.0.weight", {2, 2}},
                                 {"layers.0.bias", {2}},
                                 {"layers.3.weight", {1, 2}},
                                 {"layers.3.bias", {1}}},
                                {1, 0, -1, 1, 0, 0.5f, 2, -1, 0.1f});
  // Row 0: h = relu(1, -1.5) = (1, 0) -> z = 2.1.
  // Row 1: h = relu(0.5, 2) = (0.5, 2) -> z = 1 - 2 + 0.1 = -0.9.
  const double expected = (Bce(2.1, 1) + Bce(-0.9, 0)) / 2;
  auto eval = Evaluate(Kind(ModelKind::kMlp, {2}, 0.5), model, data);
  ASSERT_TRUE(eval.ok()) << eval.status();
  EXPECT_NEAR(eval->loss, expected, 1e-6);
  EXPECT_DOUBLE_EQ(*eval->auc, 1.0);
}

TEST(Evaluate, CoxLossByHandWithTies) {
  const FlatModel model = Model({{"layers.0.weight", {1, 2}}}, {1.0f, -1.0f});
  auto eval = Evaluate(Kind(ModelKind::kCox), model, TinySurvival());
  ASSERT_TRUE(eval.ok()) << eval.status();
  EXPECT_NEAR(eval->loss, TinyCoxMeanLoss({0.0, -0.2, 0.5, 0.1, 0.3}), 1e-6);
  EXPECT_NEAR(eval->loss, 4.7231872826041945 / 4, 1e-6);
  ASSERT_TRUE(eval->c_index.has_value());
  EXPECT_FALSE(eval->auc.has_value());
}

TEST(Evaluate, DeepSurvLossByHand) {
  // layers.0: W = [[1, 1], [0, -1]], b = [0, 0.2]; layers.3: w = [0.5, 2].
  const FlatModel model = Model({{"layers.0.weight", {2, 2}},
                                 {"layers.0.bias", {2}},
                                 {"layers.3.weight", {1, 2}}},
                                {1, 1, 0, -1, 0, 0.2f, 0.5f, 2});
  const Examples data = TinySurvival();
  std::vector<double> risk;
  for (int64_t r = 0; r < data.num_rows; ++r) {
    const double x0 = data.features[2 * r], x1 = data.features[2 * r + 1];
    const double h0 = std::max(0.0, x0 + x1);
    const double h1 = std::max(0.0, -x1 + 0.2);
    risk.push_back(0.5 * h0 + 2 * h1);
  }
  auto eval = Evaluate(Kind(ModelKind::kDeepSurv, {2}, 0.3), model, data);
  ASSERT_TRUE(eval.ok()) << eval.status();
  EXPECT_NEAR(eval->loss, TinyCoxMeanLoss(risk), 1e-6);
}

TEST(Evaluate, CoxOnLungAtROptimum) {
  const nlohmann::json reference = testing::ReadLungReference();
  const auto& breslow = reference["models"]["main"]["pooled"]["breslow"];
  const std::vector<double> beta = testing::ReferenceBeta(reference, "main");
  const Examples data =
      LungCox(testing::ReferenceCovariates(reference, "main"));
  const FlatModel model =
      Model({{"layers.0.weight", {1, 3}}},
            {static_cast<float>(beta[0]), static_cast<float>(beta[1]),
             static_cast<float>(beta[2])});
  auto eval = Evaluate(Kind(ModelKind::kCox), model, data);
  ASSERT_TRUE(eval.ok()) << eval.status();
  const double want = -breslow["loglik"].get<double>() / 164;
  EXPECT_NEAR(eval->loss, want, 1e-5 * want);
  const double c = breslow["concordance_harrell"]["concordance"];
  ASSERT_TRUE(eval->c_index.has_value());
  EXPECT_NEAR(*eval->c_index, c, 1e-3);
  std::printf("[evaluate float32] loss=%.9f R=%.9f  C=%.9f R=%.9f\n",
              eval->loss, want, *eval->c_index, c);
}

// Training from beta = 0 on unstandardised lung features (main model) moves
// toward R's coefficients.
class CoxTrainingOnLung : public ::testing::TestWithParam<bool> {};

TEST_P(CoxTrainingOnLung, ReachesROptimumFromZero) {
  const bool float64 = GetParam();
  const nlohmann::json reference = testing::ReadLungReference();
  const auto& breslow = reference["models"]["main"]["pooled"]["breslow"];
  const std::vector<double> beta = testing::ReferenceBeta(reference, "main");
  const Examples data =
      LungCox(testing::ReferenceCovariates(reference, "main"));
  TrainingPlan plan;
  plan.local_epochs = 300;
  plan.optimizer.name = "adam";
  plan.optimizer.learning_rate = 0.02;
  plan.float64 = float64;
  const FlatModel zero = Model({{"layers.0.weight", {1, 3}}}, {0, 0, 0});
  auto outcome = Train(Kind(ModelKind::kCox), plan, zero, data, nullptr, {});
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  const double null_loss = -breslow["loglik_null"].get<double>() / 164;
  const double best_loss = -breslow["loglik"].get<double>() / 164;
  EXPECT_NEAR(outcome->loss_before, null_loss, 1e-6 * null_loss);
  EXPECT_LT(outcome->loss_after, outcome->loss_before);
  double distance = 0.0, start = 0.0;
  for (size_t k = 0; k < 3; ++k) {
    distance += std::pow(outcome->model.values[k] - beta[k], 2);
    start += beta[k] * beta[k];
  }
  distance = std::sqrt(distance);
  start = std::sqrt(start);
  // Full-batch Adam reaches R's optimum (measured: |beta - R| / |R| about
  // 5e-7 in float32, 2e-7 in float64; the float32 loss itself is only
  // accurate to ~1e-6, so its gap can be slightly negative).
  const double gap_left =
      (outcome->loss_after - best_loss) / (null_loss - best_loss);
  EXPECT_LT(std::abs(gap_left), float64 ? 1e-9 : 1e-4);
  EXPECT_LT(distance, 1e-4 * start);
  std::printf(
      "[cox training %s] beta=(%.7f, %.7f, %.7f) R=(%.7f, %.7f, %.7f) "
      "|beta-R|/|R|=%.2e loss %.8f -> %.8f (R optimum %.8f, gap left "
      "%.2e)\n",
      float64 ? "float64" : "float32", outcome->model.values[0],
      outcome->model.values[1], outcome->model.values[2], beta[0], beta[1],
      beta[2], distance / start, outcome->loss_before, outcome->loss_after,
      best_loss, gap_left);
}

INSTANTIATE_TEST_SUITE_P(Precision, CoxTrainingOnLung,
                         ::testing::Values(false, true));

TEST(Train, LogisticLearnsAndReportsProgress) {
  std::vector<std::vector<float>> x;
  std::vector<float> y;
  for (int i = 0; i < 40; ++i) {
    const float a = static_cast<float>(i % 10) / 10.0f - 0.45f;
    const float b = static_cast<float>((i * 7) % 10) / 10.0f - 0.45f;
    x.push_back({a, b});
    y.push_back(a + 0.5f * b > 0 ? 1.0f : 0.0f);
  }
  const Examples data = Binary(x, y);
  const ModelDefinition logistic = Kind(ModelKind::kLogistic);
  auto init = InitializeModel(logistic, 2, 3);
  ASSERT_TRUE(init.ok());
  TrainingPlan plan;
  plan.local_epochs = 20;
  plan.batch_size = 8;
  plan.optimizer = OptimizerConfig{"sgd", 0.5, 0.0, 0.9};
  std::vector<int64_t> epochs;
  auto outcome = Train(logistic, plan, *init, data, nullptr,
                       [&](int64_t epoch, double loss) {
                         EXPECT_TRUE(std::isfinite(loss));
                         epochs.push_back(epoch);
                       });
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(epochs.size(), 20u);
  EXPECT_EQ(epochs.back(), 20);
  EXPECT_EQ(outcome->num_examples, 40);
  EXPECT_LT(outcome->loss_after, 0.5 * outcome->loss_before);
  auto eval = Evaluate(logistic, outcome->model, data);
  ASSERT_TRUE(eval.ok());
  EXPECT_GT(*eval->auc, 0.95);
  EXPECT_NEAR(eval->loss, outcome->loss_after, 1e-6);
}

TEST(Train, SameSeedIsBitIdentical) {
  const Examples data =
      LungCox({"age", "sex", "ph.ecog"});  // unstandardised is fine here
  for (ModelKind kind : {ModelKind::kMlp, ModelKind::kDeepSurv}) {
    ModelDefinition definition = Kind(kind, {6, 4}, 0.3);
    Examples examples = data;
    if (kind == ModelKind::kMlp) {
      examples.label = examples.event;
      examples.time.clear();
      examples.event.clear();
    }
    auto init = InitializeModel(definition, 3, 5);
    ASSERT_TRUE(init.ok());
    TrainingPlan plan;
    plan.local_epochs = 3;
    plan.batch_size = 32;
    plan.seed = 1234;
    auto a = Train(definition, plan, *init, examples, nullptr, {});
    auto b = Train(definition, plan, *init, examples, nullptr, {});
    plan.seed = 1235;
    auto c = Train(definition, plan, *init, examples, nullptr, {});
    ASSERT_TRUE(a.ok() && b.ok() && c.ok()) << a.status();
    ASSERT_EQ(a->model.values.size(), b->model.values.size());
    EXPECT_EQ(0, std::memcmp(a->model.values.data(), b->model.values.data(),
                             a->model.values.size() * sizeof(float)))
        << ModelKindName(kind);
    EXPECT_EQ(ModelDigestHex(a->model), ModelDigestHex(b->model));
    EXPECT_EQ(a->loss_after, b->loss_after);
    EXPECT_NE(a->model.values, c->model.values) << ModelKindName(kind);
    EXPECT_NE(a->model.values, init->values);
  }
}

TEST(Train, Cancellation) {
  const Examples data = TinySurvival();
  const ModelDefinition cox = Kind(ModelKind::kCox);
  const FlatModel model = Model({{"layers.0.weight", {1, 2}}}, {0, 0});
  TrainingPlan plan;
  plan.local_epochs = 5;
  std::atomic<bool> cancel{true};
  auto before = Train(cox, plan, model, data, &cancel, {});
  EXPECT_EQ(before.status().code(), absl::StatusCode::kCancelled);

  cancel = false;
  int calls = 0;
  auto during = Train(cox, plan, model, data, &cancel, [&](int64_t, double) {
    ++calls;
    cancel = true;
  });
  EXPECT_EQ(during.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(calls, 1);
  EXPECT_THAT(during.status().message(), HasSubstr("epoch 2"));
}

TEST(Train, ShapeMismatchIsRefused) {
  const Examples data = TinySurvival();  // 2 features
  const ModelDefinition cox = Kind(ModelKind::kCox);
  TrainingPlan plan;
  auto wide = Train(cox, plan, Model({{"layers.0.weight", {1, 3}}}, {0, 0, 0}),
                    data, nullptr, {});
  EXPECT_EQ(wide.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(wide.status().message(), HasSubstr("layers.0.weight"));
  EXPECT_THAT(wide.status().message(), HasSubstr("[1,3]"));

  auto renamed = Train(cox, plan, Model({{"linear.weight", {1, 2}}}, {0, 0}),
                       data, nullptr, {});
  EXPECT_EQ(renamed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(renamed.status().message(), HasSubstr("linear.weight"));

  FlatModel short_values = Model({{"layers.0.weight", {1, 2}}}, {0, 0});
  short_values.values.pop_back();
  EXPECT_EQ(Train(cox, plan, short_values, data, nullptr, {}).status().code(),
            absl::StatusCode::kInvalidArgument);

  auto logistic_model = InitializeModel(Kind(ModelKind::kLogistic), 2, 0);
  EXPECT_EQ(Evaluate(cox, *logistic_model, data).status().code(),
            absl::StatusCode::kInvalidArgument);  // has a bias Cox does not

  TrainingPlan bad = plan;
  bad.optimizer.name = "adagrad";
  EXPECT_EQ(Train(cox, bad, Model({{"layers.0.weight", {1, 2}}}, {0, 0}), data,
                  nullptr, {})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Train, NonFiniteIsRefused) {
  const ModelDefinition logistic = Kind(ModelKind::kLogistic);
  const Examples data = Binary({{1000.0f}, {-500.0f}, {2000.0f}}, {0, 1, 1});
  auto nan_model = Train(
      logistic, TrainingPlan{},
      Model({{"layers.0.weight", {1, 1}}, {"layers.0.bias", {1}}}, {NAN, 0}),
      data, nullptr, {});
  EXPECT_EQ(nan_model.status().code(), absl::StatusCode::kInvalidArgument);
  auto inf_bias =
      Train(logistic, TrainingPlan{},
            Model({{"layers.0.weight", {1, 1}}, {"layers.0.bias", {1}}},
                  {0, INFINITY}),
            data, nullptr, {});
  EXPECT_EQ(inf_bias.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      inf_bias.status().message(),
      HasSubstr("model tensor 'layers.0.bias' element 0 is not finite"));

  TrainingPlan explode;
  explode.local_epochs = 3;
  explode.optimizer = OptimizerConfig{"sgd", 1e38, 0.0, 0.0};
  auto diverged = Train(
      logistic, explode,
      Model({{"layers.0.weight", {1, 1}}, {"layers.0.bias", {1}}}, {0, 0}),
      data, nullptr, {});
  EXPECT_EQ(diverged.status().code(), absl::StatusCode::kFailedPrecondition)
      << diverged.status();
}

TEST(Train, NoopReturnsTheGlobalModel) {
  ModelDefinition noop = Kind(ModelKind::kNoop);
  noop.task = Task::kSurvival;
  noop.noop_parameters = 5;
  FlatModel global = Model({{"weights", {5}}}, {1, 2, 3, 4, 5});
  const Examples data = TinySurvival();
  auto outcome = Train(noop, TrainingPlan{}, global, data, nullptr, {});
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->model.values, global.values);
  EXPECT_EQ(outcome->model.spec, global.spec);
  EXPECT_EQ(outcome->num_examples, 5);
  auto eval = Evaluate(noop, global, data);
  ASSERT_TRUE(eval.ok());
  EXPECT_EQ(eval->num_examples, 5);
  FlatModel other = Model({{"weights", {4}}}, {1, 2, 3, 4});
  EXPECT_EQ(
      Train(noop, TrainingPlan{}, other, data, nullptr, {}).status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(Train, NoopGivenOwnershipReturnsTheSameBufferWithoutACopy) {
  ModelDefinition noop = Kind(ModelKind::kNoop);
  noop.task = Task::kSurvival;
  noop.noop_parameters = 5;
  FlatModel global = Model({{"weights", {5}}}, {1, 2, 3, 4, 5});
  const float* buffer = global.values.data();
  auto outcome = Train(noop, TrainingPlan{}, std::move(global), TinySurvival(),
                       nullptr, {});
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->model.values.data(), buffer);
  EXPECT_EQ(outcome->model.values, (std::vector<float>{1, 2, 3, 4, 5}));
  FlatModel bad = Model({{"weights", {5}}}, {1, 2, NAN, 4, 5});
  EXPECT_EQ(
      Train(noop, TrainingPlan{}, std::move(bad), TinySurvival(), nullptr, {})
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(Train, EmptyDataAndBadExamples) {
  const ModelDefinition cox = Kind(ModelKind::kCox);
  const FlatModel model = Model({{"layers.0.weight", {1, 2}}}, {0, 0});
  Examples empty;
  empty.num_features = 2;
  EXPECT_EQ(
      Train(cox, TrainingPlan{}, model, empty, nullptr, {}).status().code(),
      absl::StatusCode::kInvalidArgument);
  auto eval = Evaluate(cox, model, empty);
  ASSERT_TRUE(eval.ok());
  EXPECT_EQ(eval->num_examples, 0);
  Examples bad = TinySurvival();
  bad.event[0] = 2;
  EXPECT_EQ(Train(cox, TrainingPlan{}, model, bad, nullptr, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dsfl::training
