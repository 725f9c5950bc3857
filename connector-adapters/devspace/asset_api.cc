// Dataspace: the participants' EDC asset API (POST/PUT {mgmt}/v3/assets,
// GET/DELETE {mgmt}/v3/assets/{id}), through which a hospital publishes its
// slave once it knows its endpoint. See dataspace.h and asset.h.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "connector-adapters/devspace/asset.h"
#include "connector-adapters/devspace/dataspace.h"
#include "connector-adapters/devspace/dataspace_internal.h"
#include "connector-adapters/edc/jsonld.h"
#include "connector-adapters/edc/slave_dataset.h"
#include "connector-adapters/identity/self_issued_token.h"

namespace dsfl::devspace {

using internal::ApiError;
using internal::Json;
using internal::ParseBody;

namespace {

void Apply(const AssetInput& asset, DevDataset* dataset) {
  dataset->slave_endpoint = asset.slave_endpoint;
  dataset->profile = asset.profile;
  dataset->tls_server_name = asset.tls_server_name;
  dataset->description = asset.description;
  dataset->protocol_version = asset.protocol_version;
  dataset->asset_properties = asset.properties;
  dataset->data_address = asset.data_address;
  dataset->published = true;
}

HttpReply NotFound(const std::string& id) {
  return ApiError(
      404, absl::StrCat("Object of type Asset with ID=", id, " was not found"),
      "ObjectNotFound");
}

}  // namespace

bool Dataspace::HasAgreementFor(const Party& provider,
                                const std::string& dataset_id) const {
  for (const auto& [id, n] : negotiations_) {
    if (n->provider == provider.config.name && n->dataset_id == dataset_id &&
        StateOf(*n) == edc::NegotiationState::kFinalized) {
      return true;
    }
  }
  return false;
}

nlohmann::json Dataspace::AssetOutputJson(const DevDataset& dataset) const {
  nlohmann::json expanded = dataset.asset_properties;
  if (expanded.empty()) {  // Published from the config.
    expanded[edc::DsflIri("slaveEndpoint")] = dataset.slave_endpoint;
    expanded[edc::DsflIri("datasetProfile")] = dataset.profile;
    if (!dataset.tls_server_name.empty()) {
      expanded[edc::DsflIri("tlsServerName")] = dataset.tls_server_name;
    }
    if (!dataset.description.empty()) {
      expanded[absl::StrCat(edc::jsonld::kEdcNs, "description")] =
          dataset.description;
    }
  }
  // Compacted as EDC does with its response context: its own vocabulary
  // as plain keys, other namespaces as full IRIs.
  nlohmann::json properties = nlohmann::json::object();
  for (const auto& [iri, value] : expanded.items()) {
    const std::string key =
        absl::StartsWith(iri, edc::jsonld::kEdcNs)
            ? iri.substr(std::string(edc::jsonld::kEdcNs).size())
            : iri;
    properties[key] = value;
  }
  properties["id"] = dataset.id;
  nlohmann::json address = dataset.data_address;
  if (address.empty())
    address = {{"@type", "DataAddress"}, {"type", "dsflSlave"}};
  return {{"@id", dataset.id},
          {"@type", "Asset"},
          {"properties", properties},
          {"dataAddress", address},
          {"createdAt", dataset.created_ms},
          {"@context", internal::ResponseContext()}};
}

HttpReply Dataspace::HandleAssets(Party& owner, const std::string& method,
                                  const std::vector<std::string>& rest,
                                  const std::string& body) {
  // The dataset `id` of any participant; its owner in `*holder`.
  auto find = [this](const std::string& id, Party** holder) -> DevDataset* {
    for (auto& party : participants_) {
      for (DevDataset& dataset : party->config.datasets) {
        if (dataset.id == id) {
          *holder = party.get();
          return &dataset;
        }
      }
    }
    return nullptr;
  };
  if (rest.size() == 1 && (method == "POST" || method == "PUT")) {
    nlohmann::json json;
    HttpReply error;
    if (!ParseBody(body, &json, &error)) return error;
    StatusOr<AssetInput> asset = ParseAssetInput(json);
    if (!asset.ok())
      return ApiError(400, std::string(asset.status().message()));
    if (!asset->participant_id.empty() && asset->participant_id != owner.did) {
      return ApiError(
          400,
          absl::StrCat("properties: participantId '", asset->participant_id,
                       "' is not this connector's participant ", owner.did),
          "ValidationFailure", edc::DsflIri("participantId"));
    }
    if (asset->id.empty()) {
      if (method == "PUT") {
        return ApiError(400, "@id: required to update an asset",
                        "ValidationFailure", "@id");
      }
      asset->id = identity::RandomUuid();
    }
    Party* holder = nullptr;
    DevDataset* dataset = find(asset->id, &holder);
    if (method == "PUT") {
      if (dataset == nullptr || holder != &owner || !dataset->published) {
        return NotFound(asset->id);
      }
      const int64_t created = dataset->created_ms;
      Apply(*asset, dataset);
      dataset->created_ms = created;
      return HttpReply{204, "", "application/json"};
    }
    if (dataset != nullptr && (holder != &owner || dataset->published)) {
      return ApiError(
          409,
          absl::StrCat("Asset with ID ", asset->id,
                       holder != &owner ? " is used by another participant"
                                        : " already exists"),
          "ObjectConflict");
    }
    if (dataset == nullptr) {  // EDC's default: any member may negotiate.
      owner.config.datasets.push_back(DevDataset{});
      dataset = &owner.config.datasets.back();
      dataset->id = asset->id;
    }
    Apply(*asset, dataset);
    dataset->created_ms = absl::ToUnixMillis(clock_->Now());
    return Json({{"@type", "IdResponse"},
                 {"@id", dataset->id},
                 {"createdAt", dataset->created_ms},
                 {"@context", internal::ResponseContext()}});
  }
  if (rest.size() == 2 && (method == "GET" || method == "DELETE")) {
    Party* holder = nullptr;
    DevDataset* dataset = find(rest[1], &holder);
    if (dataset == nullptr || holder != &owner || !dataset->published) {
      return NotFound(rest[1]);
    }
    if (method == "GET") return Json(AssetOutputJson(*dataset));
    if (HasAgreementFor(owner, dataset->id)) {
      return ApiError(409,
                      absl::StrCat("Asset ", dataset->id,
                                   " cannot be deleted as it is referenced by "
                                   "at least one contract agreement"),
                      "ObjectConflict");
    }
    DevDataset reserved;  // Keeps its contract policy, loses its asset.
    reserved.id = dataset->id;
    reserved.required_credential = dataset->required_credential;
    reserved.negotiation = dataset->negotiation;
    *dataset = reserved;
    return HttpReply{204, "", "application/json"};
  }
  return ApiError(404, "no such Management API resource", "ObjectNotFound");
}

}  // namespace dsfl::devspace
