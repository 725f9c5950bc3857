#include "slave/training/trainer.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <numeric>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/model_stream.h"
#include "slave/training/metrics.h"
#include "slave/training/random.h"
#include "slave/training/torch_models.h"

namespace dsfl::training {
namespace {

using internal::TorchModel;

// Runs `fn`, converting exceptions escaping libtorch into a Status.
template <typename Fn>
auto GuardTorch(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const internal::ContractViolation& e) {
    return absl::InvalidArgumentError(e.what());
  } catch (const std::exception& e) {
    return absl::InternalError(internal::DescribeTorchError(e));
  }
}

bool IsCancelled(const std::atomic<bool>* cancel) {
  return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

Status CheckPlan(const TrainingPlan& plan) {
  if (plan.local_epochs < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("local_epochs must be >= 1, got ", plan.local_epochs));
  }
  if (plan.batch_size < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch_size must be >= 0, got ", plan.batch_size));
  }
  const OptimizerConfig& o = plan.optimizer;
  if (o.name != "adam" && o.name != "sgd") {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown optimizer '", o.name, "' (expected adam or sgd)"));
  }
  if (!(o.learning_rate > 0.0) || !std::isfinite(o.learning_rate)) {
    return absl::InvalidArgumentError(
        absl::StrCat("learning_rate must be > 0, got ", o.learning_rate));
  }
  if (!(o.weight_decay >= 0.0) || !std::isfinite(o.weight_decay)) {
    return absl::InvalidArgumentError(
        absl::StrCat("weight_decay must be >= 0, got ", o.weight_decay));
  }
  if (!(o.momentum >= 0.0 && o.momentum < 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("momentum must be in [0, 1), got ", o.momentum));
  }
  return absl::OkStatus();
}

Status CheckFiniteModel(const FlatModel& model) {
  size_t offset = 0;
  for (const TensorSpec& t : model.spec.tensors()) {
    const size_t count =
        std::min(model.values.size(), offset + t.numel()) - offset;
    // Vectorised (common/model_stream.h): 27 GB/s on a 40 MB model against
    // 10.5 GB/s for an element-by-element std::isfinite loop, which was
    // 1.6% of all CPU in the federation benchmark (a slave checks every
    // model it trains on or evaluates).
    const size_t bad = FindNonFinite(
        reinterpret_cast<const char*>(model.values.data() + offset), count);
    if (bad != count) {
      return absl::InvalidArgumentError(
          absl::StrCat("model tensor '", t.name, "' element ", bad,
                       " is not finite (", model.values[offset + bad], ")"));
    }
    offset += count;
  }
  return absl::OkStatus();
}

// kNoop: one tensor "weights" of noop_parameters elements.
StatusOr<ModelSpec> NoopSpec(const ModelDefinition& definition) {
  if (definition.noop_parameters < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "noop_parameters must be >= 1, got ", definition.noop_parameters));
  }
  return ModelSpec({TensorSpec{"weights", {definition.noop_parameters}}});
}

Status CheckNoopModel(const ModelDefinition& definition,
                      const FlatModel& model) {
  DSFL_ASSIGN_OR_RETURN(ModelSpec spec, NoopSpec(definition));
  Status same = spec.CheckSameAs(model.spec);
  if (!same.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model does not match the noop definition: ", same.message()));
  }
  if (model.values.size() != spec.total_numel()) {
    return absl::InvalidArgumentError(
        absl::StrCat("noop model has ", model.values.size(),
                     " values, expected ", spec.total_numel()));
  }
  return absl::OkStatus();
}

Status ImportChecked(const ModelDefinition& definition, int64_t num_features,
                     const FlatModel& flat, TorchModel* model) {
  Status status = internal::ImportFlat(flat, model);
  if (status.ok()) return status;
  return absl::InvalidArgumentError(absl::StrCat(
      "model does not match the ", ModelKindName(definition.kind),
      " architecture for ", num_features, " features: ", status.message()));
}

// The examples as tensors of `dtype` (owning copies).
struct Batch {
  int64_t rows = 0;
  torch::Tensor x, label, time, event;
};

