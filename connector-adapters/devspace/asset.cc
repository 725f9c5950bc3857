#include "connector-adapters/devspace/asset.h"

#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "connector-adapters/edc/jsonld.h"
#include "connector-adapters/edc/slave_dataset.h"

namespace dsfl::devspace {
namespace {

// Prefix -> namespace from one @context object; "@vocab" included.
void AddTerms(const nlohmann::json& context,
              std::map<std::string, std::string>* terms) {
  if (context.is_array()) {
    for (const nlohmann::json& entry : context) AddTerms(entry, terms);
    return;
  }
  if (!context.is_object()) return;  // Remote contexts are not fetched.
  for (const auto& [term, value] : context.items()) {
    if (value.is_string()) (*terms)[term] = value.get<std::string>();
  }
}

}  // namespace

std::string ExpandPropertyKey(const std::string& key,
                              const nlohmann::json& context) {
  if (absl::StrContains(key, "://") || absl::StartsWith(key, "@")) return key;
  std::map<std::string, std::string> terms = {{"dsfl", edc::kDsflNs},
                                              {"edc", edc::jsonld::kEdcNs},
                                              {"dct", edc::jsonld::kDctNs},
                                              {"dcat", edc::jsonld::kDcatNs},
                                              {"@vocab", edc::jsonld::kEdcNs}};
  AddTerms(context, &terms);
  const size_t colon = key.find(':');
  if (colon == std::string::npos) return terms["@vocab"] + key;
  auto prefix = terms.find(key.substr(0, colon));
  if (prefix == terms.end() || prefix->first == "@vocab") return key;
  return prefix->second + key.substr(colon + 1);
}

StatusOr<AssetInput> ParseAssetInput(const nlohmann::json& body) {
  if (!body.is_object()) {
    return absl::InvalidArgumentError("asset: the body must be a JSON object");
  }
  AssetInput asset;
  asset.id = edc::jsonld::Id(body);
  const auto id = body.find("@id");
  if (id != body.end() && !id->is_string()) {
    return absl::InvalidArgumentError("@id: must be a string");
  }
  const nlohmann::json context =
      body.contains("@context") ? body["@context"] : nlohmann::json();
  const nlohmann::json* properties = edc::jsonld::Find(body, "properties");
  if (properties == nullptr || !properties->is_object()) {
    return absl::InvalidArgumentError(
        "properties: required, a JSON object of the asset's properties");
  }
  const nlohmann::json* address = edc::jsonld::Find(body, "dataAddress");
  if (address == nullptr || !address->is_object()) {
    return absl::InvalidArgumentError(
        "dataAddress: required, a JSON object with a \"type\"");
  }
  if (edc::jsonld::TextOf(*address, "type").empty()) {
    return absl::InvalidArgumentError(
        "dataAddress.type: required (e.g. \"HttpData\")");
  }
  asset.data_address = *address;
  const std::string dsfl_ns = edc::kDsflNs;
  for (const auto& [key, value] : properties->items()) {
    const std::string iri = ExpandPropertyKey(key, context);
    asset.properties[iri] = value;
    std::string* field = nullptr;
    if (absl::StartsWith(iri, dsfl_ns)) {
      const std::string name = iri.substr(dsfl_ns.size());
      if (name == "slaveEndpoint") field = &asset.slave_endpoint;
      if (name == "datasetProfile") field = &asset.profile;
      if (name == "tlsServerName") field = &asset.tls_server_name;
      if (name == "participantId") field = &asset.participant_id;
      if (name == "protocolVersion") field = &asset.protocol_version;
    } else if (iri == absl::StrCat(edc::jsonld::kEdcNs, "description") ||
               iri == absl::StrCat(edc::jsonld::kDctNs, "description")) {
      field = &asset.description;
    }
    if (field == nullptr) continue;
    const nlohmann::json* text = &value;
    if (value.is_object() && value.contains("@value")) text = &value["@value"];
    if (!text->is_string()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "properties.", key, ": must be a string, got ", value.dump()));
    }
    *field = text->get<std::string>();
  }
  return asset;
}

}  // namespace dsfl::devspace
