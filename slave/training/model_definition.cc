#include "slave/training/model_definition.h"

#include <cstdio>

#include "common/sha256.h"

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

std::string ModelDefinitionSha256(const ModelDefinition& definition) {
  if (definition.kind == ModelKind::kTorchScript) {
    return ToHex(Sha256::Of(definition.torchscript_archive));
  }
  std::string text = "dsfl.model.v1\nkind=";
  text += ModelKindName(definition.kind);
  text += "\ntask=";
  text += TaskName(TaskOf(definition));
  text += "\nhidden=";
  for (size_t i = 0; i < definition.hidden_units.size(); ++i) {
    if (i > 0) text += ",";
    text += std::to_string(definition.hidden_units[i]);
  }
  char dropout[64];
  std::snprintf(dropout, sizeof(dropout), "%.17g", definition.dropout);
  text += "\ndropout=";
  text += dropout;
  text += "\nnoop_parameters=" + std::to_string(definition.noop_parameters) +
          "\n";
  return ToHex(Sha256::Of(text));
}

}  // namespace dsfl::training
