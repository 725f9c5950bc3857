// SlaveConfig: the dsfl-slave JSON config, typed and validated once at
// start-up. Every key is documented in deploy/examples/slave.json and
// docs/operations.md. Errors name the key by path ("limits.min_rows: value
// 0 is outside [1, 1000000000]"); unknown keys are errors with a
// did-you-mean. Relative paths resolve against the config file's directory.
#ifndef DSFL_SLAVE_SERVER_SLAVE_CONFIG_H_
#define DSFL_SLAVE_SERVER_SLAVE_CONFIG_H_

#include <string>

#include "common/status.h"
#include "nlohmann/json.hpp"
#include "slave/core/slave_core.h"

namespace dsfl::slave {

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
  std::string config_sha256;  // of the config file, for node.start
  std::string config_path;
  int worker_threads = 1;
  int torch_threads = 1;
};

StatusOr<SlaveConfig> ParseSlaveConfig(const nlohmann::json& json,
                                       const std::string& base_dir);
StatusOr<SlaveConfig> LoadSlaveConfig(const std::string& path);

}  // namespace dsfl::slave

#endif  // DSFL_SLAVE_SERVER_SLAVE_CONFIG_H_
