// A development certificate authority for demos and tests.
//
// Creates a self-signed CA (ECDSA P-256, SHA-256) and issues leaf
// certificates with subjectAltNames (DNS names, IP addresses, URIs such as a
// participant's DID) and the server and/or client extended key usage. Real
// deployments use the hospital's PKI; this exists so that `dsfl demo` and the
// tests run real mutual TLS without any external tooling.
//
// Errors: Internal for OpenSSL failures (with the OpenSSL error string),
// InvalidArgument for malformed PEM input or a bad IP address.
// Thread-compatibility: const methods may be called concurrently.
#ifndef DSFL_COMMON_TLS_DEV_CA_H_
#define DSFL_COMMON_TLS_DEV_CA_H_

#include <string>
#include <vector>

#include "common/status.h"

namespace dsfl::tls {

struct PemKeyCert {
  std::string private_key_pem;  // PKCS#8
  std::string certificate_pem;
};

struct CertificateRequest {
  std::string common_name;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;  // "127.0.0.1", "::1"
  std::vector<std::string> uris;          // e.g. "did:web:hospital-a.example"
  bool server_auth = true;
  bool client_auth = true;
  int validity_days = 365;
};

class DevCertificateAuthority {
 public:
  // A new self-signed CA: basicConstraints CA:TRUE, pathlen:0 (critical),
  // keyUsage keyCertSign, cRLSign (critical), subjectKeyIdentifier.
  // InvalidArgument for an empty or over-long (> 64 bytes) common name or
  // validity_days outside [1, 36500].
  static StatusOr<DevCertificateAuthority> Create(
      const std::string& common_name, int validity_days = 3650);
  // A CA saved earlier (e.g. by `dsfl demo`). InvalidArgument if either PEM
  // is malformed, the key does not belong to the certificate, or the
  // certificate is not a CA. The accessors return the input re-encoded
  // (PKCS#8 key, PEM certificate).
  static StatusOr<DevCertificateAuthority> Load(std::string private_key_pem,
                                                std::string certificate_pem);

  const std::string& certificate_pem() const { return ca_.certificate_pem; }
  const std::string& private_key_pem() const { return ca_.private_key_pem; }

  // A fresh key pair and a leaf certificate for it: CA:FALSE, keyUsage
  // digitalSignature, extendedKeyUsage per request, SAN DNS/IP/URI,
  // subject and authority key identifiers; notAfter is clamped to the CA's.
  // InvalidArgument for a bad common name, IP address, DNS name or URI (not
  // printable ASCII), validity_days, or neither server_auth nor client_auth.
  StatusOr<PemKeyCert> Issue(const CertificateRequest& request) const;

 private:
  explicit DevCertificateAuthority(PemKeyCert ca) : ca_(std::move(ca)) {}
  PemKeyCert ca_;
};

}  // namespace dsfl::tls

#endif  // DSFL_COMMON_TLS_DEV_CA_H_
