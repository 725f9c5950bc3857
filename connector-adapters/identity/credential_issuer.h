// Issuing side of the dataspace tokens, for the dev dataspace and tests:
// VC-JWTs (VC DM 1.1 §6.3.1, the shape MVD/IdentityHub produce), VP-JWTs
// (IdentityHub's JwtPresentationGenerator shape), BitstringStatusList
// credentials as VC-JWTs, and DID documents (IdentityHub's shape) for
// given keys. Every token is really signed (ES256 or EdDSA by key type).
//
// Errors: Internal for signing failures; InvalidArgument for empty
// required fields. Threading: pure functions, thread-safe.
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_CREDENTIAL_ISSUER_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_CREDENTIAL_ISSUER_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "common/status.h"
#include "connector-adapters/identity/did_document.h"
#include "connector-adapters/identity/signing_key.h"
#include "connector-adapters/identity/status_list.h"
#include "nlohmann/json.hpp"

namespace dsfl::identity {

struct CredentialRequest {
  std::string id;                  // Empty: "urn:uuid:<random>".
  std::vector<std::string> types;  // Added after "VerifiableCredential".
  std::string subject_did;         // credentialSubject.id, JWT sub.
  nlohmann::json subject_claims = nlohmann::json::object();
  absl::Time issued;
  std::optional<absl::Time> expires;
  std::optional<StatusListEntry> status;
};
StatusOr<std::string> IssueCredentialJwt(const SigningKey& issuer_key,
                                         const std::string& issuer_did,
                                         const CredentialRequest& request);

struct PresentationRequest {
  std::string holder_did;
  std::string audience;
  std::vector<std::string> credentials;  // VC-JWTs.
  absl::Time issued;
  absl::Duration validity = absl::Seconds(60);
};
StatusOr<std::string> CreatePresentationJwt(const SigningKey& holder_key,
                                            const PresentationRequest& request);

struct StatusListRequest {
  std::string id;  // The URL the list is served at.
  std::string purpose = "revocation";
  absl::Time issued;
  absl::Duration validity = absl::Hours(24);
};
StatusOr<std::string> IssueStatusListJwt(const SigningKey& issuer_key,
                                         const std::string& issuer_did,
                                         const StatusBitstring& bits,
                                         const StatusListRequest& request);

// DidService ids may be relative ("credentialservice").
// {"service", "verificationMethod" (JsonWebKey2020, kid fragment as id),
// "authentication", "id", "@context"} for `keys` (kids must be
// "<did>#<fragment>"); `authentication` lists every key when set.
nlohmann::json BuildDidDocumentJson(const std::string& did,
                                    const std::vector<const SigningKey*>& keys,
                                    const std::vector<DidService>& services,
                                    bool authentication);

}  // namespace dsfl::identity

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_CREDENTIAL_ISSUER_H_
