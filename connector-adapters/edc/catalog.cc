#include "connector-adapters/edc/catalog.h"

#include "absl/strings/str_cat.h"
#include "connector-adapters/edc/jsonld.h"

namespace dsfl::edc {
namespace {

using jsonld::Find;
using jsonld::FindAny;
using jsonld::Id;
using jsonld::Text;
using jsonld::TextOf;
using jsonld::Values;

std::string EndpointOf(const nlohmann::json& service) {
  return Text(FindAny(service, {"endpointURL", "endpointUrl"})).value_or("");
}

DataService ParseService(const nlohmann::json& json) {
  DataService service;
  if (json.is_string()) {
    service.id = json.get<std::string>();
    return service;
  }
  service.id = Id(json);
  service.endpoint_url = EndpointOf(json);
  return service;
}

Dataset ParseDataset(const nlohmann::json& json) {
  Dataset dataset;
  dataset.json = json;
  dataset.id = Id(json);
  dataset.description = TextOf(json, "description");
  for (const nlohmann::json* policy : Values(Find(json, "hasPolicy"))) {
    if (!policy->is_object()) continue;
    dataset.offers.push_back(Offer{Id(*policy), *policy});
  }
  for (const nlohmann::json* item : Values(Find(json, "distribution"))) {
    if (!item->is_object()) continue;
    Distribution distribution;
    distribution.format = TextOf(*item, "format");
    const nlohmann::json* access = Find(*item, "accessService");
    if (access != nullptr) {
      DataService service = ParseService(*access);
      distribution.access_service = service.id;
      distribution.endpoint_url = service.endpoint_url;
    }
    dataset.distributions.push_back(std::move(distribution));
  }
  return dataset;
}

}  // namespace

std::string Catalog::DspEndpoint() const {
  for (const DataService& service : services) {
    if (!service.endpoint_url.empty()) return service.endpoint_url;
  }
  return originator;
}

StatusOr<Catalog> ParseCatalog(const nlohmann::json& json) {
  if (!json.is_object()) {
    return absl::InvalidArgumentError("catalog: not a JSON object");
  }
  if (!jsonld::HasType(json, "Catalog")) {
    return absl::InvalidArgumentError(
        absl::StrCat("catalog: @type is not Catalog/dcat:Catalog (got '",
                     Text(jsonld::Find(json, "@type")).value_or(""), "')"));
  }
  Catalog catalog;
  catalog.id = Id(json);
  catalog.participant_id = TextOf(json, "participantId");
  catalog.originator = TextOf(json, "originator");
  for (const nlohmann::json* service : Values(Find(json, "service"))) {
    catalog.services.push_back(ParseService(*service));
  }
  for (const nlohmann::json* item : Values(Find(json, "dataset"))) {
    if (!item->is_object()) continue;
    if (jsonld::HasType(*item, "Catalog")) {
      DSFL_ASSIGN_OR_RETURN(Catalog nested, ParseCatalog(*item));
      catalog.catalogs.push_back(std::move(nested));
    } else {
      catalog.datasets.push_back(ParseDataset(*item));
    }
  }
  for (const nlohmann::json* item : Values(Find(json, "catalog"))) {
    DSFL_ASSIGN_OR_RETURN(Catalog nested, ParseCatalog(*item));
    catalog.catalogs.push_back(std::move(nested));
  }
  return catalog;
}

StatusOr<std::vector<Catalog>> ParseCatalogList(const nlohmann::json& json) {
  std::vector<Catalog> catalogs;
  if (json.is_object()) {
    DSFL_ASSIGN_OR_RETURN(Catalog catalog, ParseCatalog(json));
    catalogs.push_back(std::move(catalog));
    return catalogs;
  }
  if (!json.is_array()) {
    return absl::InvalidArgumentError(
        "federated catalog response: not a JSON array of catalogs");
  }
  for (size_t i = 0; i < json.size(); ++i) {
    StatusOr<Catalog> catalog = ParseCatalog(json[i]);
    if (!catalog.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("federated catalog response [", i,
                       "]: ", catalog.status().message()));
    }
    catalogs.push_back(*std::move(catalog));
  }
  return catalogs;
}

namespace {

void Flatten(const Catalog& catalog, const Catalog* parent,
             std::vector<Catalog>* out) {
  Catalog copy = catalog;
  copy.catalogs.clear();
  if (parent != nullptr) {
    if (copy.participant_id.empty())
      copy.participant_id = parent->participant_id;
    if (copy.services.empty()) copy.services = parent->services;
    if (copy.originator.empty()) copy.originator = parent->originator;
  }
  out->push_back(copy);
  for (const Catalog& nested : catalog.catalogs) Flatten(nested, &copy, out);
}

}  // namespace

std::vector<Catalog> FlattenCatalogs(const std::vector<Catalog>& catalogs) {
  std::vector<Catalog> out;
  for (const Catalog& catalog : catalogs) Flatten(catalog, nullptr, &out);
  return out;
}

}  // namespace dsfl::edc
