// PresentationVerifier: full verification of a VP-JWT and the VC-JWTs it
// carries (DCP §Presentation Validation plus EDC's rules; see
// docs/dataspace.md). In order, for the presentation:
//   1. structure; `iss` is the holder; when `expected_holder` is set the
//      holder must be that participant (kParticipantMismatch);
//   2. signature with the holder's DID key (jwt_verifier.h), optionally the
//      key's `authentication` relationship;
//   3. nbf / exp / iat against the injected clock (kExpired,
//      kNotYetValid);
//   4. `aud` names `audience` when set (kWrongAudience);
//   5. each credential (vp.verifiableCredential, VC-JWT strings):
//      a. its issuer is trusted for one of its types (kUntrustedIssuer),
//         checked before the issuer's DID is resolved;
//      b. signature with the issuer's DID key, optionally
//         `assertionMethod`;
//      c. validity window (JWT claims and issuanceDate/expirationDate,
//         validFrom/validUntil);
//      d. holder binding: every credentialSubject.id is the holder
//         (kHolderMismatch);
//      e. revocation: each credentialStatus entry against its status list
//         (kRevoked; kStatusUnavailable when it cannot be checked);
//   6. every `required_types` entry appears among the credentials
//      (kMissingCredential).
// The first failed check refuses the whole presentation.
//
// Ownership: borrows the resolver, the status-list source (may be null:
// then credentials with a credentialStatus are refused while
// check_revocation is on) and the clock. Threading: as thread-safe as the
// resolver and source it borrows.
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_PRESENTATION_VERIFIER_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_PRESENTATION_VERIFIER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "common/clock.h"
#include "common/status.h"
#include "connector-adapters/identity/did_resolver.h"
#include "connector-adapters/identity/status_list_source.h"
#include "nlohmann/json.hpp"

namespace dsfl::identity {

struct TrustedIssuer {
  std::string did;
  // Credential types this issuer may issue; empty or {"*"} = any.
  std::vector<std::string> types;
};

struct PresentationPolicy {
  std::vector<TrustedIssuer> trusted_issuers;
  std::vector<std::string> required_types;
  std::optional<std::string> audience;         // Our DID.
  std::optional<std::string> expected_holder;  // The participant's DID.
  bool check_holder_binding = true;
  bool check_revocation = true;
  // DCP wants these; EDC/IdentityHub documents lack them: off by default.
  bool require_authentication_relationship = false;
  bool require_assertion_method_relationship = false;
  bool require_vp_expiry = false;
  absl::Duration leeway = absl::Seconds(5);
};

struct VerifiedCredential {
  std::string id;
  std::string issuer;
  std::vector<std::string> types;
  std::string subject_id;
  std::optional<absl::Time> valid_from;
  std::optional<absl::Time> valid_until;
};

struct VerifiedPresentation {
  std::string holder;
  std::vector<std::string> audiences;
  std::optional<absl::Time> expires;
  std::vector<VerifiedCredential> credentials;

  // {"holder","audience","credentials":[{"id","issuer","types",...}]}
  nlohmann::json ToJson() const;
};

class PresentationVerifier {
 public:
  PresentationVerifier(DidResolver* resolver, StatusListSource* status_lists,
                       const Clock* clock)
      : resolver_(resolver), status_lists_(status_lists), clock_(clock) {}

  StatusOr<VerifiedPresentation> VerifyPresentation(
      std::string_view vp_jwt, const PresentationPolicy& policy) const;

  // One VC-JWT held by `holder` (steps 5a-5e).
  StatusOr<VerifiedCredential> VerifyCredential(
      std::string_view vc_jwt, std::string_view holder,
      const PresentationPolicy& policy) const;

 private:
  DidResolver* resolver_;
  StatusListSource* status_lists_;
  const Clock* clock_;
};

}  // namespace dsfl::identity

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_PRESENTATION_VERIFIER_H_
