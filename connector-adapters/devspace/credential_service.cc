// Dataspace: the DCP CredentialService and a minimal STS. See dataspace.h.
//
// POST /participants/<holder>/cs/presentations/query
//   Authorization: Bearer <self-issued ID token of the verifier>
//   The token must be signed by a key of the verifier's DID (a participant
//   of this dataspace), with aud = the holder's DID. Its `token` claim (the
//   holder's access token) is verified when present and required when
//   require_access_token is set; its scopes then bound the query's. The
//   answer is a PresentationResponseMessage with one VP-JWT, signed by the
//   holder, addressed to the verifier, holding the credentials of the
//   requested types (`org.eclipse.dspace.dcp.vc.type:<Type>:<op>`).
//   presentationDefinition queries get 501, as from IdentityHub.
//
// POST /participants/<p>/sts/token   (X-Api-Key)
//   {"audience": "<verifier DID>", "scope": "<scopes>"} ->
//   {"jwt": self-issued token of <p> for the audience, carrying an access
//    token that lets the audience query <p>'s CredentialService}.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "connector-adapters/devspace/dataspace.h"
#include "connector-adapters/devspace/dataspace_internal.h"
#include "connector-adapters/identity/credential_issuer.h"
#include "connector-adapters/identity/dcp_client.h"
#include "connector-adapters/identity/self_issued_token.h"

namespace dsfl::devspace {

using internal::ApiError;
using internal::Json;
using internal::ParseBody;

namespace {

// "org.eclipse.dspace.dcp.vc.type:Membership:read" -> "Membership";
// also the legacy alias "org.eclipse.edc.vc.type". "" if not a type scope.
std::string ScopeType(const std::string& scope) {
  for (const char* alias :
       {"org.eclipse.dspace.dcp.vc.type:", "org.eclipse.edc.vc.type:"}) {
    const std::string prefix = alias;
    if (scope.rfind(prefix, 0) != 0) continue;
    std::string rest = scope.substr(prefix.size());
    size_t colon = rest.rfind(':');
    return colon == std::string::npos ? rest : rest.substr(0, colon);
  }
  return "";
}

}  // namespace

HttpReply Dataspace::HandlePresentationQuery(Party& holder,
                                             const HttpCall& call) {
  const std::string authorization = call.Header("Authorization");
  constexpr char kBearer[] = "Bearer ";
  if (authorization.rfind(kBearer, 0) != 0) {
    return ApiError(401, "Authorization: Bearer <self-issued token> required",
                    "AuthenticationFailed");
  }
  identity::SelfIssuedTokenPolicy policy;
  policy.own_did = holder.did;
  policy.require_access_token = config_.require_access_token;
  policy.jti_cache = &jti_cache_;
  StatusOr<identity::VerifiedSelfIssuedToken> token =
      identity::VerifySelfIssuedToken(authorization.substr(sizeof(kBearer) - 1),
                                      resolver_, *clock_, policy);
  if (!token.ok()) {
    return ApiError(401, std::string(token.status().message()),
                    "AuthenticationFailed");
  }
  std::vector<std::string> allowed_scopes;
  bool scoped = false;
  if (!token->access_token.empty()) {
    StatusOr<identity::VerifiedAccessToken> access =
        identity::VerifyAccessToken(token->access_token, holder.did, resolver_,
                                    *clock_, absl::Seconds(5));
    if (!access.ok()) {
      return ApiError(401, std::string(access.status().message()),
                      "AuthenticationFailed");
    }
    if (access->verifier != token->issuer) {
      return ApiError(
          401,
          absl::StrCat("access token was issued to ", access->verifier,
                       ", not to ", token->issuer),
          "AuthenticationFailed");
    }
    allowed_scopes = access->scopes;
    scoped = true;
  }
  nlohmann::json query;
  HttpReply error;
  if (!ParseBody(call.body, &query, &error)) return error;
  const bool has_scope = query.contains("scope") && !query["scope"].is_null();
  const bool has_definition = query.contains("presentationDefinition") &&
                              !query["presentationDefinition"].is_null();
  if (has_scope && has_definition) {
    return ApiError(400, "scope and presentationDefinition are exclusive");
  }
  if (has_definition) {
    return ApiError(501, "presentationDefinition is not supported",
                    "NotImplemented");
  }
  if (!has_scope || !query["scope"].is_array() || query["scope"].empty()) {
    return ApiError(400, "scope: a non-empty array is required");
  }
  std::vector<std::string> credentials;
  for (const auto& scope : query["scope"]) {
    if (!scope.is_string()) return ApiError(400, "scope: strings expected");
    const std::string text = scope.get<std::string>();
    if (scoped && std::find(allowed_scopes.begin(), allowed_scopes.end(),
                            text) == allowed_scopes.end()) {
      continue;  // Not entitled: fewer credentials, as DCP says.
    }
    auto vc = holder.credentials.find(ScopeType(text));
    if (vc != holder.credentials.end() &&
        std::find(credentials.begin(), credentials.end(), vc->second) ==
            credentials.end()) {
      credentials.push_back(vc->second);
    }
  }
  identity::PresentationRequest request;
  request.holder_did = holder.did;
  request.audience = token->issuer;
  request.credentials = credentials;
  request.issued = clock_->Now();
  StatusOr<std::string> vp =
      identity::CreatePresentationJwt(*holder.key, request);
  if (!vp.ok()) return ApiError(500, std::string(vp.status().message()));
  return Json({{"@context", nlohmann::json::array({identity::kDcpContext})},
               {"type", "PresentationResponseMessage"},
               {"presentation", nlohmann::json::array({*vp})}});
}

HttpReply Dataspace::HandleSts(Party& party, const std::string& body) {
  nlohmann::json json;
  HttpReply error;
  if (!ParseBody(body, &json, &error)) return error;
  const std::string audience = json.value("audience", "");
  const std::string scope = json.value("scope", "");
  if (audience.empty()) return ApiError(400, "audience: required");
  std::string access_token;
  if (!scope.empty()) {
    identity::AccessTokenRequest access;
    access.holder_did = party.did;
    access.verifier_did = audience;
    access.scope = scope;
    StatusOr<std::string> minted =
        identity::CreateAccessToken(*party.key, access, *clock_);
    if (!minted.ok())
      return ApiError(500, std::string(minted.status().message()));
    access_token = *minted;
  }
  identity::SelfIssuedTokenRequest request;
  request.own_did = party.did;
  request.audience = audience;
  request.access_token = access_token;
  StatusOr<std::string> jwt =
      identity::CreateSelfIssuedToken(*party.key, request, *clock_);
  if (!jwt.ok()) return ApiError(500, std::string(jwt.status().message()));
  return Json({{"jwt", *jwt}, {"access_token", access_token}});
}

}  // namespace dsfl::devspace
