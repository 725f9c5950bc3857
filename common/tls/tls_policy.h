// Process-wide TLS policy: TLS 1.3 only.
//
// Why this approach: gRPC 1.51 (Debian 12) has no public API to set the
// minimum TLS version of SslCredentials/SslServerCredentials (its
// TlsCredentialsOptions gained set_min_tls_version only later), and
// cpp-httplib 0.11 creates its SSL_CTX internally. Both use the system
// OpenSSL 3.0, and OpenSSL applies the "system_default" section of the
// loaded ssl_conf module to every SSL_CTX at SSL_CTX_new(). So we load an
// OpenSSL configuration programmatically (NCONF from a memory BIO +
// CONF_modules_load) whose system_default section says:
//
//   MinProtocol = TLSv1.3
//   Protocol    = -SSLv3, -TLSv1, -TLSv1.1, -TLSv1.2
//
// MinProtocol alone is not enough: gRPC calls
// SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) on its contexts after
// SSL_CTX_new(), which overrides it. The Protocol line sets the
// SSL_OP_NO_TLSv1_2 (etc.) options, which a later set_min_proto_version
// does not clear, so the context still refuses TLS 1.2. Both are verified
// by tests/unit/tls (in-memory handshakes and a raw TLS 1.2 client against
// a gRPC server).
//
// The section also keeps the distribution's "CipherString =
// DEFAULT:@SECLEVEL=2" baseline. It replaces any ssl_conf loaded earlier
// (from openssl.cnf / OPENSSL_CONF); the OpenSSL default configuration is
// loaded first so it cannot override this one later.
//
// Scope and threading: affects SSL_CTXs created AFTER the call, in this
// process, by any library using the system OpenSSL. Call it once at startup,
// before creating gRPC credentials, servers or channels and before starting
// threads that may create SSL contexts. Repeated calls are cheap no-ops;
// concurrent calls are serialized.
//
// Errors: Internal if OpenSSL rejects the configuration, or if a context
// created afterwards does not carry the policy (self-check).
#ifndef DSFL_COMMON_TLS_TLS_POLICY_H_
#define DSFL_COMMON_TLS_TLS_POLICY_H_

#include "common/status.h"

namespace dsfl::tls {

Status RequireTls13ProcessWide();

// True if an SSL_CTX created now gets the TLS 1.3-only policy (minimum
// version TLS 1.3 and TLS 1.2 disabled). For health checks and tests.
bool NewContextsRequireTls13();

}  // namespace dsfl::tls

#endif  // DSFL_COMMON_TLS_TLS_POLICY_H_
