#include "connector-adapters/identity/signing_key.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/crypto/ed25519.h"
#include "connector-adapters/identity/es256.h"

namespace dsfl::identity {
namespace {

class P256SigningKey final : public SigningKey {
 public:
  P256SigningKey(P256PrivateKey key, std::string kid)
      : SigningKey(std::move(kid)), key_(std::move(key)) {}
  const PublicJwk& public_jwk() const override { return key_.public_jwk(); }
  StatusOr<std::string> Sign(std::string_view message) const override {
    return key_.Sign(message);
  }
  StatusOr<std::string> ToPem() const override { return key_.ToPem(); }

 private:
  P256PrivateKey key_;
};

class Ed25519SigningKey final : public SigningKey {
 public:
  Ed25519SigningKey(crypto::Ed25519PrivateKey key, std::string kid)
      : SigningKey(std::move(kid)), key_(std::move(key)) {
    jwk_.type = KeyType::kEd25519;
    jwk_.x.assign(reinterpret_cast<const char*>(key_.public_key().data()),
                  key_.public_key().size());
  }
  const PublicJwk& public_jwk() const override { return jwk_; }
  StatusOr<std::string> Sign(std::string_view message) const override {
    DSFL_ASSIGN_OR_RETURN(crypto::Ed25519Signature signature,
                          key_.Sign(message));
    return std::string(reinterpret_cast<const char*>(signature.data()),
                       signature.size());
  }
  StatusOr<std::string> ToPem() const override { return key_.ToPem(); }

 private:
  crypto::Ed25519PrivateKey key_;
  PublicJwk jwk_;
};

}  // namespace

StatusOr<std::unique_ptr<SigningKey>> SigningKey::Generate(KeyType type,
                                                           std::string kid) {
  if (type == KeyType::kEd25519) {
    DSFL_ASSIGN_OR_RETURN(crypto::Ed25519PrivateKey key,
                          crypto::Ed25519PrivateKey::Generate());
    return std::unique_ptr<SigningKey>(
        new Ed25519SigningKey(std::move(key), std::move(kid)));
  }
  DSFL_ASSIGN_OR_RETURN(P256PrivateKey key, P256PrivateKey::Generate());
  return std::unique_ptr<SigningKey>(
      new P256SigningKey(std::move(key), std::move(kid)));
}

StatusOr<std::unique_ptr<SigningKey>> SigningKey::FromPem(std::string_view pem,
                                                          std::string kid) {
  StatusOr<P256PrivateKey> p256 = P256PrivateKey::FromPem(pem);
  if (p256.ok()) {
    return std::unique_ptr<SigningKey>(
        new P256SigningKey(*std::move(p256), std::move(kid)));
  }
  StatusOr<crypto::Ed25519PrivateKey> ed25519 =
      crypto::Ed25519PrivateKey::FromPem(pem);
  if (ed25519.ok()) {
    return std::unique_ptr<SigningKey>(
        new Ed25519SigningKey(*std::move(ed25519), std::move(kid)));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "signing key PEM: neither a P-256 key (", p256.status().message(),
      ") nor an Ed25519 key (", ed25519.status().message(), ")"));
}

}  // namespace dsfl::identity