torch::Tensor Column(const std::vector<float>& values, torch::Dtype dtype) {
  return torch::from_blob(const_cast<float*>(values.data()),
                          {static_cast<int64_t>(values.size())},
                          torch::TensorOptions().dtype(torch::kFloat))
      .to(dtype, /*non_blocking=*/false, /*copy=*/true);
}

Batch ToTensors(const Examples& data, Task task, torch::Dtype dtype) {
  Batch batch;
  batch.rows = data.num_rows;
  batch.x =
      Column(data.features, dtype).reshape({data.num_rows, data.num_features});
  if (task == Task::kBinary) {
    batch.label = Column(data.label, dtype);
  } else {
    batch.time = Column(data.time, dtype);
    batch.event = Column(data.event, dtype);
  }
  return batch;
}

Batch Rows(const Batch& all, const torch::Tensor& index) {
  Batch batch;
  batch.rows = index.size(0);
  batch.x = all.x.index_select(0, index);
  if (all.label.defined()) batch.label = all.label.index_select(0, index);
  if (all.time.defined()) batch.time = all.time.index_select(0, index);
  if (all.event.defined()) batch.event = all.event.index_select(0, index);
  return batch;
}

torch::Tensor TaskLoss(Task task, const torch::Tensor& output,
                       const Batch& batch) {
  if (task == Task::kSurvival) {
    return internal::CoxBreslowLoss(output, batch.time, batch.event,
                                    LossReduction::kMean);
  }
  return internal::BinaryCrossEntropyLoss(output, batch.label,
                                          LossReduction::kMean);
}

double FullLoss(TorchModel& model, Task task, const Batch& all) {
  torch::NoGradGuard no_grad;
  model.SetTraining(false);
  return TaskLoss(task, model.Forward(all.x), all).item<double>();
}

std::unique_ptr<torch::optim::Optimizer> MakeOptimizer(
    const OptimizerConfig& config, const std::vector<torch::Tensor>& params) {
  if (config.name == "adam") {
    return std::make_unique<torch::optim::Adam>(
        params, torch::optim::AdamOptions(config.learning_rate)
                    .weight_decay(config.weight_decay));
  }
  return std::make_unique<torch::optim::SGD>(
      params, torch::optim::SGDOptions(config.learning_rate)
                  .momentum(config.momentum)
                  .weight_decay(config.weight_decay));
}

