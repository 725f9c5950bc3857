// The vocabulary of a federated job shared by the master core, the
// transports and the slave: what to train, on which columns, how.
// Plain data; no torch, no gRPC.
#ifndef DSFL_MASTER_CORE_JOB_TYPES_H_
#define DSFL_MASTER_CORE_JOB_TYPES_H_

#include <cstdint>
#include <string>

#include "common/model_stream.h"
#include "slave/training/examples.h"
#include "slave/training/model_definition.h"

namespace dsfl::master {

using training::ColumnMoments;
using training::ColumnRoles;
using training::ModelDefinition;
using training::ModelKind;
using training::OptimizerConfig;
using training::Standardization;
using training::Task;
using training::TrainingPlan;

struct JobContext {
  std::string job_id;
  uint32_t round = 0;
  // The slave's admission session (Authorize); "" outside the dataspace.
  // Filled in by the transport client that holds it.
  std::string session_id;
};

// Which columns to use and how to prepare them; the same on every slave.
struct DataSpec {
  Task task = Task::kBinary;
  ColumnRoles roles;
  double held_out_fraction = 0.2;
  uint64_t split_seed = 0;
  Standardization standardization;  // empty until computed federatedly
};

struct TrainCall {
  JobContext job;
  ModelDefinition model;
  TrainingPlan plan;
  DataSpec data;
  // How the models travel (common/model_stream.h): the master sends the
  // global model so, and the slave answers in the format it received (a
  // bfloat16 update is rounded before it is hashed).
  WireFormat wire_format = WireFormat::kFloat32;
};

struct EvaluateCall {
  JobContext job;
  ModelDefinition model;
  DataSpec data;
  WireFormat wire_format = WireFormat::kFloat32;
};

}  // namespace dsfl::master

#endif  // DSFL_MASTER_CORE_JOB_TYPES_H_
