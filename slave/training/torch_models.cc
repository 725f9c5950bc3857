#include "slave/training/torch_models.h"

#include <torch/script.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/sha256.h"

namespace dsfl::training::internal {
namespace {

std::string ShapeString(torch::IntArrayRef sizes) {
  return absl::StrCat("[", absl::StrJoin(sizes, ","), "]");
}

// layers = Sequential(Linear, ReLU, Dropout, ..., Linear(width, 1)): the
// built-in architectures. With no hidden layer it is a linear model, so the
// parameters are always named layers.<index>.weight/bias.
class MlpNet : public torch::nn::Module {
 public:
  MlpNet(int64_t inputs, const std::vector<int64_t>& hidden_units,
         double dropout, bool output_bias) {
    torch::nn::Sequential layers;
    int64_t width = inputs;
    for (int64_t units : hidden_units) {
      layers->push_back(torch::nn::Linear(width, units));
      layers->push_back(torch::nn::ReLU());
      layers->push_back(torch::nn::Dropout(dropout));
      width = units;
    }
    layers->push_back(torch::nn::Linear(
        torch::nn::LinearOptions(width, 1).bias(output_bias)));
    layers_ = register_module("layers", layers);
  }

  torch::Tensor forward(const torch::Tensor& x) {
    return layers_->forward(x).reshape({-1});
  }

 private:
  torch::nn::Sequential layers_{nullptr};
};

class BuiltinModel : public TorchModel {
 public:
  explicit BuiltinModel(std::shared_ptr<MlpNet> net) : net_(std::move(net)) {}

  std::vector<std::pair<std::string, torch::Tensor>> NamedParameters()
      override {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& item : net_->named_parameters(/*recurse=*/true)) {
      out.emplace_back(item.key(), item.value());
    }
    return out;
  }
  torch::Tensor Forward(const torch::Tensor& x) override {
    return net_->forward(x);
  }
  void SetTraining(bool training) override { net_->train(training); }
  void ToDtype(torch::Dtype dtype) override { net_->to(dtype); }

 private:
  std::shared_ptr<MlpNet> net_;
};

class ScriptModel : public TorchModel {
 public:
  explicit ScriptModel(torch::jit::Module module)
      : module_(std::move(module)) {}

  std::vector<std::pair<std::string, torch::Tensor>> NamedParameters()
      override {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& item : module_.named_parameters(/*recurse=*/true)) {
      out.emplace_back(item.name, item.value);
    }
    return out;
  }

  torch::Tensor Forward(const torch::Tensor& x) override {
    const torch::IValue result = module_.forward({x});
    if (!result.isTensor()) {
      throw ContractViolation(absl::StrCat("TorchScript forward(x) returned a ",
                                           result.tagKind(),
                                           ", expected a Tensor"));
    }
    torch::Tensor out = result.toTensor();
    const int64_t n = x.size(0);
    const bool ok = out.is_floating_point() &&
                    ((out.dim() == 1 && out.size(0) == n) ||
                     (out.dim() == 2 && out.size(0) == n && out.size(1) == 1));
    if (!ok) {
      throw ContractViolation(absl::StrCat(
          "TorchScript forward(x) with x of shape ", ShapeString(x.sizes()),
          " returned a ", std::string(c10::toString(out.scalar_type())),
          " tensor of shape ", ShapeString(out.sizes()), ", expected [", n,
          "] or [", n, ",1] floating point"));
    }
    return out.reshape({-1});
  }
  void SetTraining(bool training) override { module_.train(training); }
  void ToDtype(torch::Dtype dtype) override { module_.to(dtype); }

 private:
  torch::jit::Module module_;
};

