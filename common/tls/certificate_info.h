// What a certificate says about its holder: subject common name,
// subjectAltNames and a SHA-256 fingerprint.
//
// Used to turn a peer certificate that TLS has already verified into an
// identity (e.g. the master checks which hospital a slave is, and later
// binds the certificate to the participant's DID by fingerprint). This does
// NOT verify anything; see certificate_verify.h for that.
//
// Errors: InvalidArgument for malformed PEM or names that cannot be
// represented safely (a DNS name or URI with an embedded NUL, an IP address
// that is neither 4 nor 16 bytes); Internal for OpenSSL failures.
// Threading: thread-safe.
#ifndef DSFL_COMMON_TLS_CERTIFICATE_INFO_H_
#define DSFL_COMMON_TLS_CERTIFICATE_INFO_H_

#include <openssl/x509.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace dsfl::tls {

struct CertificateInfo {
  std::string common_name;  // First subject CN (UTF-8); empty if none.
  std::vector<std::string> dns_names;     // SAN dNSName, in order.
  std::vector<std::string> ip_addresses;  // SAN iPAddress, inet_ntop form.
  std::vector<std::string> uris;          // SAN URI, e.g. "did:web:...".
  std::string sha256_fingerprint;         // Lower-case hex SHA-256 of the DER.
  std::string certificate_pem;            // The certificate, re-encoded as PEM.
};

// Inspects `cert` (borrowed).
StatusOr<CertificateInfo> InspectCertificate(X509* cert);

// Inspects the first certificate in `pem` (e.g. the leaf of a chain).
StatusOr<CertificateInfo> InspectCertificatePem(std::string_view pem);

}  // namespace dsfl::tls

#endif  // DSFL_COMMON_TLS_CERTIFICATE_INFO_H_
