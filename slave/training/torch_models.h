// Internal to dsfl_training: the libtorch side of the model zoo.
//
// Included only by the library's torch translation units (torch_models.cc,
// trainer.cc); the public headers stay torch-free. Functions here may throw
// c10::Error / std::exception (callers convert them to Status at the public
// boundary) and ContractViolation (converted to InvalidArgument).
//
// Thread-compatibility: a TorchModel is used by one thread at a time.
#ifndef DSFL_SLAVE_TRAINING_TORCH_MODELS_H_
#define DSFL_SLAVE_TRAINING_TORCH_MODELS_H_

#include <torch/torch.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/flat_model.h"
#include "common/status.h"
#include "slave/training/losses.h"
#include "slave/training/model_definition.h"

namespace dsfl::training::internal {

// A caller-side contract broken inside a torch computation (e.g. a
// TorchScript module returning the wrong shape): maps to InvalidArgument.
class ContractViolation : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A model that maps features [n, p] to one score per row [n]: a logit for
// kBinary, a log relative hazard for kSurvival.
class TorchModel {
 public:
  virtual ~TorchModel() = default;

  // Parameters in torch's named_parameters() order; the tensors alias the
  // model's storage.
  virtual std::vector<std::pair<std::string, torch::Tensor>>
  NamedParameters() = 0;
  virtual torch::Tensor Forward(const torch::Tensor& x) = 0;
  virtual void SetTraining(bool training) = 0;
  virtual void ToDtype(torch::Dtype dtype) = 0;
};

// Validates `definition` and builds its architecture for `num_features`
// inputs. Built-ins take torch's default initialisation from the global
// generator (hold GlobalRngMutex() and seed it first for reproducibility);
// kTorchScript checks the archive's SHA-256 against the pinned digest and
// loads it. kNoop has no torch model (InvalidArgument).
StatusOr<std::unique_ptr<TorchModel>> BuildTorchModel(
    const ModelDefinition& definition, int64_t num_features);

// Serialises every use of torch's global generator (manual_seed, default
// initialisation, dropout) inside dsfl_training.
std::mutex& GlobalRngMutex();

ModelSpec SpecOf(TorchModel& model);
// Float32 copy of the parameters.
FlatModel ExportFlat(TorchModel& model);
// Checks names, shapes and size against the model, then copies the values
// in (converting to the model's dtype). InvalidArgument on mismatch.
Status ImportFlat(const FlatModel& flat, TorchModel* model);
// True iff every parameter value is finite.
bool ParametersFinite(TorchModel& model);

// The Cox loss of losses.h on tensors of any floating dtype; `risk` is [n]
// or [n, 1], `time` and `event` are [n] of any dtype. Computed in risk's
// dtype; differentiable with respect to `risk`. O(n log n).
torch::Tensor CoxBreslowLoss(const torch::Tensor& risk,
                             const torch::Tensor& time,
                             const torch::Tensor& event,
                             LossReduction reduction);

// Binary cross-entropy with logits (losses.h), in logits' dtype.
torch::Tensor BinaryCrossEntropyLoss(const torch::Tensor& logits,
                                     const torch::Tensor& label,
                                     LossReduction reduction);

// "libtorch: <message without C++ backtrace>" for a caught exception.
std::string DescribeTorchError(const std::exception& error);

}  // namespace dsfl::training::internal

#endif  // DSFL_SLAVE_TRAINING_TORCH_MODELS_H_
