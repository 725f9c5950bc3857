// JobSpec: a federated training job as a coordinator writes it (JSON; every
// field with its default and unit is documented in docs/coordinator.md).
//
// ParseJobSpec validates everything once: types, ranges, the model type and
// its options, the columns each task needs, unknown keys (with did-you-mean)
// and the TorchScript file's pinned SHA-256. Relative paths are resolved
// against `base_dir` (the job file's directory). Errors name the field, e.g.
// "training.rounds: value 0 is outside [1, 100000]".
#ifndef DSFL_MASTER_CORE_JOB_SPEC_H_
#define DSFL_MASTER_CORE_JOB_SPEC_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/status.h"
#include "master/core/job_types.h"
#include "nlohmann/json.hpp"

namespace dsfl::master {

struct SlaveEndpoint {
  std::string id;
  std::string address;   // host:port
  std::string tls_name;  // expected name in the slave's certificate
};

struct TlsPaths {
  std::string ca;
  std::string cert;
  std::string key;
};

struct JobSpec {
  std::string job_id;
  ModelDefinition model;
  DataSpec data;
  TrainingPlan plan;
  uint32_t rounds = 10;
  // federation
  double fraction_fit = 1.0;
  uint32_t min_clients = 1;
  absl::Duration round_timeout = absl::Minutes(10);
  size_t max_parallel = 0;
  uint32_t evaluate_every = 1;
  uint64_t seed = 0;
  uint32_t chunk_bytes = 1u << 20;
  // where
  std::vector<SlaveEndpoint> slaves;
  TlsPaths tls;
  bool insecure = false;
  std::string output_dir;
};

StatusOr<JobSpec> ParseJobSpec(const nlohmann::json& json,
                               const std::string& base_dir);
StatusOr<JobSpec> LoadJobSpec(const std::string& path);

}  // namespace dsfl::master

#endif  // DSFL_MASTER_CORE_JOB_SPEC_H_
