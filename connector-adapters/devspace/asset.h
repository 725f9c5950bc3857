// An EDC asset as the Management API receives it (POST/PUT {mgmt}/v3/assets,
// EDC's "AssetInput": tests/fixtures/edc/management-api/
// asset-input.openapi-example.json), read without a JSON-LD processor:
//
//   {"@context": {"@vocab": "https://w3id.org/edc/v0.0.1/ns/",
//                 "dsfl": "https://w3id.org/dsfl/v1/"},
//    "@id": "lung-hospital-a",
//    "properties": {"dsfl:slaveEndpoint": "127.0.0.1:40123",
//                   "dsfl:datasetProfile": "https://w3id.org/dsfl/...",
//                   "dsfl:tlsServerName": "hospital-a",
//                   "description": "..."},
//    "privateProperties": {...},
//    "dataAddress": {"type": "dsflSlave", ...}}
//
// Property keys are expanded to full IRIs: a full IRI stays; "prefix:name"
// uses the request's @context (object, or an array holding objects) and
// the well-known prefixes dsfl:, edc:, dct:, dcat:; a plain key takes
// @vocab (EDC's namespace when absent). The dsfl properties of
// edc/slave_dataset.h are then picked out by their IRI.
//
// Errors: InvalidArgument naming the member ("properties: ...",
// "dataAddress.type: ...", "properties.dsfl:slaveEndpoint: ...").
// Threading: pure functions.
#ifndef DSFL_CONNECTOR_ADAPTERS_DEVSPACE_ASSET_H_
#define DSFL_CONNECTOR_ADAPTERS_DEVSPACE_ASSET_H_

#include <string>

#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl::devspace {

struct AssetInput {
  std::string id;  // "@id" (or "id"); "" = the connector mints one
  // Every property, keys expanded to full IRIs, values as given.
  nlohmann::json properties = nlohmann::json::object();
  nlohmann::json data_address = nlohmann::json::object();
  // dsfl properties (https://w3id.org/dsfl/v1/...), "" when absent.
  std::string slave_endpoint;
  std::string profile;
  std::string tls_server_name;
  std::string participant_id;
  std::string protocol_version;
  // edc:description or dct:description.
  std::string description;
};

StatusOr<AssetInput> ParseAssetInput(const nlohmann::json& body);

// `key` expanded against `context` (see the file comment).
std::string ExpandPropertyKey(const std::string& key,
                              const nlohmann::json& context);

}  // namespace dsfl::devspace

#endif  // DSFL_CONNECTOR_ADAPTERS_DEVSPACE_ASSET_H_
