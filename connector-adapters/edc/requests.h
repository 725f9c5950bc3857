// Request bodies of the EDC Management API: built by the client, parsed by
// the dev dataspace (and by the fixture tests, so both directions agree
// with EDC's documented examples).
//
//   CatalogRequest   POST {mgmt}/{v}/catalog/request
//   QuerySpec        POST {mgmt}/{v}/catalogs/request (federated catalog),
//                    {fc}/v1alpha/catalog/query, .../contractagreements/request
//   ContractRequest  POST {mgmt}/{v}/contractnegotiations
//   TerminateNegotiation, TransferRequest (parse only)
//
// The JSON-LD context depends on the API version: v3 uses the default
// vocabulary {"@vocab": edc, plus the odrl/dcat/dct/dspace prefixes that
// DSP 0.8 offers use}; v4 uses EDC's named management context
// "https://w3id.org/edc/connector/management/v2".
//
// A contract request carries the provider's offer verbatim: only
// `assigner` (the provider's participant id) and `target` (the dataset id)
// are set, replacing any prefixed form of the same members; a policy
// without "@context" gets the ODRL context (v3), as in EDC's examples.
//
// Errors: InvalidArgument naming the missing member. Threading: pure.
#ifndef DSFL_CONNECTOR_ADAPTERS_EDC_REQUESTS_H_
#define DSFL_CONNECTOR_ADAPTERS_EDC_REQUESTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl::edc {

inline constexpr char kDsp2025Protocol[] = "dataspace-protocol-http:2025-1";

// The request "@context" for API version "v3", "v4", ...
nlohmann::json RequestContext(const std::string& api_version);

struct Criterion {
  std::string operand_left;
  std::string op;  // "=", "in", "like", ...
  nlohmann::json operand_right;
};

struct QuerySpec {
  int64_t offset = 0;
  int64_t limit = 50;
  std::string sort_order;  // "ASC" / "DESC" / "".
  std::string sort_field;
  std::vector<Criterion> filters;
};
nlohmann::json BuildQuerySpec(const QuerySpec& spec,
                              const std::string& api_version);
// Missing members take the defaults above.
StatusOr<QuerySpec> ParseQuerySpec(const nlohmann::json& json);

struct CatalogRequest {
  std::string counter_party_address;
  std::string counter_party_id;
  std::string protocol = kDsp2025Protocol;
  std::vector<std::string> additional_scopes;
  QuerySpec query;
};
nlohmann::json BuildCatalogRequest(const CatalogRequest& request,
                                   const std::string& api_version);
StatusOr<CatalogRequest> ParseCatalogRequest(const nlohmann::json& json);

struct ContractRequest {
  std::string counter_party_address;
  std::string counter_party_id;  // Optional in v3 (taken from assigner).
  std::string protocol = kDsp2025Protocol;
  nlohmann::json offer;  // The catalog's hasPolicy entry, verbatim.
  std::string assigner;  // Provider participant id.
  std::string target;    // Dataset (asset) id.
};
StatusOr<nlohmann::json> BuildContractRequest(const ContractRequest& request,
                                              const std::string& api_version);
// `offer` is the request's policy; assigner/target are read from it.
StatusOr<ContractRequest> ParseContractRequest(const nlohmann::json& json);

nlohmann::json BuildTerminateNegotiation(const std::string& negotiation_id,
                                         const std::string& reason,
                                         const std::string& api_version);
struct TerminateNegotiation {
  std::string id;
  std::string reason;
};
StatusOr<TerminateNegotiation> ParseTerminateNegotiation(
    const nlohmann::json& json);

struct TransferRequest {
  std::string protocol;
  std::string counter_party_address;
  std::string contract_id;
  std::string transfer_type;
  std::string asset_id;      // Optional.
  std::string connector_id;  // Optional (legacy "connectorId").
};
StatusOr<TransferRequest> ParseTransferRequest(const nlohmann::json& json);

}  // namespace dsfl::edc

#endif  // DSFL_CONNECTOR_ADAPTERS_EDC_REQUESTS_H_
