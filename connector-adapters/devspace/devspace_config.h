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
//                    "negotiation": "agree"}]}]
// }
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
