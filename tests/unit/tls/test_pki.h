// Test helpers: raw OpenSSL verification (an oracle independent of the
// library under test) and a small PKI of two unrelated dev CAs.
#ifndef DSFL_TESTS_UNIT_TLS_TEST_PKI_H_
#define DSFL_TESTS_UNIT_TLS_TEST_PKI_H_

#include <string>

#include "common/tls/dev_ca.h"

namespace dsfl::tls::testing {

// X509_verify_cert of `cert_pem` against the single root `ca_pem` with
// X509_V_FLAG_X509_STRICT and `purpose` (X509_PURPOSE_SSL_SERVER, ...; 0 for
// none). Returns "" on success, else OpenSSL's verification error string.
std::string VerifyWithOpenSsl(const std::string& ca_pem,
                              const std::string& cert_pem, int purpose);

// Issues a leaf or aborts the test binary (for fixtures).
PemKeyCert MustIssue(const DevCertificateAuthority& ca,
                     const CertificateRequest& request);
DevCertificateAuthority MustCreateCa(const std::string& common_name);

}  // namespace dsfl::tls::testing

#endif  // DSFL_TESTS_UNIT_TLS_TEST_PKI_H_
