#include "connector-adapters/identity/dcp_client.h"

#include "absl/strings/str_cat.h"
#include "connector-adapters/identity/refusal.h"
#include "connector-adapters/identity/self_issued_token.h"

namespace dsfl::identity {
namespace {

bool HasType(const nlohmann::json& message, const std::string& type) {
  for (const char* name : {"type", "@type"}) {
    auto it = message.find(name);
    if (it == message.end()) continue;
    if (it->is_string() && it->get<std::string>() == type) return true;
    if (it->is_array()) {
      for (const auto& t : *it) {
        if (t.is_string() && t.get<std::string>() == type) return true;
      }
    }
  }
  return false;
}

}  // namespace

std::string CredentialTypeScope(const std::string& credential_type) {
  return absl::StrCat("org.eclipse.dspace.dcp.vc.type:", credential_type,
                      ":read");
}

nlohmann::json BuildPresentationQuery(const std::vector<std::string>& scopes) {
  return {{"@context", nlohmann::json::array({kDcpContext})},
          {"type", "PresentationQueryMessage"},
          {"scope", scopes}};
}

StatusOr<std::vector<std::string>> ParsePresentationResponse(
    const nlohmann::json& response) {
  if (!response.is_object() ||
      !HasType(response, "PresentationResponseMessage")) {
    return absl::InvalidArgumentError(
        "not a PresentationResponseMessage (type/@type)");
  }
  auto presentations = response.find("presentation");
  if (presentations == response.end() || !presentations->is_array()) {
    return absl::InvalidArgumentError(
        "PresentationResponseMessage: 'presentation' is not an array");
  }
  std::vector<std::string> result;
  for (size_t i = 0; i < presentations->size(); ++i) {
    const nlohmann::json& vp = (*presentations)[i];
    if (!vp.is_string()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "presentation[", i,
          "] is a JSON-LD presentation; dsfl verifies VP-JWTs only"));
    }
    result.push_back(vp.get<std::string>());
  }
  return result;
}

StatusOr<std::vector<std::string>> PresentationQueryClient::Query(
    const std::string& holder_did, const std::vector<std::string>& scopes,
    const std::string& access_token) {
  if (scopes.empty()) {
    return absl::InvalidArgumentError("presentation query: no scopes");
  }
  DSFL_ASSIGN_OR_RETURN(DidDocument document, resolver_->Resolve(holder_did));
  std::optional<std::string> endpoint =
      document.ServiceEndpoint("CredentialService");
  if (!endpoint) {
    return Refuse(Reason::kUnknownDid,
                  absl::StrCat("DID document of ", holder_did,
                               " lists no CredentialService"));
  }
  SelfIssuedTokenRequest token_request;
  token_request.own_did = own_did_;
  token_request.audience = holder_did;
  token_request.access_token = access_token;
  DSFL_ASSIGN_OR_RETURN(
      std::string token,
      CreateSelfIssuedToken(*own_key_, token_request, *clock_));
  std::string url = *endpoint;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/presentations/query";
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers.emplace_back("Authorization", "Bearer " + token);
  request.headers.emplace_back("Accept", "application/json");
  request.content_type = "application/json";
  request.body = BuildPresentationQuery(scopes).dump();
  DSFL_ASSIGN_OR_RETURN(HttpResponse response, fetcher_->Fetch(request));
  const std::string where = absl::StrCat("CredentialService of ", holder_did,
                                         " (", UrlForMessage(url), ")");
  if (response.status == 401 || response.status == 403) {
    return absl::PermissionDeniedError(
        absl::StrCat(where, " refused the query (HTTP ", response.status, ")"));
  }
  if (response.status != 200) {
    return absl::UnavailableError(
        absl::StrCat(where, " answered HTTP ", response.status));
  }
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_discarded()) {
    return absl::InvalidArgumentError(where + " answered with invalid JSON");
  }
  StatusOr<std::vector<std::string>> vps = ParsePresentationResponse(body);
  if (!vps.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": ", vps.status().message()));
  }
  return vps;
}

}  // namespace dsfl::identity
