// ES256 (ECDSA P-256 with SHA-256, RFC 7518 §3.4) with OpenSSL 3: signing
// and verification with JOSE's fixed 64-byte R||S signature form, and the
// P-256 private keys that participants sign with.
//
// Verification accepts any valid (R, S), including high S (RFC 7515
// A.3's example has S > n/2); it refuses signatures that are not exactly
// 64 bytes (e.g. DER) and R or S outside [1, n-1].
//
// Errors: InvalidArgument for malformed keys/PEM (naming what), Internal
// for OpenSSL failures. Es256Verify returns false, never an error.
// Threading: thread-safe; keys are immutable after creation.
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_ES256_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_ES256_H_

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "connector-adapters/identity/jwk.h"

namespace dsfl::identity {

class P256PrivateKey {
 public:
  static StatusOr<P256PrivateKey> Generate();
  // PKCS#8 or SEC1 ("EC PRIVATE KEY") PEM of a P-256 key.
  static StatusOr<P256PrivateKey> FromPem(std::string_view pem);
  // From the raw 32-byte private scalar (e.g. a JWK "d").
  static StatusOr<P256PrivateKey> FromScalar(std::string_view d32);

  P256PrivateKey(P256PrivateKey&&) noexcept;
  P256PrivateKey& operator=(P256PrivateKey&&) noexcept;
  ~P256PrivateKey();

  StatusOr<std::string> ToPem() const;  // PKCS#8
  const PublicJwk& public_jwk() const { return public_jwk_; }
  // 64-byte R||S over SHA-256(message).
  StatusOr<std::string> Sign(std::string_view message) const;

 private:
  struct Key;
  explicit P256PrivateKey(std::unique_ptr<Key> key, PublicJwk jwk);
  std::unique_ptr<Key> key_;
  PublicJwk public_jwk_;
};

bool Es256Verify(const PublicJwk& key, std::string_view message,
                 std::string_view signature);

}  // namespace dsfl::identity

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_ES256_H_
