// TlsKeyBinding: is a gRPC peer's TLS certificate bound to a participant's
// DID? (Flow 1 step 4, docs/dataspace.md.) Bound when either
//   (a) the certificate's public key (P-256 or Ed25519) equals the key of a
//       verification method in the participant's DID document, or
//   (b) the certificate names the DID as a URI subjectAltName AND chains
//       to one of the configured CA certificates (`ca_pem`), verified here
//       (not assumed from the handshake).
// (b) can be disabled by leaving `ca_pem` empty.
//
// Errors: refusal kTlsKeyNotBound naming the DID, the certificate's
// fingerprint and why neither path holds; kDidDocumentIdMismatch if the
// document is not the DID's.
// Threading: pure function, thread-safe.
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_TLS_KEY_BINDING_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_TLS_KEY_BINDING_H_

#include <string>
#include <string_view>

#include "common/status.h"
#include "common/tls/grpc_credentials.h"
#include "connector-adapters/identity/did_document.h"

namespace dsfl::identity {

enum class TlsBindingKind {
  kKeyInDidDocument,     // (a); `method_id` names the method.
  kCertificateNamesDid,  // (b)
};

struct TlsBinding {
  TlsBindingKind kind = TlsBindingKind::kKeyInDidDocument;
  std::string method_id;
};

struct TlsBindingPolicy {
  // PEM CA certificate(s) for path (b); empty disables (b).
  std::string ca_pem;
};

StatusOr<TlsBinding> CheckTlsKeyBinding(const tls::PeerIdentity& peer,
                                        std::string_view did,
                                        const DidDocument& document,
                                        const TlsBindingPolicy& policy);

}  // namespace dsfl::identity

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_TLS_KEY_BINDING_H_
