#include "connector-adapters/identity/jwk.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "absl/strings/str_cat.h"
#include "common/crypto/base64url.h"
#include "connector-adapters/identity/openssl_keys.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::identity {
namespace {

StatusOr<std::string> Coordinate(const nlohmann::json& jwk, const char* name) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) {
    return Refuse(Reason::kMalformed,
                  absl::StrCat("JWK: member '", name, "' missing"));
  }
  StatusOr<std::string> raw =
      crypto::Base64UrlDecode(it->get_ref<const std::string&>());
  if (!raw.ok()) {
    return Refuse(Reason::kMalformed,
                  absl::StrCat("JWK: member '", name,
                               "' is not base64url: ", raw.status().message()));
  }
  if (raw->size() != 32) {
    return Refuse(Reason::kMalformed,
                  absl::StrCat("JWK: member '", name, "' has ", raw->size(),
                               " bytes, expected 32"));
  }
  return raw;
}

std::string StringMember(const nlohmann::json& jwk, const char* name) {
  auto it = jwk.find(name);
  return it != jwk.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

nlohmann::json PublicJwk::ToJson() const {
  if (type == KeyType::kEd25519) {
    return {
        {"kty", "OKP"}, {"crv", "Ed25519"}, {"x", crypto::Base64UrlEncode(x)}};
  }
  return {{"kty", "EC"},
          {"crv", "P-256"},
          {"x", crypto::Base64UrlEncode(x)},
          {"y", crypto::Base64UrlEncode(y)}};
}

std::string_view PublicJwk::Algorithm() const {
  return type == KeyType::kEd25519 ? "EdDSA" : "ES256";
}

std::string_view PublicJwk::Describe() const {
  return type == KeyType::kEd25519 ? "OKP Ed25519" : "EC P-256";
}

StatusOr<PublicJwk> ParsePublicJwk(const nlohmann::json& jwk) {
  if (!jwk.is_object()) {
    return Refuse(Reason::kMalformed, "JWK: not a JSON object");
  }
  if (jwk.contains("d")) {
    return Refuse(Reason::kMalformed,
                  "JWK: contains a private key member 'd'; refusing a "
                  "published private key");
  }
  const std::string kty = StringMember(jwk, "kty");
  const std::string crv = StringMember(jwk, "crv");
  PublicJwk key;
  if (kty == "EC" && crv == "P-256") {
    key.type = KeyType::kP256;
    DSFL_ASSIGN_OR_RETURN(key.x, Coordinate(jwk, "x"));
    DSFL_ASSIGN_OR_RETURN(key.y, Coordinate(jwk, "y"));
    // Rejects points off the curve.
    DSFL_RETURN_IF_ERROR(internal::PkeyFromJwk(key).status());
    return key;
  }
  if (kty == "OKP" && crv == "Ed25519") {
    key.type = KeyType::kEd25519;
    DSFL_ASSIGN_OR_RETURN(key.x, Coordinate(jwk, "x"));
    return key;
  }
  if (kty.empty()) return Refuse(Reason::kMalformed, "JWK: 'kty' missing");
  return Refuse(Reason::kUnsupportedKey,
                absl::StrCat("JWK: kty '", kty, "' crv '", crv,
                             "' is not supported (EC P-256 or OKP Ed25519)"));
}

StatusOr<PublicJwk> PublicJwkFromSpkiPem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return absl::InternalError("BIO_new_mem_buf failed");
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  if (key == nullptr) {
    internal::DrainOpenSslErrors();
    BIO_free(bio);
    bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    if (cert != nullptr) {
      key = X509_get_pubkey(cert);
      X509_free(cert);
    }
  }
  BIO_free(bio);
  if (key == nullptr) {
    internal::DrainOpenSslErrors();
    return absl::InvalidArgumentError(
        "PEM: holds no public key or certificate");
  }
  internal::UniquePkey owned(key);
  return internal::JwkFromPkey(key);
}

}  // namespace dsfl::identity
