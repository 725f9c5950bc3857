// Compact JWS (RFC 7515) for JWTs: parsing, verification and signing.
//
// The algorithm comes from the key, never from the token alone: an EC
// P-256 key verifies only "ES256", an Ed25519 key only "EdDSA" or
// "Ed25519" (RFC 9864). "none" and every HMAC algorithm ("HS256", ... —
// the classic confusion attack that uses a public key as the HMAC secret)
// are refused before any key is looked at. Signatures are verified over
// the exact ASCII signing input, never over re-serialized JSON.
//
// Errors: refusals (refusal.h): kMalformed (bad structure, base64url or
// JSON, "crit" present), kAlgorithmRefused, kBadSignature.
// Threading: pure functions, thread-safe.
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_JWS_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_JWS_H_

#include <string>
#include <string_view>

#include "common/status.h"
#include "connector-adapters/identity/jwk.h"
#include "connector-adapters/identity/signing_key.h"
#include "nlohmann/json.hpp"

namespace dsfl::identity {

struct CompactJws {
  nlohmann::json header;      // Protected header (a JSON object).
  std::string payload;        // Decoded payload bytes.
  std::string signature;      // Decoded signature bytes.
  std::string signing_input;  // "<b64 header>.<b64 payload>", verbatim.

  std::string alg() const;  // header "alg" ("" if absent).
  std::string kid() const;  // header "kid" ("" if absent).
};

// Splits and decodes; the header must be a JSON object with a string
// "alg". Does not verify.
StatusOr<CompactJws> ParseCompactJws(std::string_view compact);

// The payload parsed as a JSON object (JWT claims).
StatusOr<nlohmann::json> JwsClaims(const CompactJws& jws);

// Checks that `alg` may be used with `key` (see the file comment).
Status CheckAlgorithmForKey(std::string_view alg, const PublicJwk& key);

// Algorithm check, then the signature over jws.signing_input.
Status VerifyJwsSignature(const CompactJws& jws, const PublicJwk& key);

// Signs `payload` with `key`; the header gets "alg" (the key's) and "kid"
// (the key's, unless `header` already has one) added to `header`.
StatusOr<std::string> SignCompactJws(nlohmann::json header,
                                     std::string_view payload,
                                     const SigningKey& key);

}  // namespace dsfl::identity

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_JWS_H_
