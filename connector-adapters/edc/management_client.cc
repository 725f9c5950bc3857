#include "connector-adapters/edc/management_client.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace dsfl::edc {
namespace {

constexpr size_t kMaxErrorChars = 300;

std::string Excerpt(const std::string& body) {
  std::string text = body.substr(0, kMaxErrorChars);
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return body.size() > kMaxErrorChars ? text + "..." : text;
}

std::string TrimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

std::string EncodePathSegment(const std::string& segment) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : segment) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

ManagementApiConfig ReadManagementApiConfig(ConfigReader& reader) {
  ManagementApiConfig config;
  config.management_url = reader.String("management_url");
  config.api_key = reader.String("api_key", "");
  config.api_version = reader.String("api_version", config.api_version);
  config.federated_catalog_url = reader.String("federated_catalog_url", "");
  config.protocol = reader.String("protocol", config.protocol);
  return config;
}

StatusOr<std::unique_ptr<ManagementApiClient>> ManagementApiClient::Create(
    ManagementApiConfig config, identity::HttpFetcher* fetcher) {
  DSFL_RETURN_IF_ERROR(identity::ParseHttpUrl(config.management_url).status());
  if (!config.federated_catalog_url.empty()) {
    DSFL_RETURN_IF_ERROR(
        identity::ParseHttpUrl(config.federated_catalog_url).status());
  }
  const std::string& v = config.api_version;
  bool version_ok = v.size() >= 2 && v[0] == 'v';
  for (size_t i = 1; i < v.size(); ++i) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(v[i]))) {
      version_ok = false;
    }
  }
  if (!version_ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "api_version: '", v, "' is not an API version like v3 or v4"));
  }
  config.management_url = TrimSlash(config.management_url);
  config.federated_catalog_url = TrimSlash(config.federated_catalog_url);
  return std::unique_ptr<ManagementApiClient>(
      new ManagementApiClient(std::move(config), fetcher));
}

std::string ManagementApiClient::Url(const std::string& path) const {
  return absl::StrCat(config_.management_url, "/", config_.api_version, path);
}

StatusOr<nlohmann::json> ManagementApiClient::Call(const std::string& what,
                                                   const std::string& method,
                                                   const std::string& url,
                                                   const nlohmann::json* body) {
  identity::HttpRequest request;
  request.method = method;
  request.url = url;
  request.headers.emplace_back("Accept", "application/json");
  if (!config_.api_key.empty()) {
    request.headers.emplace_back("X-Api-Key", config_.api_key);
  }
  if (body != nullptr) {
    request.body = body->dump();
    request.content_type = "application/json";
  }
  const std::string where =
      absl::StrCat(what, " (", method, " ", identity::UrlForMessage(url), ")");
  StatusOr<identity::HttpResponse> response = fetcher_->Fetch(request);
  if (!response.ok()) {
    return Status(response.status().code(),
                  absl::StrCat(where, ": ", response.status().message()));
  }
  const int status = response->status;
  if (status < 200 || status >= 300) {
    nlohmann::json error_body =
        nlohmann::json::parse(response->body, nullptr, false);
    std::string detail = error_body.is_discarded()
                             ? Excerpt(response->body)
                             : DescribeApiErrors(ParseApiErrors(error_body));
    if (detail.empty()) detail = Excerpt(response->body);
    const std::string message = absl::StrCat(
        where, " answered HTTP ", status, detail.empty() ? "" : ": ", detail);
    switch (status) {
      case 401:
      case 403:
        return absl::UnauthenticatedError(
            absl::StrCat(message, " (check the X-Api-Key)"));
      case 404:
        return absl::NotFoundError(message);
      case 400:
        return absl::InvalidArgumentError(message);
      case 409:
        return absl::FailedPreconditionError(message);
      case 502:
        return absl::UnavailableError(
            absl::StrCat(message,
                         " (the counter-party connector did not "
                         "answer)"));
      default:
        return absl::UnavailableError(message);
    }
  }
  if (absl::StripAsciiWhitespace(response->body).empty()) {
    return nlohmann::json();
  }
  nlohmann::json json = nlohmann::json::parse(response->body, nullptr, false);
  if (json.is_discarded()) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, " returned invalid JSON: ", Excerpt(response->body)));
  }
  return json;
}

