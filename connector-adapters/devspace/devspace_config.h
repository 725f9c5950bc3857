// Configuration of the dev dataspace (docs/dataspace.md): the demo
// participants, their datasets and credentials, and the knobs that make
// its connector behave like EDC (negotiation step delay, per-dataset
// outcomes). Read from the JSON file given to `dsfl-devspace
// --participants`:
//
// {
//   "api_key": "password",                  // X-Api-Key of every connector
//   "negotiation_step_ms": 150,              // delay between states
//   "credential_validity_days": 365,
//   "require_access_token": false,           // CredentialService policy
//   "issuer": {"name": "issuer", "key_type": "EdDSA", "key_file": "..."},
//   "participants": [
//     {"name": "master", "key_type": "ES256", "key_file": "master.key",
//      "credentials": ["MembershipCredential",
//                      "FederatedModelCreatorCredential"],
//      "revoked": []},
//     {"name": "hospital-a", "credentials": ["MembershipCredential"],
//      "datasets": [{"id": "lung-hospital-a",
//                    "description": "NCCTG lung cancer, institution A",
//                    "slave_endpoint": "127.0.0.1:50051",
//                    "tls_server_name": "hospital-a",
//                    "profile":
//                    "https://w3id.org/dsfl/profiles/lung-survival/v1",
//                    "required_credential": "FederatedModelCreatorCredential",
//                    "negotiation": "agree"},
//                   {"id": "lung-hospital-a-2",
//                    "required_credential": "FederatedModelCreatorCredential"}
//                  ]}]
// }
//
// A dataset given with slave_endpoint is advertised from the start (its EDC
// asset exists); one without is only a contract definition (the policy:
// required_credential, negotiation) until the hospital creates its asset
// through the Management API (POST /v3/assets, dataspace.h), the way a slave
// that binds an ephemeral port publishes itself. profile is then optional
// (the asset brings it); with slave_endpoint it is required.
//
// Names are [a-z0-9-]+ (they become DID path segments). key_type is
// "ES256" (participants' default) or "EdDSA" (the issuer's default).
// key_file: PEM private key, loaded if it exists, else generated and
// written (mode 0600); relative paths resolve against `base_dir`.
// Without key_file the key lives in memory only. negotiation: "agree"
// (default), "terminate" (always TERMINATED) or "stall" (stays REQUESTED).
//
// Errors: InvalidArgument naming the field ("participants[1].name: ...").
// Threading: value types.
#ifndef DSFL_CONNECTOR_ADAPTERS_DEVSPACE_DEVSPACE_CONFIG_H_
#define DSFL_CONNECTOR_ADAPTERS_DEVSPACE_DEVSPACE_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl::devspace {

enum class NegotiationBehaviour { kAgree, kTerminate, kStall };

struct DevDataset {
  std::string id;
  std::string description;
  std::string slave_endpoint;
  std::string tls_server_name;
  std::string profile;
  std::string required_credential = "MembershipCredential";
  NegotiationBehaviour negotiation = NegotiationBehaviour::kAgree;
  // Advertised in catalogs (its asset exists): true from the start when
  // slave_endpoint is given (set by the parser and by Dataspace::Create),
  // then changed by the Management API's asset calls.
  bool published = false;
  // Asset state kept by the Management API (dataspace.h), empty for
  // datasets published from the config: the asset's properties with keys
  // expanded to full IRIs, its dataAddress (never shown in catalogs), its
  // dsfl protocolVersion ("" = dsfl.v1) and when it was created.
  nlohmann::json asset_properties = nlohmann::json::object();
  nlohmann::json data_address = nlohmann::json::object();
  std::string protocol_version;
  int64_t created_ms = 0;
};

struct DevParticipant {
  std::string name;
  std::string key_type = "ES256";
  std::string key_file;
  std::vector<std::string> credentials;
  std::vector<std::string> revoked;  // Subset of credentials.
  std::vector<DevDataset> datasets;
};

struct DevspaceConfig {
  std::string api_key;
  absl::Duration negotiation_step = absl::Milliseconds(150);
  absl::Duration credential_validity = absl::Hours(24 * 365);
  bool require_access_token = false;
  DevParticipant issuer{"issuer", "EdDSA", "", {}, {}, {}};
  std::vector<DevParticipant> participants;
};

StatusOr<DevspaceConfig> ParseDevspaceConfig(const nlohmann::json& json,
                                             const std::string& base_dir);
StatusOr<DevspaceConfig> LoadDevspaceConfig(const std::string& path);

}  // namespace dsfl::devspace

#endif  // DSFL_CONNECTOR_ADAPTERS_DEVSPACE_DEVSPACE_CONFIG_H_
