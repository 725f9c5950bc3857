// Offline checks of key/certificate files before they are handed to TLS.
//
// gRPC accepts any bytes as credentials and only fails at handshake time,
// with an opaque error on the *peer*. These checks run at startup so a
// misconfigured node fails fast with a message naming the problem. They
// apply the same rules as the TLS handshake (X509_verify_cert with the
// default flags, at the current time), not stricter ones.
//
// Errors: InvalidArgument for malformed PEM, a key that does not match the
// certificate, or a certificate that does not verify (with OpenSSL's
// verification error, e.g. "certificate has expired").
// Threading: thread-safe.
#ifndef DSFL_COMMON_TLS_CERTIFICATE_VERIFY_H_
#define DSFL_COMMON_TLS_CERTIFICATE_VERIFY_H_

#include <string_view>

#include "common/status.h"

namespace dsfl::tls {

enum class CertificatePurpose {
  kAny,     // Chain and validity only.
  kServer,  // Also extendedKeyUsage serverAuth (if the EKU is present).
  kClient,  // Also extendedKeyUsage clientAuth (if the EKU is present).
};

// Verifies the first certificate of `cert_chain_pem` against the trusted
// roots in `ca_pem` (one or more certificates); any further certificates in
// `cert_chain_pem` are untrusted intermediates.
Status VerifyCertificate(std::string_view ca_pem,
                         std::string_view cert_chain_pem,
                         CertificatePurpose purpose);

// OK iff `key_pem` is the private key of the first certificate in
// `cert_pem`.
Status CheckKeyMatchesCertificate(std::string_view key_pem,
                                  std::string_view cert_pem);

}  // namespace dsfl::tls

#endif  // DSFL_COMMON_TLS_CERTIFICATE_VERIFY_H_
