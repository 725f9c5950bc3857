#include "common/crypto/ed25519.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"

namespace dsfl::crypto {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Bio = std::unique_ptr<BIO, BioFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

// The most recent OpenSSL error as text (and clears the queue).
std::string OpenSslError() {
  unsigned long code = ERR_get_error();  // NOLINT(runtime/int)
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof(buffer));
  return buffer;
}

Pkey PrivatePkey(const std::array<uint8_t, 32>& seed) {
  return Pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                           seed.data(), seed.size()));
}

Pkey PublicPkey(const Ed25519PublicKey& key) {
  return Pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, key.data(),
                                          key.size()));
}

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);  // NOLINT(runtime/int)
  return size > 0 ? std::string(data, static_cast<size_t>(size))
                  : std::string();
}

}  // namespace

Ed25519PrivateKey::~Ed25519PrivateKey() {
  OPENSSL_cleanse(seed_.data(), seed_.size());
}

StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::Generate() {
  EVP_PKEY* raw = nullptr;
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr), &EVP_PKEY_CTX_free);
  if (ctx == nullptr || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    return absl::InternalError(
        absl::StrCat("Ed25519 key generation failed: ", OpenSslError()));
  }
  Pkey pkey(raw);
  Ed25519PrivateKey key;
  size_t seed_len = key.seed_.size();
  size_t pub_len = key.public_key_.size();
  if (EVP_PKEY_get_raw_private_key(pkey.get(), key.seed_.data(), &seed_len) !=
          1 ||
      EVP_PKEY_get_raw_public_key(pkey.get(), key.public_key_.data(),
                                  &pub_len) != 1 ||
      seed_len != 32 || pub_len != 32) {
    return absl::InternalError(
        absl::StrCat("Ed25519 raw key export failed: ", OpenSslError()));
  }
  return key;
}

StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::FromSeed(
    std::string_view seed32) {
  if (seed32.size() != 32) {
    return absl::InvalidArgumentError(
        absl::StrCat("Ed25519 seed must be 32 bytes, got ", seed32.size()));
  }
  Ed25519PrivateKey key;
  std::copy(seed32.begin(), seed32.end(), key.seed_.begin());
  Pkey pkey = PrivatePkey(key.seed_);
  size_t pub_len = key.public_key_.size();
  if (pkey == nullptr ||
      EVP_PKEY_get_raw_public_key(pkey.get(), key.public_key_.data(),
                                  &pub_len) != 1 ||
      pub_len != 32) {
    return absl::InternalError(
        absl::StrCat("Ed25519 public key derivation failed: ", OpenSslError()));
  }
  return key;
}

StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::FromPem(
    std::string_view pkcs8_pem) {
  Bio bio(
      BIO_new_mem_buf(pkcs8_pem.data(), static_cast<int>(pkcs8_pem.size())));
  if (bio == nullptr) return absl::InternalError("BIO_new_mem_buf failed");
  Pkey pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (pkey == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not a PEM private key (expected PKCS#8 \"PRIVATE KEY\"): ",
        OpenSslError()));
  }
  if (EVP_PKEY_get_id(pkey.get()) != EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError(
        absl::StrCat("PEM private key is ",
                     OBJ_nid2sn(EVP_PKEY_get_id(pkey.get())), ", not Ed25519"));
  }
  Ed25519PrivateKey key;
  size_t seed_len = key.seed_.size();
  size_t pub_len = key.public_key_.size();
  if (EVP_PKEY_get_raw_private_key(pkey.get(), key.seed_.data(), &seed_len) !=
          1 ||
      EVP_PKEY_get_raw_public_key(pkey.get(), key.public_key_.data(),
                                  &pub_len) != 1 ||
      seed_len != 32 || pub_len != 32) {
    return absl::InternalError(
        absl::StrCat("Ed25519 raw key export failed: ", OpenSslError()));
  }
  return key;
}

std::string Ed25519PrivateKey::ToPem() const {
  Pkey pkey = PrivatePkey(seed_);
  Bio bio(BIO_new(BIO_s_mem()));
  if (pkey == nullptr || bio == nullptr ||
      PEM_write_bio_PrivateKey(bio.get(), pkey.get(), nullptr, nullptr, 0,
                               nullptr, nullptr) != 1) {
    return std::string();
  }
  std::string pem = BioToString(bio.get());
  // The memory BIO holds a copy of the key; wipe it before freeing.
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);  // NOLINT(runtime/int)
  if (size > 0) OPENSSL_cleanse(data, static_cast<size_t>(size));
  return pem;
}

std::string Ed25519PrivateKey::PublicKeyPem() const {
  return Ed25519PublicKeyToPem(public_key_);
}

StatusOr<Ed25519Signature> Ed25519PrivateKey::Sign(
    std::string_view message) const {
  Pkey pkey = PrivatePkey(seed_);
  MdCtx ctx(EVP_MD_CTX_new());
  Ed25519Signature signature{};
  size_t length = signature.size();
  if (pkey == nullptr || ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) !=
          1 ||
      EVP_DigestSign(ctx.get(), signature.data(), &length,
                     reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1 ||
      length != signature.size()) {
    return absl::InternalError(
        absl::StrCat("Ed25519 signing failed: ", OpenSslError()));
  }
  return signature;
}

StatusOr<Ed25519PublicKey> Ed25519PublicKeyFromPem(std::string_view spki_pem) {
  Bio bio(BIO_new_mem_buf(spki_pem.data(), static_cast<int>(spki_pem.size())));
  if (bio == nullptr) return absl::InternalError("BIO_new_mem_buf failed");
  Pkey pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (pkey == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a PEM public key (expected SPKI \"PUBLIC KEY\"): ",
                     OpenSslError()));
  }
  if (EVP_PKEY_get_id(pkey.get()) != EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError(
        absl::StrCat("PEM public key is ",
                     OBJ_nid2sn(EVP_PKEY_get_id(pkey.get())), ", not Ed25519"));
  }
  Ed25519PublicKey key{};
  size_t length = key.size();
  if (EVP_PKEY_get_raw_public_key(pkey.get(), key.data(), &length) != 1 ||
      length != key.size()) {
    return absl::InternalError(
        absl::StrCat("Ed25519 public key export failed: ", OpenSslError()));
  }
  return key;
}

std::string Ed25519PublicKeyToPem(const Ed25519PublicKey& key) {
  Pkey pkey = PublicPkey(key);
  Bio bio(BIO_new(BIO_s_mem()));
  if (pkey == nullptr || bio == nullptr ||
      PEM_write_bio_PUBKEY(bio.get(), pkey.get()) != 1) {
    return std::string();
  }
  return BioToString(bio.get());
}

StatusOr<Ed25519PublicKey> Ed25519PublicKeyFromBytes(std::string_view raw32) {
  if (raw32.size() != 32) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Ed25519 public key must be 32 bytes, got ", raw32.size()));
  }
  Ed25519PublicKey key{};
  std::copy(raw32.begin(), raw32.end(), key.begin());
  return key;
}

bool Ed25519Verify(const Ed25519PublicKey& key, std::string_view message,
                   std::string_view signature) {
  if (signature.size() != 64) return false;
  Pkey pkey = PublicPkey(key);
  MdCtx ctx(EVP_MD_CTX_new());
  if (pkey == nullptr || ctx == nullptr) {
    ERR_clear_error();
    return false;
  }
  bool ok =
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) ==
          1 &&
      EVP_DigestVerify(ctx.get(),
                       reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(),
                       reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace dsfl::crypto
