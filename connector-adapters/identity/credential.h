// Verifiable Credential fields dsfl checks, read from a VC-JWT's claims
// (VC DM 1.1 §6.3.1 `vc` claim; VC DM 2.0 names accepted too):
// id, types, issuer, subject ids, validity window and status entries.
//
// Validity combines the JWT claims and the data model: valid_from is the
// latest of nbf / issuanceDate / validFrom, valid_until the earliest of
// exp / expirationDate / validUntil. `vc.issuer` (string or {"id"}) must
// equal `iss` when both are present.
//
// Errors: kMalformed naming the member. Threading: value types.
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_CREDENTIAL_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_CREDENTIAL_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/status.h"
#include "connector-adapters/identity/status_list.h"
#include "nlohmann/json.hpp"

namespace dsfl::identity {

struct Credential {
  std::string id;
  std::vector<std::string> types;  // e.g. {"VerifiableCredential", ...}
  std::string issuer;
  std::vector<std::string> subject_ids;  // credentialSubject[].id
  std::optional<absl::Time> valid_from;
  std::optional<absl::Time> valid_until;
  std::vector<StatusListEntry> status;
  nlohmann::json vc;  // The credential object itself.

  bool HasType(std::string_view type) const;
};

// From the claims of a VC-JWT (with a `vc` object claim).
StatusOr<Credential> CredentialFromJwtClaims(const nlohmann::json& claims);

// The credential object's own members only (no JWT claims).
StatusOr<Credential> ParseCredentialObject(const nlohmann::json& vc);

}  // namespace dsfl::identity

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_CREDENTIAL_H_
