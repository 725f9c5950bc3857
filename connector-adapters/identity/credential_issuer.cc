#include "connector-adapters/identity/credential_issuer.h"

#include "absl/strings/str_cat.h"
#include "connector-adapters/identity/jws.h"
#include "connector-adapters/identity/self_issued_token.h"

namespace dsfl::identity {
namespace {

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

nlohmann::json JwtHeader() { return {{"typ", "JWT"}}; }

}  // namespace

StatusOr<std::string> IssueCredentialJwt(const SigningKey& issuer_key,
                                         const std::string& issuer_did,
                                         const CredentialRequest& request) {
  if (issuer_did.empty() || request.subject_did.empty()) {
    return absl::InvalidArgumentError(
        "credential: issuer and subject DIDs are required");
  }
  const std::string id =
      request.id.empty() ? "urn:uuid:" + RandomUuid() : request.id;
  nlohmann::json types = nlohmann::json::array({"VerifiableCredential"});
  for (const std::string& type : request.types) types.push_back(type);
  nlohmann::json subject = request.subject_claims;
  subject["id"] = request.subject_did;
  nlohmann::json vc = {
      {"@context",
       {"https://www.w3.org/2018/credentials/v1",
        "https://w3id.org/security/suites/jws-2020/v1"}},
      {"id", id},
      {"type", types},
      {"issuer", issuer_did},
      {"issuanceDate", Rfc3339(request.issued)},
      {"credentialSubject", subject},
  };
  if (request.expires) vc["expirationDate"] = Rfc3339(*request.expires);
  if (request.status) {
    const StatusListEntry& entry = *request.status;
    vc["credentialStatus"] = {
        {"id", absl::StrCat(entry.list_credential, "#", entry.index)},
        {"type", entry.type},
        {"statusPurpose", entry.purpose},
        {"statusListIndex", std::to_string(entry.index)},
        {"statusListCredential", entry.list_credential}};
    if (entry.type == "StatusList2021Entry") {
      vc["@context"].push_back("https://w3id.org/vc/status-list/2021/v1");
    }
  }
  nlohmann::json claims = {
      {"iss", issuer_did},
      {"sub", request.subject_did},
      {"jti", id},
      {"iat", absl::ToUnixSeconds(request.issued)},
      {"nbf", absl::ToUnixSeconds(request.issued)},
      {"vc", vc},
  };
  if (request.expires) claims["exp"] = absl::ToUnixSeconds(*request.expires);
  return SignCompactJws(JwtHeader(), claims.dump(), issuer_key);
}

StatusOr<std::string> CreatePresentationJwt(
    const SigningKey& holder_key, const PresentationRequest& request) {
  if (request.holder_did.empty()) {
    return absl::InvalidArgumentError("presentation: holder DID is required");
  }
  const int64_t issued = absl::ToUnixSeconds(request.issued);
  nlohmann::json claims = {
      {"iss", request.holder_did},
      {"aud", request.audience},
      {"controller", request.holder_did},
      {"iat", issued},
      {"nbf", issued},
      {"exp", issued + absl::ToInt64Seconds(request.validity)},
      {"jti", RandomUuid()},
      {"vp",
       {{"@context",
         {"https://www.w3.org/2018/credentials/v1",
          "https://identity.foundation/presentation-exchange/submission/v1"}},
        {"type", "VerifiablePresentation"},
        {"verifiableCredential", request.credentials}}},
  };
  return SignCompactJws(JwtHeader(), claims.dump(), holder_key);
}

StatusOr<std::string> IssueStatusListJwt(const SigningKey& issuer_key,
                                         const std::string& issuer_did,
                                         const StatusBitstring& bits,
                                         const StatusListRequest& request) {
  DSFL_ASSIGN_OR_RETURN(std::string encoded, bits.Encode());
  nlohmann::json vc = {
      {"@context", {"https://www.w3.org/ns/credentials/v2"}},
      {"id", request.id},
      {"type", {"VerifiableCredential", "BitstringStatusListCredential"}},
      {"issuer", issuer_did},
      {"validFrom", Rfc3339(request.issued)},
      {"credentialSubject",
       {{"id", request.id + "#list"},
        {"type", "BitstringStatusList"},
        {"statusPurpose", request.purpose},
        {"encodedList", encoded}}},
  };
  const int64_t issued = absl::ToUnixSeconds(request.issued);
  nlohmann::json claims = {
      {"iss", issuer_did},
      {"sub", request.id + "#list"},
      {"jti", request.id},
      {"iat", issued},
      {"nbf", issued},
      {"exp", issued + absl::ToInt64Seconds(request.validity)},
      {"vc", vc},
  };
  return SignCompactJws({{"typ", "vc+jwt"}}, claims.dump(), issuer_key);
}

nlohmann::json BuildDidDocumentJson(const std::string& did,
                                    const std::vector<const SigningKey*>& keys,
                                    const std::vector<DidService>& services,
                                    bool authentication) {
  nlohmann::json service_json = nlohmann::json::array();
  for (const DidService& service : services) {
    service_json.push_back({{"id", service.id},
                            {"type", service.type},
                            {"serviceEndpoint", service.endpoint}});
  }
  nlohmann::json methods = nlohmann::json::array();
  nlohmann::json auth = nlohmann::json::array();
  for (const SigningKey* key : keys) {
    methods.push_back({{"id", key->kid()},
                       {"type", "JsonWebKey2020"},
                       {"controller", did},
                       {"publicKeyMultibase", nullptr},
                       {"publicKeyJwk", key->public_jwk().ToJson()}});
    if (authentication) auth.push_back(key->kid());
  }
  return {{"service", service_json},
          {"verificationMethod", methods},
          {"authentication", auth},
          {"id", did},
          {"@context", {"https://www.w3.org/ns/did/v1"}}};
}

}  // namespace dsfl::identity
