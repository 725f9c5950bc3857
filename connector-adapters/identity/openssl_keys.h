// Internal OpenSSL helpers of the identity library: EVP_PKEY <-> PublicJwk.
// Not part of the public API. Ownership: returned EVP_PKEYs belong to the
// caller (wrapped in UniquePkey). Threading: thread-safe.
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_OPENSSL_KEYS_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_OPENSSL_KEYS_H_

#include <openssl/evp.h>

#include <memory>
#include <string>

#include "common/status.h"
#include "connector-adapters/identity/jwk.h"

namespace dsfl::identity::internal {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using UniquePkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// An EVP_PKEY for the public key (P-256 point checked to be on the curve).
StatusOr<UniquePkey> PkeyFromJwk(const PublicJwk& jwk);
// The public key of `key` (P-256 or Ed25519); kUnsupportedKey otherwise.
StatusOr<PublicJwk> JwkFromPkey(EVP_PKEY* key);
// OpenSSL's error queue as text, drained.
std::string DrainOpenSslErrors();

}  // namespace dsfl::identity::internal

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_OPENSSL_KEYS_H_
