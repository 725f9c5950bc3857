// SlaveConfig: the dsfl-slave JSON config, typed and validated once at
// start-up. Every key is documented in deploy/examples/slave.json and
// docs/operations.md. Errors name the key by path ("limits.min_rows: value
// 0 is outside [1, 1000000000]"); unknown keys are errors with a
// did-you-mean. Relative paths resolve against the config file's directory.
#ifndef DSFL_SLAVE_SERVER_SLAVE_CONFIG_H_
#define DSFL_SLAVE_SERVER_SLAVE_CONFIG_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/status.h"
#include "connector-adapters/edc/participant.h"
#include "nlohmann/json.hpp"
#include "slave/core/slave_core.h"

namespace dsfl::slave {

// The optional "dataspace" section (docs/dataspace.md, docs/operations.md):
// this node as a dataspace participant, and its admission policy. Absent =
// a static federation (no Authorize, no session checks).
struct DataspaceConfig {
  // did, key, key_id, connector, https_ca, allow_http_did, trusted_issuers.
  edc::ParticipantConfig participant;
  std::string dataset_id;  // the asset every agreement must name
  // CA file a master certificate naming its DID (URI SAN) must chain to;
  // "" = the slave's tls.ca.
  std::string federation_ca;
  // "policy": credential types the master must present from a trusted
  // issuer; the model hashes admitted (lower-case hex, empty = any model);
  // the minimum cohort; the privacy settings a job must carry.
  std::vector<std::string> required_master_credentials = {
      "FederatedModelCreatorCredential"};
  std::vector<std::string> allowed_model_sha256;
  int64_t min_cohort = 0;
  std::vector<std::string> required_privacy_settings;
  // Sessions not used for this long expire.
  absl::Duration session_idle_timeout = absl::Hours(24);
};

struct SlaveConfig {
  SlaveIdentity identity;
  std::string listen = "127.0.0.1:0";  // host:port; port 0 = any free port
  std::string port_file;  // if set, the bound port is written here
  std::string tls_ca;     // CA that client (master) certificates chain to
  std::string tls_cert;
  std::string tls_key;
  nlohmann::json data_source;  // validated by dataproxy::MakeDataSource
  SlaveLimits limits;
  // The signed, hash-chained audit log (docs/audit.md); empty = disabled,
  // with a warning at start-up.
  std::string audit_log;
  std::string audit_key;
  std::optional<DataspaceConfig> dataspace;
  std::string config_sha256;  // of the config file, for node.start
  // Of the config without its "dataspace" section: what a reload cannot
  // apply (a change needs a restart).
  std::string restart_sha256;
  std::string config_path;
  int worker_threads = 1;
  int torch_threads = 1;
  // Prometheus /metrics over plain HTTP (slave/server/slave_metrics.h):
  // host:port, "" = off; port 0 = any, written to metrics_port_file.
  std::string metrics_listen = "127.0.0.1:0";
  std::string metrics_port_file;
  std::string log_format = "text";  // "text" or "json" (common/logging.h)
};

StatusOr<SlaveConfig> ParseSlaveConfig(const nlohmann::json& json,
                                       const std::string& base_dir);
StatusOr<SlaveConfig> LoadSlaveConfig(const std::string& path);

}  // namespace dsfl::slave

#endif  // DSFL_SLAVE_SERVER_SLAVE_CONFIG_H_
