// Public JSON Web Keys (RFC 7517) of the two kinds dsfl verifies with:
// EC P-256 (ES256) and OKP Ed25519 (EdDSA), as found in DID documents'
// JsonWebKey2020 `publicKeyJwk`.
//
// ParsePublicJwk() checks the members strictly: base64url coordinates of
// exactly 32 bytes, an EC point that lies on P-256, and no private member
// `d` (a DID document must never publish a private key). Other key types
// (RSA, secp256k1, X25519, ...) are refused with kUnsupportedKey.
//
// Errors: refusals (refusal.h) kMalformed / kUnsupportedKey naming the
// member. Threading: value types, thread-compatible.
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_JWK_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_JWK_H_

#include <string>
#include <string_view>

#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl::identity {

enum class KeyType { kP256, kEd25519 };

struct PublicJwk {
  KeyType type = KeyType::kP256;
  std::string x;  // Raw 32 bytes.
  std::string y;  // Raw 32 bytes (P-256 only).

  // {"kty","crv","x"[,"y"]}, base64url members; no "kid".
  nlohmann::json ToJson() const;
  // The JWS "alg" this key verifies: "ES256" or "EdDSA".
  std::string_view Algorithm() const;
  // "EC P-256" or "OKP Ed25519", for messages.
  std::string_view Describe() const;
  bool operator==(const PublicJwk& other) const {
    return type == other.type && x == other.x && y == other.y;
  }
};

StatusOr<PublicJwk> ParsePublicJwk(const nlohmann::json& jwk);

// The public key of a PEM SubjectPublicKeyInfo or certificate's key
// (P-256 or Ed25519); kUnsupportedKey for other key types.
StatusOr<PublicJwk> PublicJwkFromSpkiPem(std::string_view pem);

}  // namespace dsfl::identity

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_JWK_H_
