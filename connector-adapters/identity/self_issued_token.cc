#include "connector-adapters/identity/self_issued_token.h"

#include <openssl/rand.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "connector-adapters/identity/jws.h"
#include "connector-adapters/identity/jwt_claims.h"
#include "connector-adapters/identity/jwt_verifier.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::identity {
namespace {

nlohmann::json JwtHeader() { return {{"typ", "JWT"}}; }

}  // namespace

std::string RandomUuid() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    // The CSPRNG never fails on Linux; fall back to a fixed-pattern abort.
    std::abort();
  }
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
  char text[37];
  std::snprintf(
      text, sizeof(text),
      "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
      bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6],
      bytes[7], bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13],
      bytes[14], bytes[15]);
  return text;
}

StatusOr<std::string> CreateSelfIssuedToken(
    const SigningKey& key, const SelfIssuedTokenRequest& request,
    const Clock& clock) {
  const int64_t now = absl::ToUnixSeconds(clock.Now());
  nlohmann::json claims = {
      {"iss", request.own_did},
      {"sub", request.own_did},
      {"aud", request.audience},
      {"iat", now},
      {"nbf", now},
      {"exp", now + absl::ToInt64Seconds(request.validity)},
      {"jti", RandomUuid()},
  };
  if (!request.access_token.empty()) claims["token"] = request.access_token;
  return SignCompactJws(JwtHeader(), claims.dump(), key);
}

StatusOr<std::string> CreateAccessToken(const SigningKey& holder_key,
                                        const AccessTokenRequest& request,
                                        const Clock& clock) {
  const int64_t now = absl::ToUnixSeconds(clock.Now());
  nlohmann::json claims = {
      {"iss", request.holder_did},
      {"aud", request.holder_did},
      {"sub", request.verifier_did},
      {"scope", request.scope},
      {"iat", now},
      {"nbf", now},
      {"exp", now + absl::ToInt64Seconds(request.validity)},
      {"jti", "accesstoken-" + RandomUuid()},
  };
  return SignCompactJws(JwtHeader(), claims.dump(), holder_key);
}

bool JtiCache::Insert(const std::string& jti, absl::Time expires,
                      absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = seen_.begin(); it != seen_.end();) {
    it = it->second <= now ? seen_.erase(it) : std::next(it);
  }
  return seen_.emplace(jti, expires).second;
}

StatusOr<VerifiedSelfIssuedToken> VerifySelfIssuedToken(
    std::string_view jwt, DidResolver& resolver, const Clock& clock,
    const SelfIssuedTokenPolicy& policy) {
  DSFL_ASSIGN_OR_RETURN(
      VerifiedJwt verified,
      VerifyIssuerSignedJwt(jwt, resolver, "self-issued token"));
  const nlohmann::json& claims = verified.claims;
  if (StringClaim(claims, "sub") != verified.issuer) {
    return Refuse(Reason::kMalformed,
                  "self-issued token: 'sub' must equal 'iss'");
  }
  if (claims.contains("sub_jwk")) {
    return Refuse(Reason::kMalformed,
                  "self-issued token: 'sub_jwk' is not allowed");
  }
  if (verified.header.value("kid", "").rfind(verified.issuer + "#", 0) != 0) {
    return Refuse(Reason::kWrongKey,
                  "self-issued token: kid must be '<iss>#<key id>'");
  }
  if (policy.require_capability_invocation &&
      !verified.issuer_document.HasRelationship(
          Relationship::kCapabilityInvocation, verified.method_id)) {
    return Refuse(Reason::kKeyRelationship,
                  absl::StrCat("self-issued token: key ", verified.method_id,
                               " is not listed under capabilityInvocation"));
  }
  TimeCheckOptions times;
  times.leeway = policy.leeway;
  times.require_exp = true;
  const absl::Time now = clock.Now();
  DSFL_RETURN_IF_ERROR(CheckJwtTimes(claims, now, times, "self-issued token"));
  DSFL_RETURN_IF_ERROR(
      CheckAudience(claims, policy.own_did, "self-issued token"));
  VerifiedSelfIssuedToken result;
  result.issuer = verified.issuer;
  result.access_token = StringClaim(claims, "token");
  result.jti = StringClaim(claims, "jti");
  if (policy.require_access_token && result.access_token.empty()) {
    return Refuse(Reason::kMalformed,
                  "self-issued token: the 'token' (access token) claim is "
                  "required");
  }
  if (policy.jti_cache != nullptr) {
    if (result.jti.empty()) {
      return Refuse(Reason::kMalformed, "self-issued token: 'jti' missing");
    }
    DSFL_ASSIGN_OR_RETURN(std::optional<absl::Time> exp,
                          NumericDate(claims, "exp", "self-issued token"));
    if (!policy.jti_cache->Insert(result.jti, *exp + policy.leeway, now)) {
      return Refuse(Reason::kTokenReplay,
                    absl::StrCat("self-issued token: jti '", result.jti,
                                 "' was already used"));
    }
  }
  result.claims = claims;
  return result;
}

StatusOr<VerifiedAccessToken> VerifyAccessToken(std::string_view jwt,
                                                std::string_view holder_did,
                                                DidResolver& resolver,
                                                const Clock& clock,
                                                absl::Duration leeway) {
  DSFL_ASSIGN_OR_RETURN(VerifiedJwt verified,
                        VerifyIssuerSignedJwt(jwt, resolver, "access token"));
  if (verified.issuer != holder_did) {
    return Refuse(
        Reason::kWrongKey,
        absl::StrCat("access token: issued by ", verified.issuer,
                     ", not by the holder ", std::string(holder_did)));
  }
  DSFL_RETURN_IF_ERROR(
      CheckAudience(verified.claims, holder_did, "access token"));
  TimeCheckOptions times;
  times.leeway = leeway;
  times.require_exp = true;
  DSFL_RETURN_IF_ERROR(
      CheckJwtTimes(verified.claims, clock.Now(), times, "access token"));
  VerifiedAccessToken result;
  result.holder = verified.issuer;
  result.verifier = StringClaim(verified.claims, "sub");
  for (absl::string_view scope : absl::StrSplit(
           StringClaim(verified.claims, "scope"), ' ', absl::SkipEmpty())) {
    result.scopes.emplace_back(scope);
  }
  return result;
}

}  // namespace dsfl::identity
