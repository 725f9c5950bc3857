// DCP presentation query client (DCP v1.0 §Resolution API): how a verifier
// (the dsfl master, or a slave checking the master) obtains a holder's
// Verifiable Presentation.
//
//   1. resolve the holder's DID and take its `CredentialService` endpoint;
//   2. sign a self-issued ID token with the verifier's own key:
//      iss = sub = own DID, aud = holder DID, token = the access token the
//      holder minted for us (IdentityHub refuses queries without it);
//   3. POST {endpoint}/presentations/query with Authorization: Bearer and
//      {"@context":[DCP], "type":"PresentationQueryMessage", "scope":[...]};
//   4. read the PresentationResponseMessage (`type` or `@type`), whose
//      `presentation` array holds VP-JWT strings (JSON-LD VPs are skipped
//      with an error, as dsfl verifies JWTs only).
// The VPs are returned unverified: feed them to PresentationVerifier.
//
// Errors: kUnknownDid (no DID document / no CredentialService), Unavailable
// (transport), PermissionDenied (HTTP 401/403), InvalidArgument (bad
// response), all naming the holder and endpoint.
// Ownership: borrows fetcher, resolver, key and clock.
// Threading: Query() is thread-safe if its collaborators are.
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_DCP_CLIENT_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_DCP_CLIENT_H_

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "connector-adapters/identity/did_resolver.h"
#include "connector-adapters/identity/http_fetcher.h"
#include "connector-adapters/identity/signing_key.h"
#include "nlohmann/json.hpp"

namespace dsfl::identity {

inline constexpr char kDcpContext[] =
    "https://w3id.org/dspace-dcp/v1.0/dcp.jsonld";

// "org.eclipse.dspace.dcp.vc.type:<type>:read".
std::string CredentialTypeScope(const std::string& credential_type);

// The PresentationQueryMessage body for `scopes`.
nlohmann::json BuildPresentationQuery(const std::vector<std::string>& scopes);

// VP-JWT strings of a PresentationResponseMessage.
StatusOr<std::vector<std::string>> ParsePresentationResponse(
    const nlohmann::json& response);

class PresentationQueryClient {
 public:
  PresentationQueryClient(HttpFetcher* fetcher, DidResolver* resolver,
                          const SigningKey* own_key, std::string own_did,
                          const Clock* clock)
      : fetcher_(fetcher),
        resolver_(resolver),
        own_key_(own_key),
        own_did_(std::move(own_did)),
        clock_(clock) {}

  StatusOr<std::vector<std::string>> Query(
      const std::string& holder_did, const std::vector<std::string>& scopes,
      const std::string& access_token);

 private:
  HttpFetcher* fetcher_;
  DidResolver* resolver_;
  const SigningKey* own_key_;
  std::string own_did_;
  const Clock* clock_;
};

}  // namespace dsfl::identity

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_DCP_CLIENT_H_
