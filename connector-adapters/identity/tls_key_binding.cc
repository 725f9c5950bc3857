#include "connector-adapters/identity/tls_key_binding.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/tls/certificate_verify.h"
#include "connector-adapters/identity/did_resolver.h"
#include "connector-adapters/identity/jwk.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::identity {

StatusOr<TlsBinding> CheckTlsKeyBinding(const tls::PeerIdentity& peer,
                                        std::string_view did,
                                        const DidDocument& document,
                                        const TlsBindingPolicy& policy) {
  DSFL_RETURN_IF_ERROR(CheckDocumentId(document, did));
  const std::string who =
      absl::StrCat("TLS certificate ", peer.sha256_fingerprint.substr(0, 16),
                   "... of ", std::string(did));
  std::string key_problem;
  StatusOr<PublicJwk> key = PublicJwkFromSpkiPem(peer.certificate_pem);
  if (key.ok()) {
    for (const VerificationMethod& method : document.methods()) {
      if (method.key.has_value() && *method.key == *key) {
        return TlsBinding{TlsBindingKind::kKeyInDidDocument, method.id};
      }
    }
    key_problem = absl::StrCat("its ", std::string(key->Describe()),
                               " key is not in the DID document");
  } else {
    key_problem = absl::StrCat("its key cannot be compared (",
                               key.status().message(), ")");
  }
  const bool names_did = std::find(peer.uris.begin(), peer.uris.end(),
                                   std::string(did)) != peer.uris.end();
  if (names_did && !policy.ca_pem.empty()) {
    Status chain = tls::VerifyCertificate(policy.ca_pem, peer.certificate_pem,
                                          tls::CertificatePurpose::kAny);
    if (chain.ok()) {
      return TlsBinding{TlsBindingKind::kCertificateNamesDid, ""};
    }
    return Refuse(Reason::kTlsKeyNotBound,
                  absl::StrCat(who, " is not bound: ", key_problem,
                               ", and although it names the DID it does not "
                               "chain to the configured CA (",
                               chain.message(), ")"));
  }
  return Refuse(
      Reason::kTlsKeyNotBound,
      absl::StrCat(who, " is not bound: ", key_problem, ", and ",
                   names_did ? "no CA is configured for DID-naming certificates"
                             : "it does not name the DID in a URI SAN"));
}

}  // namespace dsfl::identity
