// Local training and evaluation with libtorch (CPU).
//
// These functions run on a slave's worker thread, never on a gRPC thread.
// They are pure with respect to their inputs: the model arrives as a
// FlatModel (ordered named float32 tensors) and leaves as one, so the caller
// owns all state. Deterministic for a fixed plan.seed and thread count.
//
// Errors: InvalidArgument when the model does not match the definition (names
// and shapes are checked against the architecture), when the TorchScript
// archive's SHA-256 differs from the pinned one, or the data has the wrong
// width; Cancelled when *cancel becomes true (checked between steps);
// Internal for libtorch exceptions (caught here, message kept); and
// FailedPrecondition when training produces a non-finite loss or parameter
// (the update is never returned then).
//
// Threading and determinism: Train and InitializeModel seed torch's global
// generator (torch::manual_seed) and hold a process-wide lock for their whole
// duration, so concurrent calls run one after the other and stay
// reproducible; Evaluate takes the lock only while building the model.
// Results are bit-identical for the same inputs, seed and thread count
// (SetTrainingThreads) on the same machine and libtorch build.
//
// Training semantics (see docs/models.md): a fresh optimizer per call (no
// optimizer state crosses rounds); batch_size 0 (or >= rows) = one full batch
// per epoch, otherwise the rows are reshuffled every epoch with a splitmix64
// generator seeded by plan.seed and cut into consecutive minibatches (the
// last may be smaller); the Cox loss of a minibatch uses the minibatch's own
// risk sets, and a minibatch without events takes no step. Losses are means
// (per row for cross-entropy, per event for Cox).
#ifndef DSFL_SLAVE_TRAINING_TRAINER_H_
#define DSFL_SLAVE_TRAINING_TRAINER_H_

#include <atomic>
#include <functional>
#include <optional>

#include "common/flat_model.h"
#include "common/status.h"
#include "slave/training/examples.h"
#include "slave/training/model_definition.h"

namespace dsfl::training {

struct TrainOutcome {
  FlatModel model;
  // True when `model` is the global model, unchanged (kNoop): its digest is
  // the received model's, so nobody needs to hash it again.
  bool model_is_global = false;
  int64_t num_examples = 0;
  double loss_before = 0.0;  // on the local training data, global model
  double loss_after = 0.0;   // after local training
};

struct EvalOutcome {
  int64_t num_examples = 0;
  double loss = 0.0;
  std::optional<double> c_index;  // kSurvival: Harrell's C
  std::optional<double> auc;      // kBinary
};

// Called after each local epoch with (epoch starting at 1, training loss =
// mean of the epoch's minibatch losses weighted by minibatch rows, each taken
// before its step). Runs on the training thread with the training lock held:
// it must not call Train/InitializeModel/Evaluate.
using ProgressFn = std::function<void(int64_t epoch, double loss)>;

// Builds the architecture with torch's default initialisation under
// torch::manual_seed(seed) and returns its parameters. kTorchScript returns
// the archive's parameters (after the SHA-256 check); kNoop returns
// `noop_parameters` zeros named "weights".
StatusOr<FlatModel> InitializeModel(const ModelDefinition& definition,
                                    int64_t num_features, uint64_t seed);

// Trains `global` on `data` for plan.local_epochs and returns the update.
// `cancel` may be null; `progress` may be empty. loss_before/loss_after are
// full-data losses in evaluation mode (no dropout). kNoop returns `global`
// unchanged with num_examples = data.num_rows and zero losses. Zero training
// rows is InvalidArgument for the torch models.
StatusOr<TrainOutcome> Train(const ModelDefinition& definition,
                             const TrainingPlan& plan, const FlatModel& global,
                             const Examples& data,
                             const std::atomic<bool>* cancel,
                             const ProgressFn& progress);

// The same, taking ownership of `global`: kNoop returns it as the update
// without copying it (the update is the received buffer; saves a model-sized
// copy and its page faults per round), the torch models train from it as
// above and free it when they return. `global` is left empty in all cases.
StatusOr<TrainOutcome> Train(const ModelDefinition& definition,
                             const TrainingPlan& plan, FlatModel&& global,
                             const Examples& data,
                             const std::atomic<bool>* cancel,
                             const ProgressFn& progress);

// Loss (mean, evaluation mode) and C-index (kSurvival, model output = risk)
// or AUC (kBinary, output = logit) on `data`. A metric that is undefined on
// the data (no comparable pair, one class) is nullopt. Zero rows gives
// num_examples 0, loss 0 and no metric. A non-finite loss is
// FailedPrecondition.
StatusOr<EvalOutcome> Evaluate(const ModelDefinition& definition,
                               const FlatModel& model, const Examples& data);

// Sets libtorch's intra-op thread count (torch::set_num_threads) to
// max(n, 1) and, on the first call in the process only, the inter-op thread
// count (torch::set_num_interop_threads may be set once, before any inter-op
// work; later calls leave it unchanged). Call at slave start-up, before
// training. Never fails (libtorch errors are ignored). Thread-safe.
void SetTrainingThreads(int n);

}  // namespace dsfl::training

#endif  // DSFL_SLAVE_TRAINING_TRAINER_H_
