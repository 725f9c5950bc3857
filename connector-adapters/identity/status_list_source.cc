#include "connector-adapters/identity/status_list_source.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "connector-adapters/identity/jwt_claims.h"
#include "connector-adapters/identity/jwt_verifier.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::identity {

StatusOr<StatusListCredential> HttpStatusListSource::Fetch(
    const std::string& url) {
  const absl::Time now = clock_->Now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(url);
    if (it != cache_.end() && now < it->second.first) return it->second.second;
  }
  DSFL_ASSIGN_OR_RETURN(StatusListCredential list, FetchUncached(url));
  std::lock_guard<std::mutex> lock(mu_);
  cache_.insert_or_assign(url, std::make_pair(now + options_.cache_ttl, list));
  return list;
}

StatusOr<StatusListCredential> HttpStatusListSource::FetchUncached(
    const std::string& url) {
  HttpRequest request;
  request.url = url;
  request.headers.emplace_back("Accept",
                               "application/vc+jwt, application/json");
  StatusOr<HttpResponse> response = fetcher_->Fetch(request);
  if (!response.ok()) {
    return Refuse(Reason::kStatusUnavailable,
                  absl::StrCat("status list ", UrlForMessage(url), ": ",
                               response.status().message()));
  }
  if (response->status != 200) {
    return Refuse(Reason::kStatusUnavailable,
                  absl::StrCat("status list ", UrlForMessage(url),
                               " answered HTTP ", response->status));
  }
  std::string body(absl::StripAsciiWhitespace(response->body));
  const std::string what = absl::StrCat("status list ", UrlForMessage(url));
  if (!body.empty() && body.front() != '{') {
    DSFL_ASSIGN_OR_RETURN(VerifiedJwt jwt,
                          VerifyIssuerSignedJwt(body, *resolver_, what));
    TimeCheckOptions times;
    times.leeway = options_.leeway;
    DSFL_RETURN_IF_ERROR(CheckJwtTimes(jwt.claims, clock_->Now(), times, what));
    auto vc = jwt.claims.find("vc");
    if (vc == jwt.claims.end()) {
      return Refuse(Reason::kMalformed, what + ": VC-JWT has no 'vc' claim");
    }
    DSFL_ASSIGN_OR_RETURN(StatusListCredential list,
                          ParseStatusListCredential(*vc));
    if (!list.issuer.empty() && list.issuer != jwt.issuer) {
      return Refuse(Reason::kMalformed,
                    absl::StrCat(what, ": vc.issuer '", list.issuer,
                                 "' differs from iss '", jwt.issuer, "'"));
    }
    list.issuer = jwt.issuer;
    return list;
  }
  if (!options_.allow_unsigned_json) {
    return Refuse(Reason::kStatusUnavailable,
                  what +
                      " is unsigned JSON; only VC-JWT status lists are "
                      "trusted (allow_unsigned_json is off)");
  }
  nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded()) {
    return Refuse(Reason::kMalformed, what + " is neither a JWT nor JSON");
  }
  return ParseStatusListCredential(json);
}

}  // namespace dsfl::identity
