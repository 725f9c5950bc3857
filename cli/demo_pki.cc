#include "cli/demo_pki.h"

#include "common/model_file.h"

namespace dsfl::cli {

StatusOr<DemoPki> DemoPki::Create(const std::string& dir) {
  DSFL_ASSIGN_OR_RETURN(auto ca,
                        tls::DevCertificateAuthority::Create("dsfl demo CA"));
  DSFL_RETURN_IF_ERROR(
      WriteFileAtomically(dir + "/ca.pem", ca.certificate_pem()));
  DSFL_RETURN_IF_ERROR(
      WriteFileAtomically(dir + "/ca.key", ca.private_key_pem(), 0600));
  return DemoPki(dir, std::move(ca));
}

Status DemoPki::Issue(const std::string& name,
                      const std::vector<std::string>& uris, bool server_only) {
  tls::CertificateRequest request;
  request.common_name = name;
  request.dns_names = {name};
  if (name != "localhost") request.dns_names.push_back("localhost");
  request.ip_addresses = {"127.0.0.1"};
  request.uris = uris;
  request.client_auth = !server_only;
  DSFL_ASSIGN_OR_RETURN(tls::PemKeyCert pair, ca_.Issue(request));
  DSFL_RETURN_IF_ERROR(
      WriteFileAtomically(cert_file(name), pair.certificate_pem));
  return WriteFileAtomically(key_file(name), pair.private_key_pem, 0600);
}

}  // namespace dsfl::cli