StatusOr<TrainOutcome> TrainTorch(const ModelDefinition& definition,
                                  const TrainingPlan& plan,
                                  const FlatModel& global, const Examples& data,
                                  const std::atomic<bool>* cancel,
                                  const ProgressFn& progress) {
  const Task task = TaskOf(definition);
  std::lock_guard<std::mutex> lock(internal::GlobalRngMutex());
  torch::manual_seed(plan.seed);
  DSFL_ASSIGN_OR_RETURN(
      std::unique_ptr<TorchModel> model,
      internal::BuildTorchModel(definition, data.num_features));
  DSFL_RETURN_IF_ERROR(
      ImportChecked(definition, data.num_features, global, model.get()));
  const torch::Dtype dtype = plan.float64 ? torch::kDouble : torch::kFloat;
  model->ToDtype(dtype);
  const Batch all = ToTensors(data, task, dtype);
  const int64_t n = data.num_rows;

  TrainOutcome outcome;
  outcome.num_examples = n;
  outcome.loss_before = FullLoss(*model, task, all);
  if (!std::isfinite(outcome.loss_before)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the global model's loss on the local data is ", outcome.loss_before));
  }

  std::vector<torch::Tensor> params;
  for (const auto& item : model->NamedParameters()) {
    params.push_back(item.second);
  }
  std::unique_ptr<torch::optim::Optimizer> optimizer =
      MakeOptimizer(plan.optimizer, params);
  const bool full_batch = plan.batch_size == 0 || plan.batch_size >= n;
  const int64_t batch_size = full_batch ? n : plan.batch_size;
  SplitMix64 rng(plan.seed);
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);

  for (int64_t epoch = 1; epoch <= plan.local_epochs; ++epoch) {
    if (!full_batch) Shuffle(&order, &rng);
    double loss_sum = 0.0;
    int64_t step = 0;
    for (int64_t start = 0; start < n; start += batch_size, ++step) {
      if (IsCancelled(cancel)) {
        return absl::CancelledError(absl::StrCat("training cancelled in epoch ",
                                                 epoch, " before step ", step));
      }
      Batch rows_batch;
      if (!full_batch) {
        const int64_t end = std::min(n, start + batch_size);
        const std::vector<int64_t> index(order.begin() + start,
                                         order.begin() + end);
        rows_batch = Rows(all, torch::tensor(index, torch::kLong));
      }
      const Batch& batch = full_batch ? all : rows_batch;
      model->SetTraining(true);
      torch::Tensor loss = TaskLoss(task, model->Forward(batch.x), batch);
      const double value = loss.item<double>();
      if (!std::isfinite(value)) {
        return absl::FailedPreconditionError(
            absl::StrCat("training loss became ", value, " in epoch ", epoch,
                         " step ", step));
      }
      loss_sum += value * static_cast<double>(batch.rows);
      // A Cox minibatch without events carries no information: no step.
      if (task == Task::kSurvival && batch.event.sum().item<double>() == 0.0) {
        continue;
      }
      optimizer->zero_grad();
      loss.backward();
      optimizer->step();
    }
    if (!internal::ParametersFinite(*model)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "training produced a non-finite parameter in epoch ", epoch));
    }
    if (progress) progress(epoch, loss_sum / static_cast<double>(n));
  }

  outcome.loss_after = FullLoss(*model, task, all);
  if (!std::isfinite(outcome.loss_after)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the trained model's loss is ", outcome.loss_after));
  }
  outcome.model = internal::ExportFlat(*model);
  if (!CheckFiniteModel(outcome.model).ok()) {  // float64 -> float32 overflow
    return absl::FailedPreconditionError(
        "training produced a parameter outside the float32 range");
  }
  return outcome;
}

StatusOr<EvalOutcome> EvaluateTorch(const ModelDefinition& definition,
                                    const FlatModel& flat,
                                    const Examples& data) {
  const Task task = TaskOf(definition);
  std::unique_ptr<TorchModel> model;
  {
    // Default initialisation draws from the global generator.
    std::lock_guard<std::mutex> lock(internal::GlobalRngMutex());
    DSFL_ASSIGN_OR_RETURN(
        model, internal::BuildTorchModel(definition, data.num_features));
  }
  DSFL_RETURN_IF_ERROR(
      ImportChecked(definition, data.num_features, flat, model.get()));
  const Batch all = ToTensors(data, task, torch::kFloat);
  torch::NoGradGuard no_grad;
  model->SetTraining(false);
  const torch::Tensor output = model->Forward(all.x);
  EvalOutcome outcome;
  outcome.num_examples = data.num_rows;
  outcome.loss = TaskLoss(task, output, all).item<double>();
  if (!std::isfinite(outcome.loss)) {
    return absl::FailedPreconditionError(
        absl::StrCat("evaluation loss is ", outcome.loss));
  }
  const torch::Tensor scores = output.to(torch::kDouble).contiguous();
  const std::vector<double> score(scores.data_ptr<double>(),
                                  scores.data_ptr<double>() + scores.numel());
  if (task == Task::kSurvival) {
    const std::vector<double> time(data.time.begin(), data.time.end());
    const std::vector<double> event(data.event.begin(), data.event.end());
    StatusOr<double> c = HarrellConcordance(score, time, event);
    if (c.ok()) outcome.c_index = *c;
  } else {
    const std::vector<double> label(data.label.begin(), data.label.end());
    StatusOr<double> auc = AreaUnderRoc(score, label);
    if (auc.ok()) outcome.auc = *auc;
  }
  return outcome;
}

}  // namespace