namespace {

template <typename T>
StatusOr<T> Named(StatusOr<T> parsed, const std::string& what) {
  if (parsed.ok()) return parsed;
  return Status(parsed.status().code(),
                absl::StrCat(what, ": ", parsed.status().message()));
}

}  // namespace

StatusOr<Catalog> ManagementApiClient::RequestCatalog(
    const CatalogRequest& request) {
  CatalogRequest effective = request;
  if (effective.protocol.empty()) effective.protocol = config_.protocol;
  nlohmann::json body = BuildCatalogRequest(effective, config_.api_version);
  DSFL_ASSIGN_OR_RETURN(
      nlohmann::json json,
      Call("catalog request", "POST", Url("/catalog/request"), &body));
  return Named(ParseCatalog(json), "catalog request");
}

StatusOr<std::vector<Catalog>> ManagementApiClient::QueryFederatedCatalog(
    const QuerySpec& query) {
  nlohmann::json body = BuildQuerySpec(query, config_.api_version);
  const std::string url =
      config_.federated_catalog_url.empty()
          ? Url("/catalogs/request?flatten=false")
          : config_.federated_catalog_url + "/v1alpha/catalog/query";
  DSFL_ASSIGN_OR_RETURN(nlohmann::json json,
                        Call("federated catalog query", "POST", url, &body));
  return Named(ParseCatalogList(json), "federated catalog query");
}

StatusOr<IdResponse> ManagementApiClient::InitiateNegotiation(
    const ContractRequest& request) {
  ContractRequest effective = request;
  if (effective.protocol.empty()) effective.protocol = config_.protocol;
  DSFL_ASSIGN_OR_RETURN(nlohmann::json body,
                        BuildContractRequest(effective, config_.api_version));
  DSFL_ASSIGN_OR_RETURN(nlohmann::json json,
                        Call("contract negotiation", "POST",
                             Url("/contractnegotiations"), &body));
  return Named(ParseIdResponse(json), "contract negotiation");
}

StatusOr<NegotiationState> ManagementApiClient::GetNegotiationState(
    const std::string& id) {
  const std::string what = "negotiation state of " + id;
  DSFL_ASSIGN_OR_RETURN(
      nlohmann::json json,
      Call(what, "GET",
           Url("/contractnegotiations/" + EncodePathSegment(id) + "/state"),
           nullptr));
  return Named(ParseNegotiationStateResponse(json), what);
}

StatusOr<ContractNegotiation> ManagementApiClient::GetNegotiation(
    const std::string& id) {
  const std::string what = "negotiation " + id;
  DSFL_ASSIGN_OR_RETURN(
      nlohmann::json json,
      Call(what, "GET", Url("/contractnegotiations/" + EncodePathSegment(id)),
           nullptr));
  return Named(ParseContractNegotiation(json), what);
}

StatusOr<ContractAgreement> ManagementApiClient::GetNegotiationAgreement(
    const std::string& id) {
  const std::string what = "agreement of negotiation " + id;
  DSFL_ASSIGN_OR_RETURN(
      nlohmann::json json,
      Call(what, "GET",
           Url("/contractnegotiations/" + EncodePathSegment(id) + "/agreement"),
           nullptr));
  return Named(ParseContractAgreement(json), what);
}

Status ManagementApiClient::TerminateNegotiation(const std::string& id,
                                                 const std::string& reason) {
  nlohmann::json body =
      BuildTerminateNegotiation(id, reason, config_.api_version);
  return Call("terminate negotiation " + id, "POST",
              Url("/contractnegotiations/" + EncodePathSegment(id) +
                  "/terminate"),
              &body)
      .status();
}

StatusOr<ContractAgreement> ManagementApiClient::GetAgreement(
    const std::string& agreement_id) {
  const std::string what = "contract agreement " + agreement_id;
  DSFL_ASSIGN_OR_RETURN(
      nlohmann::json json,
      Call(what, "GET",
           Url("/contractagreements/" + EncodePathSegment(agreement_id)),
           nullptr));
  return Named(ParseContractAgreement(json), what);
}

StatusOr<std::vector<ContractAgreement>> ManagementApiClient::QueryAgreements(
    const QuerySpec& query) {
  nlohmann::json body = BuildQuerySpec(query, config_.api_version);
  DSFL_ASSIGN_OR_RETURN(nlohmann::json json,
                        Call("contract agreement query", "POST",
                             Url("/contractagreements/request"), &body));
  return Named(ParseContractAgreementList(json), "contract agreement query");
}

}  // namespace dsfl::edc
