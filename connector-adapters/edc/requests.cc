#include "connector-adapters/edc/requests.h"

#include "absl/strings/str_cat.h"
#include "connector-adapters/edc/jsonld.h"

namespace dsfl::edc {
namespace {

using jsonld::Find;
using jsonld::Text;
using jsonld::TextOf;

Status Missing(const char* what, const char* member) {
  return absl::InvalidArgumentError(
      absl::StrCat(what, ": '", member, "' is missing or empty"));
}

bool IsV3(const std::string& api_version) { return api_version == "v3"; }

}  // namespace

nlohmann::json RequestContext(const std::string& api_version) {
  if (!IsV3(api_version)) {
    return nlohmann::json::array(
        {"https://w3id.org/edc/connector/management/v2"});
  }
  return {{"@vocab", jsonld::kEdcNs}, {"edc", jsonld::kEdcNs},
          {"odrl", jsonld::kOdrlNs},  {"dcat", jsonld::kDcatNs},
          {"dct", jsonld::kDctNs},    {"dspace", jsonld::kDspace2025Ns}};
}

nlohmann::json BuildQuerySpec(const QuerySpec& spec,
                              const std::string& api_version) {
  nlohmann::json json = {{"@context", RequestContext(api_version)},
                         {"@type", "QuerySpec"},
                         {"offset", spec.offset},
                         {"limit", spec.limit}};
  if (!spec.sort_order.empty()) json["sortOrder"] = spec.sort_order;
  if (!spec.sort_field.empty()) json["sortField"] = spec.sort_field;
  nlohmann::json filters = nlohmann::json::array();
  for (const Criterion& c : spec.filters) {
    filters.push_back({{"operandLeft", c.operand_left},
                       {"operator", c.op},
                       {"operandRight", c.operand_right}});
  }
  json["filterExpression"] = filters;
  return json;
}

StatusOr<QuerySpec> ParseQuerySpec(const nlohmann::json& json) {
  if (!json.is_object()) {
    return absl::InvalidArgumentError("QuerySpec: not a JSON object");
  }
  QuerySpec spec;
  if (auto offset = jsonld::Integer(Find(json, "offset")))
    spec.offset = *offset;
  if (auto limit = jsonld::Integer(Find(json, "limit"))) spec.limit = *limit;
  if (spec.offset < 0 || spec.limit < 0) {
    return absl::InvalidArgumentError(
        "QuerySpec: offset and limit must not be negative");
  }
  spec.sort_order = TextOf(json, "sortOrder");
  spec.sort_field = TextOf(json, "sortField");
  for (const nlohmann::json* item :
       jsonld::Values(Find(json, "filterExpression"))) {
    if (!item->is_object()) continue;
    Criterion criterion;
    criterion.operand_left = TextOf(*item, "operandLeft");
    criterion.op = TextOf(*item, "operator");
    const nlohmann::json* right = Find(*item, "operandRight");
    criterion.operand_right = right ? *right : nlohmann::json();
    spec.filters.push_back(std::move(criterion));
  }
  return spec;
}

nlohmann::json BuildCatalogRequest(const CatalogRequest& request,
                                   const std::string& api_version) {
  nlohmann::json json = {
      {"@context", RequestContext(api_version)},
      {"@type", "CatalogRequest"},
      {"counterPartyAddress", request.counter_party_address},
      {"counterPartyId", request.counter_party_id},
      {"protocol", request.protocol},
  };
  if (!request.additional_scopes.empty()) {
    json["additionalScopes"] = request.additional_scopes;
  }
  nlohmann::json query = BuildQuerySpec(request.query, api_version);
  query.erase("@context");
  json["querySpec"] = std::move(query);
  return json;
}

StatusOr<CatalogRequest> ParseCatalogRequest(const nlohmann::json& json) {
  if (!json.is_object()) {
    return absl::InvalidArgumentError("CatalogRequest: not a JSON object");
  }
  CatalogRequest request;
  request.counter_party_address = TextOf(json, "counterPartyAddress");
  request.counter_party_id = TextOf(json, "counterPartyId");
  request.protocol = TextOf(json, "protocol");
  if (request.counter_party_address.empty()) {
    return Missing("CatalogRequest", "counterPartyAddress");
  }
  if (request.protocol.empty()) return Missing("CatalogRequest", "protocol");
  for (const nlohmann::json* scope :
       jsonld::Values(Find(json, "additionalScopes"))) {
    if (auto text = Text(scope)) request.additional_scopes.push_back(*text);
  }
  if (const nlohmann::json* query = Find(json, "querySpec")) {
    DSFL_ASSIGN_OR_RETURN(request.query, ParseQuerySpec(*query));
  }
  return request;
}

StatusOr<nlohmann::json> BuildContractRequest(const ContractRequest& request,
                                              const std::string& api_version) {
  if (!request.offer.is_object() || jsonld::Id(request.offer).empty()) {
    return Missing("ContractRequest", "policy (the offer with its @id)");
  }
  if (request.assigner.empty()) return Missing("ContractRequest", "assigner");
  if (request.target.empty()) return Missing("ContractRequest", "target");
  if (request.counter_party_address.empty()) {
    return Missing("ContractRequest", "counterPartyAddress");
  }
  nlohmann::json policy = request.offer;
  for (auto it = policy.begin(); it != policy.end();) {
    std::string_view local = jsonld::LocalName(it.key());
    if (local == "assigner" || local == "target") {
      it = policy.erase(it);
    } else {
      ++it;
    }
  }
  policy["assigner"] = request.assigner;
  policy["target"] = request.target;
  if (!policy.contains("@type")) policy["@type"] = "Offer";
  if (IsV3(api_version) && !policy.contains("@context")) {
    policy["@context"] = jsonld::kOdrlContext;
  }
  nlohmann::json json = {
      {"@context", RequestContext(api_version)},
      {"@type", "ContractRequest"},
      {"counterPartyAddress", request.counter_party_address},
      {"protocol", request.protocol},
      {"policy", std::move(policy)},
      {"callbackAddresses", nlohmann::json::array()},
  };
  if (!request.counter_party_id.empty()) {
    json["counterPartyId"] = request.counter_party_id;
  }
  return json;
}

StatusOr<ContractRequest> ParseContractRequest(const nlohmann::json& json) {
  if (!json.is_object()) {
    return absl::InvalidArgumentError("ContractRequest: not a JSON object");
  }
  ContractRequest request;
  request.counter_party_address = TextOf(json, "counterPartyAddress");
  request.counter_party_id = TextOf(json, "counterPartyId");
  request.protocol = TextOf(json, "protocol");
  if (request.counter_party_address.empty()) {
    return Missing("ContractRequest", "counterPartyAddress");
  }
  if (request.protocol.empty()) return Missing("ContractRequest", "protocol");
  const nlohmann::json* policy = Find(json, "policy");
  if (policy == nullptr || !policy->is_object()) {
    return Missing("ContractRequest", "policy");
  }
  request.offer = *policy;
  if (jsonld::Id(*policy).empty())
    return Missing("ContractRequest", "policy.@id");
  request.assigner = TextOf(*policy, "assigner");
  request.target = TextOf(*policy, "target");
  if (request.assigner.empty()) {
    return Missing("ContractRequest", "policy.assigner");
  }
  if (request.target.empty())
    return Missing("ContractRequest", "policy.target");
  return request;
}

nlohmann::json BuildTerminateNegotiation(const std::string& negotiation_id,
                                         const std::string& reason,
                                         const std::string& api_version) {
  return {{"@context", RequestContext(api_version)},
          {"@type", "TerminateNegotiation"},
          {"@id", negotiation_id},
          {"reason", reason}};
}

StatusOr<TerminateNegotiation> ParseTerminateNegotiation(
    const nlohmann::json& json) {
  if (!json.is_object()) {
    return absl::InvalidArgumentError("TerminateNegotiation: not an object");
  }
  TerminateNegotiation terminate;
  terminate.id = jsonld::Id(json);
  terminate.reason = TextOf(json, "reason");
  if (terminate.reason.empty())
    return Missing("TerminateNegotiation", "reason");
  return terminate;
}

StatusOr<TransferRequest> ParseTransferRequest(const nlohmann::json& json) {
  if (!json.is_object()) {
    return absl::InvalidArgumentError("TransferRequest: not a JSON object");
  }
  TransferRequest request;
  request.protocol = TextOf(json, "protocol");
  request.counter_party_address = TextOf(json, "counterPartyAddress");
  request.contract_id = TextOf(json, "contractId");
  request.transfer_type = TextOf(json, "transferType");
  request.asset_id = TextOf(json, "assetId");
  request.connector_id = TextOf(json, "connectorId");
  if (request.contract_id.empty())
    return Missing("TransferRequest", "contractId");
  if (request.counter_party_address.empty()) {
    return Missing("TransferRequest", "counterPartyAddress");
  }
  if (request.protocol.empty()) return Missing("TransferRequest", "protocol");
  return request;
}

}  // namespace dsfl::edc
