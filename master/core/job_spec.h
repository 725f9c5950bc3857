// JobSpec: a federated training job as a coordinator writes it (JSON; every
// field with its default and unit is documented in docs/coordinator.md).
//
// ParseJobSpec validates everything once: types, ranges, the model type and
// its options, the columns each task needs, unknown keys (with did-you-mean)
// and the TorchScript file's pinned SHA-256. Relative paths are resolved
// against `base_dir` (the job file's directory). Errors name the field, e.g.
// "training.rounds: value 0 is outside [1, 100000]".
//
// A job names its slaves in exactly one way: a static "slaves" list, or a
// "dataspace" section (the master as a dataspace participant: slaves are
// discovered in the federated catalog and admitted per job, see
// docs/dataspace.md "Wiring admission into jobs"). A dataspace job needs
// mutual TLS (not "insecure").
#ifndef DSFL_MASTER_CORE_JOB_SPEC_H_
#define DSFL_MASTER_CORE_JOB_SPEC_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/status.h"
#include "connector-adapters/edc/participant.h"
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

// The job's "dataspace" section: the master as a participant (its DID, key,
// connector, CA, trusted issuers: edc::ParticipantConfig) and what it
// admits (docs/coordinator.md lists every field with its default).
struct DataspaceSpec {
  edc::ParticipantConfig participant;
  // Only datasets advertising this datasetProfile; "" = any profile.
  std::string profile;
  // Credential types every hospital must present (from a trusted issuer).
  std::vector<std::string> required_credentials = {"MembershipCredential"};
  // Overall limit for one contract negotiation to reach FINALIZED.
  absl::Duration negotiation_timeout = absl::Seconds(120);
  // The master's STS token endpoint; it mints the access token a slave
  // uses to query the master's CredentialService. "" = none.
  std::string sts_url;
  // Sent in Authorize (e.g. "dp.noise_multiplier" -> "1.1").
  std::map<std::string, std::string> privacy;
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
  // "float32" or "bfloat16": how models travel (docs/performance.md).
  WireFormat wire_format = WireFormat::kFloat32;
  // where
  std::vector<SlaveEndpoint> slaves;  // empty when `dataspace` is set
  std::optional<DataspaceSpec> dataspace;
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

// Only the "model" section of a job spec (the rest is not checked), with a
// TorchScript file read and its pinned SHA-256 checked: what `dsfl job
// model-hash` hashes with training::ModelDefinitionSha256.
StatusOr<ModelDefinition> ParseJobModel(const nlohmann::json& json,
                                        const std::string& base_dir);
StatusOr<ModelDefinition> LoadJobModel(const std::string& path);

// What a job asks a hospital to run, as the master sends it in Authorize
// (`model_sha256`) and a slave's allowed_model_sha256 list pins:
//   - training jobs: training::ModelDefinitionSha256 of the model;
//   - exact analyses: SHA-256 of "dsfl.analysis.v1\ntype=<cox|km|
//     concordance>\n", so a hospital allows each kind of disclosure-controlled
//     analysis on its own instead of by a model's hash.
// `dsfl job model-hash JOB.json` prints it.
std::string AdmissionSha256(const JobSpec& spec);
std::string AnalysisSha256(analytics::AnalysisSpec::Type type);
// The same for a job file: only the "model" section is read for training
// jobs (what model-hash needs), the whole spec for analysis jobs.
StatusOr<std::string> LoadAdmissionSha256(const std::string& path);

}  // namespace dsfl::master

#endif  // DSFL_MASTER_CORE_JOB_SPEC_H_
