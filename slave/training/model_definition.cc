#include "slave/training/model_definition.h"

namespace dsfl::training {

Task TaskOf(const ModelDefinition& definition) {
  switch (definition.kind) {
    case ModelKind::kLogistic:
    case ModelKind::kMlp:
      return Task::kBinary;
    case ModelKind::kCox:
    case ModelKind::kDeepSurv:
      return Task::kSurvival;
    case ModelKind::kTorchScript:
    case ModelKind::kNoop:
      return definition.task;
  }
  return definition.task;
}

const char* ModelKindName(ModelKind kind) {
  switch (kind) {
    case ModelKind::kLogistic:
      return "logistic";
    case ModelKind::kMlp:
      return "mlp";
    case ModelKind::kCox:
      return "cox";
    case ModelKind::kDeepSurv:
      return "deepsurv";
    case ModelKind::kTorchScript:
      return "torchscript";
    case ModelKind::kNoop:
      return "noop";
  }
  return "unknown";
}

const char* TaskName(Task task) {
  switch (task) {
    case Task::kBinary:
      return "binary";
    case Task::kSurvival:
      return "survival";
  }
  return "unknown";
}

}  // namespace dsfl::training
