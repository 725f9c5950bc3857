// SigningKey: a participant's private JWS key, ES256 (P-256) or EdDSA
// (Ed25519), with the DID URL (`kid`) that names its public half in the
// participant's DID document. Used to sign self-issued ID tokens, VPs and,
// in the dev dataspace, credentials.
//
// FromPem() detects the key type from the PEM (PKCS#8 P-256 or Ed25519,
// or SEC1 P-256).
// Errors: InvalidArgument for unreadable PEM or other key types, Internal
// for OpenSSL failures. Threading: thread-safe after creation.
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_SIGNING_KEY_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_SIGNING_KEY_H_

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "connector-adapters/identity/jwk.h"

namespace dsfl::identity {

class SigningKey {
 public:
  static StatusOr<std::unique_ptr<SigningKey>> Generate(KeyType type,
                                                        std::string kid);
  static StatusOr<std::unique_ptr<SigningKey>> FromPem(std::string_view pem,
                                                       std::string kid);
  virtual ~SigningKey() = default;

  const std::string& kid() const { return kid_; }
  virtual const PublicJwk& public_jwk() const = 0;
  // "ES256" or "EdDSA".
  std::string_view algorithm() const { return public_jwk().Algorithm(); }
  // The JOSE signature (64 bytes for both algorithms) over `message`.
  virtual StatusOr<std::string> Sign(std::string_view message) const = 0;
  // PKCS#8 PEM of the private key (for writing a key file, mode 0600).
  virtual StatusOr<std::string> ToPem() const = 0;

 protected:
  explicit SigningKey(std::string kid) : kid_(std::move(kid)) {}

 private:
  std::string kid_;
};

}  // namespace dsfl::identity

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_SIGNING_KEY_H_
