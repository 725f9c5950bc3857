#include "master/transport/sts_client.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "connector-adapters/identity/dcp_client.h"
#include "nlohmann/json.hpp"

namespace dsfl::master {

StatusOr<std::string> MintMasterAccessToken(
    identity::HttpFetcher& fetcher, const std::string& sts_url,
    const std::string& api_key, const std::string& audience_did,
    const std::vector<std::string>& credential_types) {
  std::vector<std::string> scopes;
  for (const std::string& type : credential_types) {
    scopes.push_back(identity::CredentialTypeScope(type));
  }
  identity::HttpRequest request;
  request.method = "POST";
  request.url = sts_url;
  if (!api_key.empty()) request.headers = {{"X-Api-Key", api_key}};
  request.content_type = "application/json";
  request.body = nlohmann::json{{"audience", audience_did},
                                {"scope", absl::StrJoin(scopes, " ")}}
                     .dump();
  const std::string where = identity::UrlForMessage(sts_url);
  StatusOr<identity::HttpResponse> response = fetcher.Fetch(request);
  if (!response.ok()) {
    return Status(
        response.status().code(),
        absl::StrCat("STS ", where, ": ", response.status().message()));
  }
  if (response->status == 401 || response->status == 403) {
    return absl::PermissionDeniedError(
        absl::StrCat("STS ", where, ": HTTP ", response->status,
                     " (check dataspace.connector.api_key)"));
  }
  if (response->status != 200) {
    return absl::FailedPreconditionError(
        absl::StrCat("STS ", where, ": HTTP ", response->status, " ",
                     response->body.substr(0, 200)));
  }
  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
  if (!body.is_object() || !body.contains("access_token") ||
      !body["access_token"].is_string() ||
      body["access_token"].get<std::string>().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("STS ", where, ": the answer holds no access_token"));
  }
  return body["access_token"].get<std::string>();
}

}  // namespace dsfl::master
