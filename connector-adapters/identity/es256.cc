#include "connector-adapters/identity/es256.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "connector-adapters/identity/openssl_keys.h"

namespace dsfl::identity {

using internal::DrainOpenSslErrors;
using internal::UniquePkey;

struct P256PrivateKey::Key {
  UniquePkey pkey;
};

namespace {

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct GroupFree {
  void operator()(EC_GROUP* g) const { EC_GROUP_free(g); }
};
struct PointFree {
  void operator()(EC_POINT* p) const { EC_POINT_free(p); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};

Status OpenSslFailure(const std::string& what) {
  return absl::InternalError(absl::StrCat(what, ": ", DrainOpenSslErrors()));
}

}  // namespace

P256PrivateKey::P256PrivateKey(std::unique_ptr<Key> key, PublicJwk jwk)
    : key_(std::move(key)), public_jwk_(std::move(jwk)) {}
P256PrivateKey::P256PrivateKey(P256PrivateKey&&) noexcept = default;
P256PrivateKey& P256PrivateKey::operator=(P256PrivateKey&&) noexcept = default;
P256PrivateKey::~P256PrivateKey() = default;

StatusOr<P256PrivateKey> P256PrivateKey::Generate() {
  EVP_PKEY* pkey = EVP_EC_gen("P-256");
  if (pkey == nullptr) return OpenSslFailure("generating a P-256 key");
  auto key = std::make_unique<Key>();
  key->pkey.reset(pkey);
  DSFL_ASSIGN_OR_RETURN(PublicJwk jwk, internal::JwkFromPkey(pkey));
  return P256PrivateKey(std::move(key), std::move(jwk));
}

StatusOr<P256PrivateKey> P256PrivateKey::FromPem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return OpenSslFailure("BIO_new_mem_buf");
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (pkey == nullptr) {
    DrainOpenSslErrors();
    return absl::InvalidArgumentError("PEM: holds no readable private key");
  }
  auto key = std::make_unique<Key>();
  key->pkey.reset(pkey);
  if (!EVP_PKEY_is_a(pkey, "EC")) {
    return absl::InvalidArgumentError("PEM: the private key is not EC P-256");
  }
  StatusOr<PublicJwk> jwk = internal::JwkFromPkey(pkey);
  if (!jwk.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("PEM: ", jwk.status().message()));
  }
  return P256PrivateKey(std::move(key), *std::move(jwk));
}

StatusOr<P256PrivateKey> P256PrivateKey::FromScalar(std::string_view d32) {
  if (d32.size() != 32) {
    return absl::InvalidArgumentError("P-256 private scalar must be 32 bytes");
  }
  std::unique_ptr<EC_GROUP, GroupFree> group(
      EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  std::unique_ptr<BIGNUM, BnFree> d(BN_bin2bn(
      reinterpret_cast<const unsigned char*>(d32.data()), 32, nullptr));
  if (group == nullptr || d == nullptr) return OpenSslFailure("P-256 setup");
  if (BN_is_zero(d.get()) ||
      BN_cmp(d.get(), EC_GROUP_get0_order(group.get())) >= 0) {
    return absl::InvalidArgumentError("P-256 private scalar out of range");
  }
  std::unique_ptr<EC_POINT, PointFree> point(EC_POINT_new(group.get()));
  unsigned char encoded[65];
  if (point == nullptr ||
      EC_POINT_mul(group.get(), point.get(), d.get(), nullptr, nullptr,
                   nullptr) != 1 ||
      EC_POINT_point2oct(group.get(), point.get(),
                         POINT_CONVERSION_UNCOMPRESSED, encoded,
                         sizeof(encoded), nullptr) != sizeof(encoded)) {
    return OpenSslFailure("deriving the P-256 public key");
  }
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> builder(OSSL_PARAM_BLD_new());
  if (builder == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                      "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY,
                             d.get()) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                       encoded, sizeof(encoded)) != 1) {
    return OpenSslFailure("building P-256 key parameters");
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(
      OSSL_PARAM_BLD_to_param(builder.get()));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* pkey = nullptr;
  if (params == nullptr || ctx == nullptr ||
      EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_KEYPAIR, params.get()) !=
          1) {
    return OpenSslFailure("importing the P-256 key");
  }
  auto key = std::make_unique<Key>();
  key->pkey.reset(pkey);
  PublicJwk jwk;
  jwk.type = KeyType::kP256;
  jwk.x.assign(reinterpret_cast<const char*>(encoded + 1), 32);
  jwk.y.assign(reinterpret_cast<const char*>(encoded + 33), 32);
  return P256PrivateKey(std::move(key), std::move(jwk));
}

StatusOr<std::string> P256PrivateKey::ToPem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return OpenSslFailure("BIO_new");
  if (PEM_write_bio_PrivateKey(bio, key_->pkey.get(), nullptr, nullptr, 0,
                               nullptr, nullptr) != 1) {
    BIO_free(bio);
    return OpenSslFailure("writing the P-256 key as PEM");
  }
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(length));
  BIO_free(bio);
  return pem;
}

StatusOr<std::string> P256PrivateKey::Sign(std::string_view message) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  size_t der_length = 0;
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr,
                         key_->pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &der_length,
                     reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1) {
    return OpenSslFailure("ES256 signing");
  }
  std::string der(der_length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()),
                     &der_length,
                     reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1) {
    return OpenSslFailure("ES256 signing");
  }
  const unsigned char* cursor =
      reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(
      d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der_length)));
  if (sig == nullptr) return OpenSslFailure("decoding the ECDSA signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string raw(64, '\0');
  if (BN_bn2binpad(r, reinterpret_cast<unsigned char*>(raw.data()), 32) != 32 ||
      BN_bn2binpad(s, reinterpret_cast<unsigned char*>(raw.data()) + 32, 32) !=
          32) {
    return OpenSslFailure("encoding R||S");
  }
  return raw;
}

bool Es256Verify(const PublicJwk& key, std::string_view message,
                 std::string_view signature) {
  if (key.type != KeyType::kP256 || signature.size() != 64) return false;
  StatusOr<UniquePkey> pkey = internal::PkeyFromJwk(key);
  if (!pkey.ok()) return false;
  const auto* bytes = reinterpret_cast<const unsigned char*>(signature.data());
  std::unique_ptr<BIGNUM, BnFree> r(BN_bin2bn(bytes, 32, nullptr));
  std::unique_ptr<BIGNUM, BnFree> s(BN_bin2bn(bytes + 32, 32, nullptr));
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(ECDSA_SIG_new());
  if (r == nullptr || s == nullptr || sig == nullptr || BN_is_zero(r.get()) ||
      BN_is_zero(s.get())) {
    DrainOpenSslErrors();
    return false;
  }
  if (ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    DrainOpenSslErrors();
    return false;
  }
  r.release();  // Owned by sig now.
  s.release();
  unsigned char* der = nullptr;
  int der_length = i2d_ECDSA_SIG(sig.get(), &der);
  if (der_length <= 0) {
    DrainOpenSslErrors();
    return false;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  bool ok =
      ctx != nullptr &&
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr,
                           pkey->get()) == 1 &&
      EVP_DigestVerify(ctx.get(), der, static_cast<size_t>(der_length),
                       reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  OPENSSL_free(der);
  DrainOpenSslErrors();
  return ok;
}

}  // namespace dsfl::identity