Status CheckHidden(const ModelDefinition& definition) {
  if (definition.hidden_units.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(ModelKindName(definition.kind),
                     " needs at least one hidden layer (hidden_units)"));
  }
  for (int64_t units : definition.hidden_units) {
    if (units < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("hidden_units has a non-positive width ", units));
    }
  }
  if (!(definition.dropout >= 0.0 && definition.dropout < 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("dropout ", definition.dropout, " is not in [0, 1)"));
  }
  return absl::OkStatus();
}

StatusOr<torch::jit::Module> LoadScript(const ModelDefinition& definition) {
  if (definition.torchscript_archive.empty()) {
    return absl::InvalidArgumentError(
        "the torchscript model carries no archive");
  }
  Sha256Digest pinned;
  if (!ParseSha256Hex(definition.torchscript_sha256, &pinned)) {
    return absl::InvalidArgumentError(
        absl::StrCat("torchscript_sha256 '", definition.torchscript_sha256,
                     "' is not a 64-character hex SHA-256"));
  }
  const std::string actual = Sha256::HexOf(definition.torchscript_archive);
  const std::string expected = ToHex(pinned);
  if (actual != expected) {
    return absl::InvalidArgumentError(
        absl::StrCat("TorchScript archive has SHA-256 ", actual,
                     " but the job pins ", expected));
  }
  std::istringstream stream(definition.torchscript_archive);
  torch::jit::Module module;
  try {
    module = torch::jit::load(stream, torch::kCPU);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("TorchScript archive ", actual,
                     " cannot be loaded: ", DescribeTorchError(e)));
  }
  int64_t count = 0;
  for (const auto& item : module.named_parameters(/*recurse=*/true)) {
    ++count;
    if (item.value.scalar_type() != torch::kFloat) {
      return absl::InvalidArgumentError(
          absl::StrCat("TorchScript parameter '", item.name, "' is ",
                       std::string(c10::toString(item.value.scalar_type())),
                       "; only float32 parameters are supported"));
    }
  }
  if (count == 0) {
    return absl::InvalidArgumentError("TorchScript module has no parameters");
  }
  // Every parameter is trained (constants belong in buffers or attributes).
  for (torch::Tensor param : module.parameters(/*recurse=*/true)) {
    param.requires_grad_(true);
  }
  return module;
}

torch::Tensor Flat(const torch::Tensor& t) { return t.reshape({-1}); }

}  // namespace

std::mutex& GlobalRngMutex() {
  static std::mutex* const mutex = new std::mutex();
  return *mutex;
}

StatusOr<std::unique_ptr<TorchModel>> BuildTorchModel(
    const ModelDefinition& definition, int64_t num_features) {
  if (num_features < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("a model needs at least one feature, got ", num_features));
  }
  const std::vector<int64_t> none;
  switch (definition.kind) {
    case ModelKind::kLogistic:
      return std::unique_ptr<TorchModel>(new BuiltinModel(
          std::make_shared<MlpNet>(num_features, none, 0.0, true)));
    case ModelKind::kCox:
      return std::unique_ptr<TorchModel>(new BuiltinModel(
          std::make_shared<MlpNet>(num_features, none, 0.0, false)));
    case ModelKind::kMlp:
    case ModelKind::kDeepSurv: {
      DSFL_RETURN_IF_ERROR(CheckHidden(definition));
      const bool bias = definition.kind == ModelKind::kMlp;
      return std::unique_ptr<TorchModel>(new BuiltinModel(
          std::make_shared<MlpNet>(num_features, definition.hidden_units,
                                   definition.dropout, bias)));
    }
    case ModelKind::kTorchScript: {
      DSFL_ASSIGN_OR_RETURN(torch::jit::Module module, LoadScript(definition));
      return std::unique_ptr<TorchModel>(new ScriptModel(std::move(module)));
    }
    case ModelKind::kNoop:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "model kind ", ModelKindName(definition.kind), " has no torch model"));
}

ModelSpec SpecOf(TorchModel& model) {
  std::vector<TensorSpec> tensors;
  for (const auto& [name, param] : model.NamedParameters()) {
    tensors.push_back(TensorSpec{name, param.sizes().vec(), DType::kFloat32});
  }
  return ModelSpec(std::move(tensors));
}

