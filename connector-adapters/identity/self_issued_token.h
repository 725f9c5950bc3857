// DCP self-issued ID tokens (DCP v1.0 base.protocol §Self-Issued ID Tokens)
// and the access tokens they carry.
//
// CreateSelfIssuedToken() signs {iss = sub = own DID, aud, iat, nbf, exp,
// jti[, token]} with the participant's key (header kid = the key's DID
// URL), e.g. the master's token for a CredentialService query, whose
// `token` is the hospital-minted access token (DCP §Presentation Flow 6).
// CreateAccessToken() is what a holder's STS mints: {iss = aud = holder,
// sub = verifier, scope, iat, nbf, exp, jti "accesstoken-<uuid>"}.
//
// VerifySelfIssuedToken() applies EDC's verifier rules: signature by the
// `iss` DID's key (kid "<iss>#..."), iss == sub, aud == own DID, exp
// required, nbf/iat with leeway, `token` required when asked, optional
// capabilityInvocation relationship (DCP; off for EDC interop) and jti
// replay through an optional JtiCache.
//
// Errors: refusals (refusal.h) naming the claim. Threading: functions are
// thread-safe; JtiCache is internally synchronized.
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_SELF_ISSUED_TOKEN_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_SELF_ISSUED_TOKEN_H_

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "common/clock.h"
#include "common/status.h"
#include "connector-adapters/identity/did_resolver.h"
#include "connector-adapters/identity/signing_key.h"
#include "nlohmann/json.hpp"

namespace dsfl::identity {

// A random RFC 4122 version-4 UUID (lower-case), from OpenSSL's CSPRNG.
std::string RandomUuid();

struct SelfIssuedTokenRequest {
  std::string own_did;
  std::string audience;      // The other party's DID.
  std::string access_token;  // The `token` claim; omitted when empty.
  absl::Duration validity = absl::Minutes(5);
};
StatusOr<std::string> CreateSelfIssuedToken(
    const SigningKey& key, const SelfIssuedTokenRequest& request,
    const Clock& clock);

struct AccessTokenRequest {
  std::string holder_did;
  std::string verifier_did;
  std::string scope;  // Space-separated DCP scopes.
  absl::Duration validity = absl::Minutes(5);
};
StatusOr<std::string> CreateAccessToken(const SigningKey& holder_key,
                                        const AccessTokenRequest& request,
                                        const Clock& clock);

// Remembers jti values until their token's expiry.
class JtiCache {
 public:
  // False when `jti` was seen and has not expired yet; records it.
  bool Insert(const std::string& jti, absl::Time expires, absl::Time now);

 private:
  std::mutex mu_;
  std::map<std::string, absl::Time> seen_;
};

struct SelfIssuedTokenPolicy {
  std::string own_did;  // Required `aud`.
  bool require_access_token = false;
  bool require_capability_invocation = false;
  absl::Duration leeway = absl::Seconds(5);
  JtiCache* jti_cache = nullptr;  // Borrowed; null = no replay check.
};

struct VerifiedSelfIssuedToken {
  std::string issuer;        // The bearer's DID.
  std::string access_token;  // The `token` claim ("" if absent).
  std::string jti;
  nlohmann::json claims;
};
StatusOr<VerifiedSelfIssuedToken> VerifySelfIssuedToken(
    std::string_view jwt, DidResolver& resolver, const Clock& clock,
    const SelfIssuedTokenPolicy& policy);

struct VerifiedAccessToken {
  std::string holder;    // iss
  std::string verifier;  // sub
  std::vector<std::string> scopes;
};
// Signed by `holder_did`'s key, iss == holder, aud contains holder,
// not expired.
StatusOr<VerifiedAccessToken> VerifyAccessToken(std::string_view jwt,
                                                std::string_view holder_did,
                                                DidResolver& resolver,
                                                const Clock& clock,
                                                absl::Duration leeway);

}  // namespace dsfl::identity

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_SELF_ISSUED_TOKEN_H_
