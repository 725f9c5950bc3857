// ManagementApiClient: the EDC Management API as the dsfl master (consumer)
// and slaves (providers) use it, over HttpFetcher (HTTPS with a CA).
//
//   RequestCatalog          POST {mgmt}/{v}/catalog/request
//   QueryFederatedCatalog   POST {mgmt}/{v}/catalogs/request   (embedded FC)
//                           POST {fc}/v1alpha/catalog/query    (legacy FC,
//                                when federated_catalog_url is set)
//   InitiateNegotiation     POST {mgmt}/{v}/contractnegotiations
//   GetNegotiationState     GET  {mgmt}/{v}/contractnegotiations/{id}/state
//   GetNegotiation          GET  {mgmt}/{v}/contractnegotiations/{id}
//   GetNegotiationAgreement GET  {mgmt}/{v}/contractnegotiations/{id}/agreement
//   TerminateNegotiation    POST {mgmt}/{v}/contractnegotiations/{id}/terminate
//   GetAgreement            GET  {mgmt}/{v}/contractagreements/{id}
//   QueryAgreements         POST {mgmt}/{v}/contractagreements/request
//
// {v} is api_version: "v3" by default (EDC <= 0.18), "v4" by configuration.
// Every request carries X-Api-Key when api_key is set. Path parameters are
// percent-encoded.
//
// Errors: Unauthenticated (HTTP 401/403: the API key), NotFound (404),
// InvalidArgument (400, with EDC's error messages), FailedPrecondition
// (409), Unavailable (502: the provider connector is unreachable; other
// 5xx; transport), InvalidArgument for response bodies that do not parse.
// Every message names the operation and the URL path.
// Ownership: borrows the fetcher. Threading: thread-safe if the fetcher is.
#ifndef DSFL_CONNECTOR_ADAPTERS_EDC_MANAGEMENT_CLIENT_H_
#define DSFL_CONNECTOR_ADAPTERS_EDC_MANAGEMENT_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "common/config_reader.h"
#include "common/status.h"
#include "connector-adapters/edc/catalog.h"
#include "connector-adapters/edc/negotiation.h"
#include "connector-adapters/edc/requests.h"
#include "connector-adapters/identity/http_fetcher.h"

namespace dsfl::edc {

struct ManagementApiConfig {
  std::string management_url;  // e.g. "https://connector:8081/api/management"
  std::string api_key;         // Secret; "" = no X-Api-Key header.
  std::string api_version = "v3";
  std::string federated_catalog_url;  // Legacy standalone FC base, or "".
  std::string protocol = kDsp2025Protocol;
};

// Reads {"management_url", "api_key", "api_version", "federated_catalog_url",
// "protocol"} from `reader` (unknown keys are the caller's Finish()).
ManagementApiConfig ReadManagementApiConfig(ConfigReader& reader);

class ManagementApiClient {
 public:
  // InvalidArgument for a bad URL or api_version (must be "v<digits>").
  static StatusOr<std::unique_ptr<ManagementApiClient>> Create(
      ManagementApiConfig config, identity::HttpFetcher* fetcher);

  const ManagementApiConfig& config() const { return config_; }

  StatusOr<Catalog> RequestCatalog(const CatalogRequest& request);
  StatusOr<std::vector<Catalog>> QueryFederatedCatalog(const QuerySpec& query);
  StatusOr<IdResponse> InitiateNegotiation(const ContractRequest& request);
  StatusOr<NegotiationState> GetNegotiationState(const std::string& id);
  StatusOr<ContractNegotiation> GetNegotiation(const std::string& id);
  StatusOr<ContractAgreement> GetNegotiationAgreement(const std::string& id);
  Status TerminateNegotiation(const std::string& id, const std::string& reason);
  StatusOr<ContractAgreement> GetAgreement(const std::string& agreement_id);
  StatusOr<std::vector<ContractAgreement>> QueryAgreements(
      const QuerySpec& query);

 private:
  ManagementApiClient(ManagementApiConfig config,
                      identity::HttpFetcher* fetcher)
      : config_(std::move(config)), fetcher_(fetcher) {}
  // Sends and returns the parsed 2xx JSON body (null for an empty body).
  StatusOr<nlohmann::json> Call(const std::string& what,
                                const std::string& method,
                                const std::string& url,
                                const nlohmann::json* body);
  std::string Url(const std::string& path) const;

  ManagementApiConfig config_;
  identity::HttpFetcher* fetcher_;
};

// Percent-encodes a path segment (RFC 3986 unreserved kept).
std::string EncodePathSegment(const std::string& segment);

}  // namespace dsfl::edc

#endif  // DSFL_CONNECTOR_ADAPTERS_EDC_MANAGEMENT_CLIENT_H_
