// What to train: the model architecture and how to train it locally.
// Plain C++ (no torch); parsed from the job spec by the master and carried to
// slaves in the Train/Evaluate request.
#ifndef DSFL_SLAVE_TRAINING_MODEL_DEFINITION_H_
#define DSFL_SLAVE_TRAINING_MODEL_DEFINITION_H_

#include <cstdint>
#include <string>
#include <vector>

namespace dsfl::training {

enum class ModelKind {
  kLogistic,     // linear logit, binary cross-entropy
  kMlp,          // MLP classifier (ReLU hidden layers), binary cross-entropy
  kCox,          // linear Cox PH, negative Breslow partial log-likelihood
  kDeepSurv,     // MLP risk score with the Cox loss
  kTorchScript,  // a TorchScript module shipped with the job
  kNoop,         // returns the model unchanged (transport benchmarks)
};

enum class Task { kBinary, kSurvival };

struct ModelDefinition {
  ModelKind kind = ModelKind::kLogistic;
  // kTorchScript only (built-ins imply their task).
  Task task = Task::kBinary;
  std::vector<int64_t> hidden_units;  // kMlp, kDeepSurv
  double dropout = 0.0;               // kMlp, kDeepSurv
  // kTorchScript: the serialized module (torch::jit::save format) and the
  // SHA-256 (lower-case hex) that the job pins. A mismatch is refused.
  std::string torchscript_archive;
  std::string torchscript_sha256;
  // kNoop: number of float32 parameters of the synthetic model.
  int64_t noop_parameters = 0;
};

struct OptimizerConfig {
  std::string name = "adam";  // "adam" or "sgd"
  double learning_rate = 0.01;
  double weight_decay = 0.0;
  double momentum = 0.0;  // sgd only
};

struct TrainingPlan {
  int64_t local_epochs = 1;
  int64_t batch_size = 0;  // 0 = full batch (the usual choice for Cox)
  OptimizerConfig optimizer;
  uint64_t seed = 0;  // per node and round; the master derives it
  // Compute in float64 instead of float32 (parameters are converted on entry
  // and rounded back to float32 on exit; the FlatModel stays float32).
  bool float64 = false;
};

// The task a model solves: kLogistic/kMlp -> kBinary, kCox/kDeepSurv ->
// kSurvival, kTorchScript/kNoop -> definition.task.
Task TaskOf(const ModelDefinition& definition);

// Human-readable names ("logistic", "mlp", "cox", "deepsurv", "torchscript",
// "noop"; "binary", "survival") for messages and logs.
const char* ModelKindName(ModelKind kind);
const char* TaskName(Task task);

// The model's identity for admission policy (a slave's allowed_model_sha256
// list, docs/dataspace.md), as lower-case hex SHA-256:
//   - kTorchScript: the SHA-256 of the archive bytes (what `sha256sum
//     model.pt` prints), so hospitals can pin a reviewed file;
//   - built-ins: the SHA-256 of the canonical text
//       "dsfl.model.v1\nkind=<name>\ntask=<name>\nhidden=<u1>,<u2>,...\n"
//       "dropout=<%.17g>\nnoop_parameters=<n>\n"
//     which names every field that changes what is trained.
// The master computes it for Authorize; the slave recomputes it from each
// model it is asked to initialise or train and refuses a mismatch.
// `dsfl job model-hash JOB.json` prints it.
std::string ModelDefinitionSha256(const ModelDefinition& definition);

}  // namespace dsfl::training

#endif  // DSFL_SLAVE_TRAINING_MODEL_DEFINITION_H_
