// The demo's dev PKI (common/tls/dev_ca.h) in <work>/pki: one CA, then
// certificates written as <name>.pem / <name>.key (mode 0600). Hospital and
// master certificates name the participant's DID as a URI SAN, so that the
// peers' TLS keys bind to their DIDs (docs/dataspace.md, binding path b).
//
// Errors: the CA's (InvalidArgument) and file errors naming the path.
// Ownership: DemoPki owns the CA. Threading: one owner.
#ifndef DSFL_CLI_DEMO_PKI_H_
#define DSFL_CLI_DEMO_PKI_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "common/tls/dev_ca.h"

namespace dsfl::cli {

class DemoPki {
 public:
  // A new CA, written to <dir>/ca.pem and ca.key.
  static StatusOr<DemoPki> Create(const std::string& dir);

  // <dir>/<name>.{pem,key} valid for DNS `name` and "localhost", IP
  // 127.0.0.1, and the URIs given (DIDs); client and server use unless
  // `server_only`.
  Status Issue(const std::string& name, const std::vector<std::string>& uris,
               bool server_only = false);

  std::string ca_file() const { return dir_ + "/ca.pem"; }
  std::string cert_file(const std::string& name) const {
    return dir_ + "/" + name + ".pem";
  }
  std::string key_file(const std::string& name) const {
    return dir_ + "/" + name + ".key";
  }

 private:
  DemoPki(std::string dir, tls::DevCertificateAuthority ca)
      : dir_(std::move(dir)), ca_(std::move(ca)) {}
  std::string dir_;
  tls::DevCertificateAuthority ca_;
};

}  // namespace dsfl::cli

#endif  // DSFL_CLI_DEMO_PKI_H_