FlatModel ExportFlat(TorchModel& model) {
  FlatModel flat;
  flat.spec = SpecOf(model);
  flat.values.reserve(flat.spec.total_numel());
  for (const auto& item : model.NamedParameters()) {
    const torch::Tensor t = item.second.detach().to(torch::kFloat).contiguous();
    const float* data = t.data_ptr<float>();
    flat.values.insert(flat.values.end(), data, data + t.numel());
  }
  return flat;
}

Status ImportFlat(const FlatModel& flat, TorchModel* model) {
  const ModelSpec expected = SpecOf(*model);
  DSFL_RETURN_IF_ERROR(expected.CheckSameAs(flat.spec));
  if (flat.values.size() != expected.total_numel()) {
    return absl::InvalidArgumentError(
        absl::StrCat("model has ", flat.values.size(), " values, its spec ",
                     expected.total_numel()));
  }
  torch::NoGradGuard no_grad;
  size_t offset = 0;
  for (auto& item : model->NamedParameters()) {
    torch::Tensor& param = item.second;
    const torch::Tensor source = torch::from_blob(
        const_cast<float*>(flat.values.data() + offset), param.sizes(),
        torch::TensorOptions().dtype(torch::kFloat));
    param.copy_(source);
    offset += static_cast<size_t>(param.numel());
  }
  return absl::OkStatus();
}

bool ParametersFinite(TorchModel& model) {
  torch::NoGradGuard no_grad;
  for (const auto& item : model.NamedParameters()) {
    if (!torch::isfinite(item.second).all().item<bool>()) return false;
  }
  return true;
}

torch::Tensor CoxBreslowLoss(const torch::Tensor& risk,
                             const torch::Tensor& time,
                             const torch::Tensor& event,
                             LossReduction reduction) {
  const torch::Tensor r = Flat(risk);
  const int64_t n = r.size(0);
  if (time.numel() != n || event.numel() != n) {
    throw ContractViolation(absl::StrCat(
        "Cox loss needs one time and event per risk score, got ", n,
        " scores, ", time.numel(), " times, ", event.numel(), " events"));
  }
  if (!r.is_floating_point()) {
    throw ContractViolation("Cox loss needs floating-point risk scores");
  }
  if (n == 0) return r.sum();
  // Sort by time, longest first: the risk set of row k (sorted) is every row
  // up to the last one tied with it, so log sum_{t_j >= t_k} exp(r_j) is the
  // running log-sum-exp read at the end of k's tie group.
  const torch::Tensor t = Flat(time).to(torch::kDouble).contiguous();
  const torch::Tensor order =
      std::get<1>(t.sort(/*stable=*/true, /*dim=*/0, /*descending=*/true));
  const torch::Tensor sorted_time = t.index_select(0, order).contiguous();
  const double* st = sorted_time.data_ptr<double>();
  std::vector<int64_t> group_end(static_cast<size_t>(n));
  for (int64_t k = n - 1; k >= 0; --k) {
    group_end[k] = (k + 1 < n && st[k + 1] == st[k]) ? group_end[k + 1] : k;
  }
  const torch::Tensor sorted_risk = r.index_select(0, order);
  const torch::Tensor log_risk_set =
      torch::logcumsumexp(sorted_risk, 0)
          .index_select(0, torch::tensor(group_end, torch::kLong));
  const torch::Tensor d =
      Flat(event).to(r.scalar_type()).index_select(0, order);
  const torch::Tensor total = -((sorted_risk - log_risk_set) * d).sum();
  if (reduction == LossReduction::kSum) return total;
  const double events = d.sum().item<double>();
  return total / std::max(1.0, events);
}

