#include "common/tls/certificate_verify.h"

#include "absl/strings/str_cat.h"
#include "common/tls/openssl_util.h"

namespace dsfl::tls {
namespace {

int OpenSslPurpose(CertificatePurpose purpose) {
  switch (purpose) {
    case CertificatePurpose::kServer:
      return X509_PURPOSE_SSL_SERVER;
    case CertificatePurpose::kClient:
      return X509_PURPOSE_SSL_CLIENT;
    case CertificatePurpose::kAny:
      break;
  }
  return 0;
}

}  // namespace

Status VerifyCertificate(std::string_view ca_pem,
                         std::string_view cert_chain_pem,
                         CertificatePurpose purpose) {
  DSFL_ASSIGN_OR_RETURN(UniqueX509Stack roots,
                        ParseCertificateChainPem(ca_pem));
  DSFL_ASSIGN_OR_RETURN(UniqueX509Stack chain,
                        ParseCertificateChainPem(cert_chain_pem));
  UniqueX509Store store(X509_STORE_new());
  if (store == nullptr) return OpenSslError("X509_STORE_new");
  for (int i = 0; i < sk_X509_num(roots.get()); ++i) {
    if (X509_STORE_add_cert(store.get(), sk_X509_value(roots.get(), i)) != 1) {
      return OpenSslError("X509_STORE_add_cert");
    }
  }
  X509* leaf = sk_X509_value(chain.get(), 0);
  UniqueX509StoreCtx ctx(X509_STORE_CTX_new());
  if (ctx == nullptr ||
      X509_STORE_CTX_init(ctx.get(), store.get(), leaf, chain.get()) != 1) {
    return OpenSslError("X509_STORE_CTX_init");
  }
  const int openssl_purpose = OpenSslPurpose(purpose);
  if (openssl_purpose != 0 &&
      X509_STORE_CTX_set_purpose(ctx.get(), openssl_purpose) != 1) {
    return OpenSslError("X509_STORE_CTX_set_purpose");
  }
  if (X509_verify_cert(ctx.get()) != 1) {
    const int error = X509_STORE_CTX_get_error(ctx.get());
    ClearOpenSslErrors();
    return absl::InvalidArgumentError(
        absl::StrCat("certificate does not verify against the CA: ",
                     X509_verify_cert_error_string(error)));
  }
  return absl::OkStatus();
}

Status CheckKeyMatchesCertificate(std::string_view key_pem,
                                  std::string_view cert_pem) {
  DSFL_ASSIGN_OR_RETURN(UniqueEvpPkey key, ParsePrivateKeyPem(key_pem));
  DSFL_ASSIGN_OR_RETURN(UniqueX509 cert, ParseCertificatePem(cert_pem));
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        "private key does not match the certificate");
  }
  return absl::OkStatus();
}

}  // namespace dsfl::tls
