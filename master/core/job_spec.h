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

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/status.h"
#include "master/analytics/analysis_spec.h"
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
  // An exact federated survival analysis ("analysis": {"type": "cox" |
  // "km", ...}, see docs/survival.md) instead of training; "model" and
  // "data" are then optional and unused.
  std::optional<analytics::AnalysisSpec> analysis;
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
  std::string spec_sha256;  // of the spec as given (for the audit log)
};

// Parses a list of slave endpoints ({"id", "endpoint", "tls_name"}), as in
// a job's "slaves" or the daemon's node registry; errors name `path`[i].
StatusOr<std::vector<SlaveEndpoint>> ParseSlaveEndpoints(
    const nlohmann::json& list, const std::string& path);

StatusOr<JobSpec> ParseJobSpec(const nlohmann::json& json,
                               const std::string& base_dir);
StatusOr<JobSpec> LoadJobSpec(const std::string& path);

}  // namespace dsfl::master

#endif  // DSFL_MASTER_CORE_JOB_SPEC_H_
