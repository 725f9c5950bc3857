#include "connector-adapters/identity/jws.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/crypto/base64url.h"
#include "common/crypto/ed25519.h"
#include "connector-adapters/identity/es256.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::identity {
namespace {

constexpr size_t kMaxCompactBytes = 1u << 20;

StatusOr<std::string> DecodePart(std::string_view text, const char* what) {
  StatusOr<std::string> bytes = crypto::Base64UrlDecode(text);
  if (!bytes.ok()) {
    return Refuse(Reason::kMalformed,
                  absl::StrCat("JWS ", what, " is not base64url: ",
                               bytes.status().message()));
  }
  return bytes;
}

StatusOr<nlohmann::json> ParseObject(const std::string& text,
                                     const char* what) {
  nlohmann::json parsed =
      nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Refuse(Reason::kMalformed,
                  absl::StrCat("JWS ", what, " is not a JSON object"));
  }
  return parsed;
}

std::string HeaderString(const nlohmann::json& header, const char* name) {
  auto it = header.find(name);
  return it != header.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::string CompactJws::alg() const { return HeaderString(header, "alg"); }
std::string CompactJws::kid() const { return HeaderString(header, "kid"); }

StatusOr<CompactJws> ParseCompactJws(std::string_view compact) {
  while (!compact.empty() && absl::ascii_isspace(compact.back())) {
    compact.remove_suffix(1);
  }
  while (!compact.empty() && absl::ascii_isspace(compact.front())) {
    compact.remove_prefix(1);
  }
  if (compact.size() > kMaxCompactBytes) {
    return Refuse(Reason::kMalformed, "JWS is larger than 1 MiB");
  }
  size_t first = compact.find('.');
  size_t second = first == std::string_view::npos
                      ? std::string_view::npos
                      : compact.find('.', first + 1);
  if (second == std::string_view::npos ||
      compact.find('.', second + 1) != std::string_view::npos) {
    return Refuse(Reason::kMalformed,
                  "not a compact JWS (expected header.payload.signature)");
  }
  CompactJws jws;
  jws.signing_input = std::string(compact.substr(0, second));
  DSFL_ASSIGN_OR_RETURN(std::string header_text,
                        DecodePart(compact.substr(0, first), "header"));
  DSFL_ASSIGN_OR_RETURN(
      jws.payload,
      DecodePart(compact.substr(first + 1, second - first - 1), "payload"));
  DSFL_ASSIGN_OR_RETURN(jws.signature,
                        DecodePart(compact.substr(second + 1), "signature"));
  DSFL_ASSIGN_OR_RETURN(jws.header, ParseObject(header_text, "header"));
  auto alg = jws.header.find("alg");
  if (alg == jws.header.end() || !alg->is_string()) {
    return Refuse(Reason::kMalformed, "JWS header has no string 'alg'");
  }
  if (jws.header.contains("crit")) {
    return Refuse(Reason::kMalformed,
                  "JWS header has 'crit' extensions, which are not supported");
  }
  return jws;
}

StatusOr<nlohmann::json> JwsClaims(const CompactJws& jws) {
  return ParseObject(jws.payload, "payload");
}

Status CheckAlgorithmForKey(std::string_view alg, const PublicJwk& key) {
  const std::string name(alg);
  if (absl::AsciiStrToLower(name) == "none") {
    return Refuse(Reason::kAlgorithmRefused,
                  "JWS alg 'none' (unsigned token) is refused");
  }
  if (name.size() >= 2 && (name.compare(0, 2, "HS") == 0)) {
    return Refuse(Reason::kAlgorithmRefused,
                  absl::StrCat("JWS alg '", name,
                               "' (HMAC) is refused: public keys are never "
                               "used as HMAC secrets"));
  }
  const bool ok = key.type == KeyType::kP256
                      ? name == "ES256"
                      : (name == "EdDSA" || name == "Ed25519");
  if (!ok) {
    return Refuse(
        Reason::kAlgorithmRefused,
        absl::StrCat("JWS alg '", name, "' does not match the ",
                     std::string(key.Describe()), " key (expected ",
                     key.type == KeyType::kP256 ? "ES256" : "EdDSA or Ed25519",
                     ")"));
  }
  return absl::OkStatus();
}

Status VerifyJwsSignature(const CompactJws& jws, const PublicJwk& key) {
  DSFL_RETURN_IF_ERROR(CheckAlgorithmForKey(jws.alg(), key));
  bool valid = false;
  if (key.type == KeyType::kP256) {
    valid = Es256Verify(key, jws.signing_input, jws.signature);
  } else {
    crypto::Ed25519PublicKey raw{};
    std::copy(key.x.begin(), key.x.end(), raw.begin());
    valid = crypto::Ed25519Verify(raw, jws.signing_input, jws.signature);
  }
  if (!valid) {
    return Refuse(Reason::kBadSignature,
                  absl::StrCat(jws.alg(), " signature does not verify with ",
                               std::string(key.Describe()), " key"));
  }
  return absl::OkStatus();
}

StatusOr<std::string> SignCompactJws(nlohmann::json header,
                                     std::string_view payload,
                                     const SigningKey& key) {
  if (!header.is_object()) header = nlohmann::json::object();
  header["alg"] = std::string(key.algorithm());
  if (!header.contains("kid") && !key.kid().empty()) header["kid"] = key.kid();
  std::string signing_input =
      absl::StrCat(crypto::Base64UrlEncode(header.dump()), ".",
                   crypto::Base64UrlEncode(payload));
  DSFL_ASSIGN_OR_RETURN(std::string signature, key.Sign(signing_input));
  return absl::StrCat(signing_input, ".", crypto::Base64UrlEncode(signature));
}

}  // namespace dsfl::identity
