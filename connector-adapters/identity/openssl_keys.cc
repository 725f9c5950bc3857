#include "connector-adapters/identity/openssl_keys.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "absl/strings/str_cat.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::identity::internal {
namespace {

struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};

}  // namespace

std::string DrainOpenSslErrors() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text.empty() ? "unknown OpenSSL error" : text;
}

StatusOr<UniquePkey> PkeyFromJwk(const PublicJwk& jwk) {
  if (jwk.type == KeyType::kEd25519) {
    EVP_PKEY* key = EVP_PKEY_new_raw_public_key(
        EVP_PKEY_ED25519, nullptr,
        reinterpret_cast<const unsigned char*>(jwk.x.data()), jwk.x.size());
    if (key == nullptr) {
      DrainOpenSslErrors();
      return Refuse(Reason::kMalformed, "Ed25519 key: not a valid public key");
    }
    return UniquePkey(key);
  }
  std::string point = "\x04" + jwk.x + jwk.y;
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> builder(OSSL_PARAM_BLD_new());
  if (builder == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                      "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                       point.data(), point.size()) != 1) {
    return absl::InternalError(
        absl::StrCat("building EC parameters: ", DrainOpenSslErrors()));
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(
      OSSL_PARAM_BLD_to_param(builder.get()));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  if (params == nullptr || ctx == nullptr ||
      EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) !=
          1) {
    DrainOpenSslErrors();
    return Refuse(Reason::kMalformed,
                  "EC P-256 key: (x, y) is not a point on the curve");
  }
  UniquePkey owned(key);
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> check(
      EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (check == nullptr || EVP_PKEY_public_check(check.get()) != 1) {
    DrainOpenSslErrors();
    return Refuse(Reason::kMalformed,
                  "EC P-256 key: (x, y) is not a valid public point");
  }
  return owned;
}

StatusOr<PublicJwk> JwkFromPkey(EVP_PKEY* key) {
  PublicJwk jwk;
  if (EVP_PKEY_is_a(key, "ED25519")) {
    unsigned char raw[32];
    size_t length = sizeof(raw);
    if (EVP_PKEY_get_raw_public_key(key, raw, &length) != 1 || length != 32) {
      return absl::InternalError(
          absl::StrCat("reading Ed25519 key: ", DrainOpenSslErrors()));
    }
    jwk.type = KeyType::kEd25519;
    jwk.x.assign(reinterpret_cast<const char*>(raw), 32);
    return jwk;
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {0};
    size_t group_length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                       sizeof(group), &group_length) != 1 ||
        std::string(group) != "prime256v1") {
      DrainOpenSslErrors();
      return Refuse(Reason::kUnsupportedKey,
                    absl::StrCat("EC key on curve '", group,
                                 "': only P-256 is supported"));
    }
    unsigned char point[65];
    size_t length = 0;
    // Force the uncompressed form before reading the encoded point.
    EVP_PKEY_set_utf8_string_param(
        key, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "uncompressed");
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point,
                                        sizeof(point), &length) != 1 ||
        length != 65 || point[0] != 0x04) {
      DrainOpenSslErrors();
      return absl::InternalError("reading the P-256 public point failed");
    }
    jwk.type = KeyType::kP256;
    jwk.x.assign(reinterpret_cast<const char*>(point + 1), 32);
    jwk.y.assign(reinterpret_cast<const char*>(point + 33), 32);
    return jwk;
  }
  return Refuse(Reason::kUnsupportedKey,
                absl::StrCat("key type '",
                             EVP_PKEY_get0_type_name(key) != nullptr
                                 ? EVP_PKEY_get0_type_name(key)
                                 : "?",
                             "' is not supported (P-256 or Ed25519 only)"));
}

}  // namespace dsfl::identity::internal
