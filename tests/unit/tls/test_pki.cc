#include "tests/unit/tls/test_pki.h"

#include <cstdio>
#include <cstdlib>

#include "common/tls/openssl_util.h"

namespace dsfl::tls::testing {

std::string VerifyWithOpenSsl(const std::string& ca_pem,
                              const std::string& cert_pem, int purpose) {
  auto ca = ParseCertificatePem(ca_pem);
  auto cert = ParseCertificatePem(cert_pem);
  if (!ca.ok()) return std::string(ca.status().message());
  if (!cert.ok()) return std::string(cert.status().message());
  UniqueX509Store store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), ca->get());
  X509_STORE_set_flags(store.get(), X509_V_FLAG_X509_STRICT);
  UniqueX509StoreCtx ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), cert->get(), nullptr);
  if (purpose != 0) X509_STORE_CTX_set_purpose(ctx.get(), purpose);
  if (X509_verify_cert(ctx.get()) == 1) return "";
  return X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
}

PemKeyCert MustIssue(const DevCertificateAuthority& ca,
                     const CertificateRequest& request) {
  auto issued = ca.Issue(request);
  if (!issued.ok()) {
    std::fprintf(stderr, "Issue(%s): %s\n", request.common_name.c_str(),
                 issued.status().ToString().c_str());
    std::abort();
  }
  return *std::move(issued);
}

DevCertificateAuthority MustCreateCa(const std::string& common_name) {
  auto ca = DevCertificateAuthority::Create(common_name);
  if (!ca.ok()) {
    std::fprintf(stderr, "Create(%s): %s\n", common_name.c_str(),
                 ca.status().ToString().c_str());
    std::abort();
  }
  return *std::move(ca);
}

}  // namespace dsfl::tls::testing