torch::Tensor BinaryCrossEntropyLoss(const torch::Tensor& logits,
                                     const torch::Tensor& label,
                                     LossReduction reduction) {
  const torch::Tensor z = Flat(logits);
  if (label.numel() != z.size(0)) {
    throw ContractViolation(
        absl::StrCat("cross-entropy needs one label per logit, got ", z.size(0),
                     " logits and ", label.numel(), " labels"));
  }
  return torch::binary_cross_entropy_with_logits(
      z, Flat(label).to(z.scalar_type()), /*weight=*/{}, /*pos_weight=*/{},
      reduction == LossReduction::kSum ? at::Reduction::Sum
                                       : at::Reduction::Mean);
}

std::string DescribeTorchError(const std::exception& error) {
  if (const auto* c10_error = dynamic_cast<const c10::Error*>(&error)) {
    return absl::StrCat("libtorch: ", c10_error->what_without_backtrace());
  }
  return absl::StrCat("libtorch: ", error.what());
}

}  // namespace dsfl::training::internal

namespace dsfl::training {
namespace {

Status CheckValues(const std::vector<double>& values, const char* what,
                   bool binary, bool non_negative) {
  for (size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (!std::isfinite(v) || (binary && v != 0.0 && v != 1.0) ||
        (non_negative && v < 0.0)) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " of row ", i, " is invalid: ", v));
    }
  }
  return absl::OkStatus();
}

torch::Tensor ToDouble(const std::vector<double>& values) {
  return torch::tensor(torch::ArrayRef<double>(values),
                       torch::TensorOptions().dtype(torch::kDouble));
}

// Evaluates loss(output) in float64 and returns it with d loss / d output.
template <typename LossFn>
StatusOr<LossValue> ValueAndGradient(const std::vector<double>& output,
                                     LossFn loss_fn) {
  try {
    torch::Tensor x = ToDouble(output).requires_grad_(true);
    torch::Tensor loss = loss_fn(x);
    loss.backward();
    LossValue result;
    result.value = loss.item<double>();
    const torch::Tensor grad = x.grad().contiguous();
    result.gradient.assign(grad.data_ptr<double>(),
                           grad.data_ptr<double>() + grad.numel());
    return result;
  } catch (const internal::ContractViolation& e) {
    return absl::InvalidArgumentError(e.what());
  } catch (const std::exception& e) {
    return absl::InternalError(internal::DescribeTorchError(e));
  }
}

}  // namespace

StatusOr<LossValue> CoxBreslowNegLogLikelihood(const std::vector<double>& risk,
                                               const std::vector<double>& time,
                                               const std::vector<double>& event,
                                               LossReduction reduction) {
  if (time.size() != risk.size() || event.size() != risk.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Cox loss needs equal lengths, got ", risk.size(), " risks, ",
        time.size(), " times, ", event.size(), " events"));
  }
  DSFL_RETURN_IF_ERROR(CheckValues(risk, "risk", false, false));
  DSFL_RETURN_IF_ERROR(CheckValues(time, "time", false, true));
  DSFL_RETURN_IF_ERROR(CheckValues(event, "event", true, false));
  return ValueAndGradient(risk, [&](const torch::Tensor& r) {
    return internal::CoxBreslowLoss(r, ToDouble(time), ToDouble(event),
                                    reduction);
  });
}

StatusOr<LossValue> BinaryCrossEntropyWithLogits(
    const std::vector<double>& logits, const std::vector<double>& label,
    LossReduction reduction) {
  if (label.size() != logits.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cross-entropy needs equal lengths, got ", logits.size(),
                     " logits and ", label.size(), " labels"));
  }
  DSFL_RETURN_IF_ERROR(CheckValues(logits, "logit", false, false));
  DSFL_RETURN_IF_ERROR(CheckValues(label, "label", true, false));
  return ValueAndGradient(logits, [&](const torch::Tensor& z) {
    return internal::BinaryCrossEntropyLoss(z, ToDouble(label), reduction);
  });
}

}  // namespace dsfl::training
