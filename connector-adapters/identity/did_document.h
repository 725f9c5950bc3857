// DidDocument: a parsed DID document (W3C DID Core) as did:web serves it,
// read leniently the way EDC/IdentityHub documents need:
//   - verification method and service ids may be absolute ("did:...#k"),
//     fragment-relative ("#key-1") or bare ("key-1"); all are resolved
//     against the document id;
//   - relationships (authentication, assertionMethod, capabilityInvocation,
//     capabilityDelegation, keyAgreement) may be missing, empty, hold
//     references or embedded methods;
//   - null members and unknown members are ignored;
//   - key material comes only from `publicKeyJwk` (JsonWebKey2020,
//     JsonWebKey, EcdsaSecp256r1VerificationKey2019,
//     Ed25519VerificationKey2020/2018 with a JWK); a method whose key is
//     missing or unsupported is kept, with the reason, so that using it
//     fails with that reason.
//
// Key selection (FindMethod) follows EDC's DidPublicKeyResolverImpl: with a
// kid, the method whose id equals the kid or <doc id>#<kid fragment>;
// without a kid, the only method (more than one is ambiguous).
//
// Errors: Parse() returns kMalformed naming the member; FindMethod returns
// kWrongKey when no method matches, kUnsupportedKey when it has no usable
// key. Threading: immutable after Parse(); thread-safe.
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_DID_DOCUMENT_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_DID_DOCUMENT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "connector-adapters/identity/jwk.h"
#include "nlohmann/json.hpp"

namespace dsfl::identity {

enum class Relationship {
  kAuthentication,
  kAssertionMethod,
  kCapabilityInvocation,
  kCapabilityDelegation,
  kKeyAgreement,
};
std::string_view RelationshipName(Relationship relationship);

struct VerificationMethod {
  std::string id;  // Absolute DID URL.
  std::string type;
  std::string controller;
  std::optional<PublicJwk> key;  // Absent: see key_error.
  Status key_error;              // Why `key` is absent.
};

struct DidService {
  std::string id;  // Absolute.
  std::string type;
  std::string endpoint;  // First string endpoint; "" if none.
};

class DidDocument {
 public:
  static StatusOr<DidDocument> Parse(const nlohmann::json& json);
  static StatusOr<DidDocument> ParseText(std::string_view text,
                                         std::string_view origin);

  const std::string& id() const { return id_; }
  const std::vector<VerificationMethod>& methods() const { return methods_; }
  const std::vector<DidService>& services() const { return services_; }
  const nlohmann::json& json() const { return json_; }

  // Resolves a relative id ("#k", "k") against id(); absolute ids unchanged.
  std::string Absolute(std::string_view id) const;

  // The method for `kid` (see the file comment). `kid` may be empty.
  StatusOr<const VerificationMethod*> FindMethod(std::string_view kid) const;

  bool HasRelationship(Relationship relationship,
                       std::string_view method_id) const;

  // The first service of `type` (e.g. "CredentialService"), if any.
  std::optional<std::string> ServiceEndpoint(std::string_view type) const;

 private:
  std::string id_;
  std::vector<VerificationMethod> methods_;
  std::vector<std::pair<Relationship, std::string>> relationships_;
  std::vector<DidService> services_;
  nlohmann::json json_;
};

}  // namespace dsfl::identity

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_DID_DOCUMENT_H_
