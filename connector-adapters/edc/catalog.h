// DCAT catalogs as EDC returns them: the provider's catalog from
// POST {mgmt}/v3/catalog/request (DSP 0.8 "dcat:Catalog" or 2025-1
// "Catalog" shapes, passed through raw by EDC) and the arrays of catalogs
// the federated catalog returns (embedded /v3/catalogs/request or the
// legacy /v1alpha/catalog/query), including catalogs nested under
// `catalog`/`dcat:catalog` or listed among the datasets with @type Catalog.
// Read with jsonld.h's lenient rules.
//
// Offers are kept verbatim (the JSON of hasPolicy) because a negotiation
// must send the provider's offer unchanged.
//
// Errors: InvalidArgument naming the member when a catalog is not an
// object or lacks what a catalog must have (datasets are optional).
// Threading: value types.
#ifndef DSFL_CONNECTOR_ADAPTERS_EDC_CATALOG_H_
#define DSFL_CONNECTOR_ADAPTERS_EDC_CATALOG_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl::edc {

struct Offer {
  std::string id;  // hasPolicy @id (base64(def):base64(asset):base64(uuid))
  nlohmann::json policy;  // Verbatim.
};

struct Distribution {
  std::string format;          // e.g. "HttpData-PULL"
  std::string access_service;  // DataService @id
  std::string endpoint_url;    // Inline accessService endpoint, if any.
};

struct Dataset {
  std::string id;  // = the asset id.
  std::vector<Offer> offers;
  std::vector<Distribution> distributions;
  std::string description;
  nlohmann::json json;  // Verbatim, for custom properties.
};

struct DataService {
  std::string id;
  std::string endpoint_url;  // The DSP address (counterPartyAddress).
};

struct Catalog {
  std::string id;
  std::string participant_id;  // The provider (a DID under DCP).
  std::string originator;      // Federated catalog: the crawled DSP URL.
  std::vector<DataService> services;
  std::vector<Dataset> datasets;
  std::vector<Catalog> catalogs;  // Nested catalogs.

  // The DSP endpoint to negotiate with: the first service's endpoint URL,
  // else `originator`.
  std::string DspEndpoint() const;
};

StatusOr<Catalog> ParseCatalog(const nlohmann::json& json);
// A federated catalog response: an array of catalogs (or one catalog).
StatusOr<std::vector<Catalog>> ParseCatalogList(const nlohmann::json& json);

// Every catalog of the tree, depth first, with `participant_id` and
// services inherited from the parent when a nested catalog lacks them.
std::vector<Catalog> FlattenCatalogs(const std::vector<Catalog>& catalogs);

}  // namespace dsfl::edc

#endif  // DSFL_CONNECTOR_ADAPTERS_EDC_CATALOG_H_
