// Ed25519 public keys from a DID document, for verifying a node's audit
// log against its DID (`dsfl audit verify --did-doc FILE`).
//
// Accepted verification methods (in verificationMethod, or embedded in a
// verification relationship such as assertionMethod): type
// JsonWebKey2020, JsonWebKey, Ed25519VerificationKey2020/2018 or Multikey,
// with either publicKeyJwk {"kty":"OKP","crv":"Ed25519","x":...} or
// publicKeyMultibase ("z" + base58btc of 0xed 0x01 + 32-byte key). Other
// keys (P-256, X25519) are skipped.
//
// Errors: InvalidArgument naming the file and the problem (not JSON, no
// `id`, a malformed Ed25519 key, or no Ed25519 key at all). Thread-safe.
#ifndef DSFL_COMMON_AUDIT_DID_KEYS_H_
#define DSFL_COMMON_AUDIT_DID_KEYS_H_

#include <string>
#include <vector>

#include "common/crypto/ed25519.h"
#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl::audit {

struct DidEd25519Key {
  std::string id;  // verification method id (absolute when possible)
  crypto::Ed25519PublicKey key{};
};

struct DidKeys {
  std::string did;  // the document's id
  std::vector<DidEd25519Key> keys;
};

StatusOr<DidKeys> Ed25519KeysFromDidDocument(const nlohmann::json& document);
StatusOr<DidKeys> ReadDidDocumentKeys(const std::string& path);

}  // namespace dsfl::audit

#endif  // DSFL_COMMON_AUDIT_DID_KEYS_H_
