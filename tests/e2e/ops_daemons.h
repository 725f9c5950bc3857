// Test helpers for the operations e2e tests (concurrent jobs, reloads,
// metrics, log formats): dsfl-slave processes with their /metrics enabled,
// and a dsfl-master daemon process driven through its HTTPS admin API (a
// real httplib client verifying the daemon's certificate, with the bearer
// token) and the `dsfl` CLI. Ports are all 0, read back from port files.
#ifndef DSFL_TESTS_E2E_OPS_DAEMONS_H_
#define DSFL_TESTS_E2E_OPS_DAEMONS_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/subprocess.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/e2e_env.h"

namespace dsfl::e2e {

struct MeteredSlave {
  std::string name;
  int port = 0;
  int metrics_port = 0;
  std::unique_ptr<Subprocess> process;
};

// Issues `name`'s certificate and starts dsfl-slave on shard `shard` (0..2)
// with metrics_listen 127.0.0.1:0 and any `extra_args`; logs to
// env->Path(name + "/slave.log").
MeteredSlave StartMeteredSlave(E2eEnv* env, const std::string& name, int shard,
                               const std::vector<std::string>& extra_args = {});

// The node registry entries for `slaves`.
nlohmann::json Registry(const std::vector<MeteredSlave>& slaves);

// GET http://127.0.0.1:<port>/metrics; "" when unreachable.
std::string ScrapeMetrics(int port);
// The value of the sample `series` (name with labels, exactly as rendered,
// e.g. `dsfl_rounds_total` or `dsfl_jobs{state="queued"}`), or -1.
double MetricValue(const std::string& page, const std::string& series);

class MasterDaemonProcess {
 public:
  // Writes <dir>/master.json: state, admin API (the e2e PKI's master
  // certificate, a token), the federation TLS files `tls` (ca, cert, key),
  // the registry and metrics_listen 127.0.0.1:0; `extra` is merged in.
  MasterDaemonProcess(E2eEnv* env, const std::string& name,
                      const nlohmann::json& tls, const nlohmann::json& registry,
                      const nlohmann::json& extra = nlohmann::json::object());

  // Starts dsfl-master --config (plus `extra_args`) and waits for its ports.
  void Start(const std::vector<std::string>& extra_args = {});
  Subprocess* process() { return process_.get(); }
  std::string Log() const;
  const std::string& dir() const { return dir_; }
  int metrics_port() const { return metrics_port_; }

  // POST /v1/jobs; returns the id ("" on failure, with a test failure).
  std::string Submit(const nlohmann::json& spec);
  // GET /v1/jobs/<id> (the job with its rounds).
  nlohmann::json Status(const std::string& id);
  // GET /v1/jobs/<id>/model: the model file's bytes and X-Model-Digest.
  std::string Model(const std::string& id, std::string* digest_header);
  // `dsfl job watch ID`: blocks until the job ends; returns the exit code.
  int Watch(const std::string& id, std::string* output);
  // The master's audit log records (parsed lines of state/audit.jsonl).
  std::vector<nlohmann::json> AuditRecords() const;

 private:
  E2eEnv* env_;
  std::string dir_;
  int admin_port_ = 0;
  int metrics_port_ = 0;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace dsfl::e2e

#endif  // DSFL_TESTS_E2E_OPS_DAEMONS_H_
