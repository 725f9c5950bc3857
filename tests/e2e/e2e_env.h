// A test federation of real processes: a dev CA, certificates, lung shards
// split by institution, and dsfl-slave processes on free ports (port 0,
// read back from port files). Used by the end-to-end tests; everything
// lives in a fresh temporary directory and every process is killed when
// the environment is destroyed.
#ifndef DSFL_TESTS_E2E_E2E_ENV_H_
#define DSFL_TESTS_E2E_E2E_ENV_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/subprocess.h"
#include "common/tls/dev_ca.h"
#include "nlohmann/json.hpp"

namespace dsfl::e2e {

class E2eEnv {
 public:
  E2eEnv();
  ~E2eEnv();

  const std::string& dir() const { return dir_; }
  std::string Bin(const std::string& name) const;
  std::string Path(const std::string& relative) const;

  // Issues a key/cert pair named `name` from the main CA (or a foreign one)
  // into dir()/pki/<name>.{pem,key}.
  void Issue(const std::string& name, bool foreign_ca = false);

  // Writes the slave's config and starts it; returns its port. `shard` is
  // 0..2 (the demo's hospitals); `ca` the CA file (under pki/) the slave
  // trusts and chains to.
  int StartSlave(const std::string& name, int shard,
                 const std::string& ca = "ca.pem", bool insecure = false);
  Subprocess* slave(const std::string& name) { return slaves_.at(name).get(); }
  std::string SlaveLog(const std::string& name) const;

  // A DeepSurv job over the given slaves (name -> port).
  nlohmann::json Job(const std::vector<std::string>& slaves, int rounds,
                     int local_epochs, int min_clients) const;
  // Runs dsfl-master --json on `job`; returns its exit status and fills the
  // JSON lines it printed.
  int RunMaster(const nlohmann::json& job, std::vector<nlohmann::json>* lines,
                std::string* output);
  // Starts dsfl-master without waiting (output to dir()/master.log).
  std::unique_ptr<Subprocess> StartMaster(const nlohmann::json& job);

  static std::string ReadFile(const std::string& path);

 private:
  std::string dir_;
  std::unique_ptr<tls::DevCertificateAuthority> ca_;
  std::unique_ptr<tls::DevCertificateAuthority> foreign_ca_;
  std::vector<std::string> shards_;
  std::map<std::string, std::unique_ptr<Subprocess>> slaves_;
  std::map<std::string, int> ports_;
};

}  // namespace dsfl::e2e

#endif  // DSFL_TESTS_E2E_E2E_ENV_H_