StatusOr<FlatModel> InitializeModel(const ModelDefinition& definition,
                                    int64_t num_features, uint64_t seed) {
  if (definition.kind == ModelKind::kNoop) {
    DSFL_ASSIGN_OR_RETURN(ModelSpec spec, NoopSpec(definition));
    FlatModel model;
    model.values.assign(spec.total_numel(), 0.0f);
    model.spec = std::move(spec);
    return model;
  }
  return GuardTorch([&]() -> StatusOr<FlatModel> {
    std::lock_guard<std::mutex> lock(internal::GlobalRngMutex());
    torch::manual_seed(seed);
    DSFL_ASSIGN_OR_RETURN(std::unique_ptr<TorchModel> model,
                          internal::BuildTorchModel(definition, num_features));
    return internal::ExportFlat(*model);
  });
}

namespace {

// Train() for both overloads: `owned` is `global` when the caller gave up
// ownership (kNoop then moves it into the outcome), null otherwise.
StatusOr<TrainOutcome> TrainModel(const ModelDefinition& definition,
                                  const TrainingPlan& plan,
                                  const FlatModel& global, FlatModel* owned,
                                  const Examples& data,
                                  const std::atomic<bool>* cancel,
                                  const ProgressFn& progress) {
  DSFL_RETURN_IF_ERROR(CheckPlan(plan));
  DSFL_RETURN_IF_ERROR(ValidateExamples(data, TaskOf(definition)));
  DSFL_RETURN_IF_ERROR(CheckFiniteModel(global));
  if (IsCancelled(cancel)) {
    return absl::CancelledError("training cancelled before it started");
  }
  if (definition.kind == ModelKind::kNoop) {
    DSFL_RETURN_IF_ERROR(CheckNoopModel(definition, global));
    TrainOutcome outcome;
    if (owned != nullptr) {
      outcome.model = std::move(*owned);
    } else {
      outcome.model = global;
    }
    outcome.model_is_global = true;
    outcome.num_examples = data.num_rows;
    return outcome;
  }
  if (data.num_rows == 0) {
    return absl::InvalidArgumentError("no training examples");
  }
  return GuardTorch([&] {
    return TrainTorch(definition, plan, global, data, cancel, progress);
  });
}

}  // namespace

StatusOr<TrainOutcome> Train(const ModelDefinition& definition,
                             const TrainingPlan& plan, const FlatModel& global,
                             const Examples& data,
                             const std::atomic<bool>* cancel,
                             const ProgressFn& progress) {
  return TrainModel(definition, plan, global, nullptr, data, cancel, progress);
}

StatusOr<TrainOutcome> Train(const ModelDefinition& definition,
                             const TrainingPlan& plan, FlatModel&& global,
                             const Examples& data,
                             const std::atomic<bool>* cancel,
                             const ProgressFn& progress) {
  FlatModel owned = std::move(global);
  return TrainModel(definition, plan, owned, &owned, data, cancel, progress);
}

StatusOr<EvalOutcome> Evaluate(const ModelDefinition& definition,
                               const FlatModel& model, const Examples& data) {
  DSFL_RETURN_IF_ERROR(ValidateExamples(data, TaskOf(definition)));
  DSFL_RETURN_IF_ERROR(CheckFiniteModel(model));
  if (definition.kind == ModelKind::kNoop) {
    DSFL_RETURN_IF_ERROR(CheckNoopModel(definition, model));
    EvalOutcome outcome;
    outcome.num_examples = data.num_rows;
    return outcome;
  }
  if (data.num_rows == 0) return EvalOutcome{};
  return GuardTorch([&] { return EvaluateTorch(definition, model, data); });
}

void SetTrainingThreads(int n) {
  const int threads = std::max(n, 1);
  try {
    torch::set_num_threads(threads);
  } catch (const std::exception&) {
    // Documented: never fails.
  }
  static std::once_flag interop_once;
  std::call_once(interop_once, [threads] {
    try {
      torch::set_num_interop_threads(threads);
    } catch (const std::exception&) {
      // Already started by an earlier inter-op use: keep libtorch's value.
    }
  });
}

}  // namespace dsfl::training
