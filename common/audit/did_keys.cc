#include "common/audit/did_keys.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/crypto/base64url.h"

namespace dsfl::audit {
namespace {

using Json = nlohmann::json;

// Base58 (Bitcoin alphabet) decoding; false on a character outside it.
bool Base58Decode(const std::string& text, std::string* out) {
  static constexpr char kAlphabet[] =
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  std::vector<uint8_t> bytes;  // big-endian
  for (char c : text) {
    const char* p = std::find(kAlphabet, kAlphabet + 58, c);
    if (p == kAlphabet + 58) return false;
    uint32_t carry = static_cast<uint32_t>(p - kAlphabet);
    for (auto it = bytes.rbegin(); it != bytes.rend(); ++it) {
      carry += static_cast<uint32_t>(*it) * 58;
      *it = static_cast<uint8_t>(carry & 0xFF);
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.insert(bytes.begin(), static_cast<uint8_t>(carry & 0xFF));
      carry >>= 8;
    }
  }
  size_t zeros = 0;
  while (zeros < text.size() && text[zeros] == '1') ++zeros;
  out->assign(zeros, '\0');
  out->append(bytes.begin(), bytes.end());
  return true;
}

std::string AbsoluteId(const std::string& did, const Json& vm) {
  if (!vm.contains("id") || !vm["id"].is_string()) return did;
  const std::string id = vm["id"].get<std::string>();
  return absl::StartsWith(id, "#") ? did + id : id;
}

// The Ed25519 key of one verification method; nullopt when it holds
// another kind of key.
StatusOr<std::optional<crypto::Ed25519PublicKey>> KeyOf(const Json& vm,
                                                        const std::string& id) {
  const Json* jwk = vm.contains("publicKeyJwk") ? &vm["publicKeyJwk"] : nullptr;
  if (jwk != nullptr && jwk->is_object()) {
    if (jwk->value("kty", "") != "OKP" || jwk->value("crv", "") != "Ed25519") {
      return std::optional<crypto::Ed25519PublicKey>();
    }
    if (!jwk->contains("x") || !(*jwk)["x"].is_string()) {
      return absl::InvalidArgumentError(
          absl::StrCat(id, ": publicKeyJwk has no \"x\""));
    }
    auto raw = crypto::Base64UrlDecode((*jwk)["x"].get<std::string>());
    if (!raw.ok() || raw->size() != 32) {
      return absl::InvalidArgumentError(
          absl::StrCat(id, ": publicKeyJwk.x is not a base64url 32-byte key"));
    }
    DSFL_ASSIGN_OR_RETURN(crypto::Ed25519PublicKey key,
                          crypto::Ed25519PublicKeyFromBytes(*raw));
    return std::optional<crypto::Ed25519PublicKey>(key);
  }
  if (vm.contains("publicKeyMultibase") &&
      vm["publicKeyMultibase"].is_string()) {
    const std::string mb = vm["publicKeyMultibase"].get<std::string>();
    std::string raw;
    if (mb.size() < 2 || mb[0] != 'z' || !Base58Decode(mb.substr(1), &raw)) {
      return absl::InvalidArgumentError(absl::StrCat(
          id, ": publicKeyMultibase is not base58btc ('z' prefix)"));
    }
    // Multicodec ed25519-pub is 0xed 0x01; Ed25519VerificationKey2020
    // documents in the wild also carry the bare 32 bytes.
    if (raw.size() == 34 && static_cast<uint8_t>(raw[0]) == 0xed &&
        static_cast<uint8_t>(raw[1]) == 0x01) {
      raw = raw.substr(2);
    } else if (raw.size() != 32 ||
               vm.value("type", "") != "Ed25519VerificationKey2020") {
      return std::optional<crypto::Ed25519PublicKey>();
    }
    DSFL_ASSIGN_OR_RETURN(crypto::Ed25519PublicKey key,
                          crypto::Ed25519PublicKeyFromBytes(raw));
    return std::optional<crypto::Ed25519PublicKey>(key);
  }
  return std::optional<crypto::Ed25519PublicKey>();
}

}  // namespace

StatusOr<DidKeys> Ed25519KeysFromDidDocument(const Json& document) {
  if (!document.is_object() || !document.contains("id") ||
      !document["id"].is_string()) {
    return absl::InvalidArgumentError("DID document has no string \"id\"");
  }
  DidKeys out;
  out.did = document["id"].get<std::string>();
  std::vector<const Json*> methods;
  auto collect = [&methods](const Json& v) {
    if (v.is_object()) methods.push_back(&v);
    if (v.is_array()) {
      for (const Json& e : v) {
        if (e.is_object()) methods.push_back(&e);
      }
    }
  };
  for (const char* member :
       {"verificationMethod", "authentication", "assertionMethod",
        "capabilityInvocation", "capabilityDelegation", "publicKey"}) {
    if (document.contains(member)) collect(document[member]);
  }
  for (const Json* vm : methods) {
    const std::string id = AbsoluteId(out.did, *vm);
    DSFL_ASSIGN_OR_RETURN(std::optional<crypto::Ed25519PublicKey> key,
                          KeyOf(*vm, id));
    if (!key.has_value()) continue;
    bool seen = false;
    for (const DidEd25519Key& k : out.keys) seen = seen || k.key == *key;
    if (!seen) out.keys.push_back({id, *key});
  }
  if (out.keys.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "DID document ", out.did, " lists no Ed25519 verification key"));
  }
  return out;
}

StatusOr<DidKeys> ReadDidDocumentKeys(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  Json document;
  try {
    document = Json::parse(buffer.str());
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not JSON: ", e.what()));
  }
  auto keys = Ed25519KeysFromDidDocument(document);
  if (!keys.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", keys.status().message()));
  }
  return keys;
}

}  // namespace dsfl::audit
