// Ed25519 (RFC 8032) keys, signatures and verification, via OpenSSL 3.
// Used by the audit log (node keys sign record hashes) and by JOSE
// (EdDSA JWS, Ed25519 JWKs in DID documents).
//
// Keys are held as raw 32-byte values; PEM (PKCS#8 private, SPKI public)
// for files. Generate() draws from OpenSSL's CSPRNG.
// Errors: InvalidArgument for malformed keys/PEM (naming what), Internal
// for OpenSSL failures. Verify() returns false for any bad signature or
// key, never an error. Thread-safe (objects are immutable after creation).
#ifndef DSFL_COMMON_CRYPTO_ED25519_H_
#define DSFL_COMMON_CRYPTO_ED25519_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace dsfl::crypto {

using Ed25519PublicKey = std::array<uint8_t, 32>;
using Ed25519Signature = std::array<uint8_t, 64>;

class Ed25519PrivateKey {
 public:
  static StatusOr<Ed25519PrivateKey> Generate();
  static StatusOr<Ed25519PrivateKey> FromSeed(std::string_view seed32);
  static StatusOr<Ed25519PrivateKey> FromPem(std::string_view pkcs8_pem);

  // The seed is wiped from memory on destruction.
  ~Ed25519PrivateKey();
  Ed25519PrivateKey(const Ed25519PrivateKey&) = default;
  Ed25519PrivateKey& operator=(const Ed25519PrivateKey&) = default;
  Ed25519PrivateKey(Ed25519PrivateKey&&) = default;
  Ed25519PrivateKey& operator=(Ed25519PrivateKey&&) = default;

  std::string ToPem() const;         // PKCS#8
  std::string PublicKeyPem() const;  // SPKI
  const Ed25519PublicKey& public_key() const { return public_key_; }

  StatusOr<Ed25519Signature> Sign(std::string_view message) const;

 private:
  Ed25519PrivateKey() = default;
  std::array<uint8_t, 32> seed_{};
  Ed25519PublicKey public_key_{};
};

StatusOr<Ed25519PublicKey> Ed25519PublicKeyFromPem(std::string_view spki_pem);
std::string Ed25519PublicKeyToPem(const Ed25519PublicKey& key);
// A raw 32-byte public key (e.g. a JWK's decoded "x"); InvalidArgument
// when the length is wrong.
StatusOr<Ed25519PublicKey> Ed25519PublicKeyFromBytes(std::string_view raw32);

bool Ed25519Verify(const Ed25519PublicKey& key, std::string_view message,
                   std::string_view signature);

}  // namespace dsfl::crypto

#endif  // DSFL_COMMON_CRYPTO_ED25519_H_
