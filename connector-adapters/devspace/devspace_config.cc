#include "connector-adapters/devspace/devspace_config.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/config_reader.h"

namespace dsfl::devspace {
namespace {

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_islower(static_cast<unsigned char>(c)) ||
           absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path.front() == '/' || base_dir.empty()) return path;
  return base_dir + "/" + path;
}

DevParticipant ReadParticipant(ConfigReader& reader,
                               const std::string& base_dir,
                               const std::string& default_key_type) {
  DevParticipant participant;
  participant.name = reader.String("name");
  if (!ValidName(participant.name)) {
    reader.Fail("name", absl::StrCat("'", participant.name,
                                     "' is not [a-z0-9-]{1,63}"));
  }
  participant.key_type = reader.String("key_type", default_key_type);
  if (participant.key_type != "ES256" && participant.key_type != "EdDSA") {
    reader.Fail("key_type", absl::StrCat("'", participant.key_type,
                                         "' is not ES256 or EdDSA"));
  }
  participant.key_file = Resolve(base_dir, reader.String("key_file", ""));
  participant.credentials = reader.Strings("credentials", false);
  participant.revoked = reader.Strings("revoked", false);
  for (const std::string& revoked : participant.revoked) {
    if (std::find(participant.credentials.begin(),
                  participant.credentials.end(),
                  revoked) == participant.credentials.end()) {
      reader.Fail("revoked", absl::StrCat("'", revoked,
                                          "' is not one of its credentials"));
    }
  }
  for (ConfigReader& d : reader.Objects("datasets", false)) {
    DevDataset dataset;
    dataset.id = d.String("id");
    dataset.description = d.String("description", "");
    dataset.slave_endpoint = d.String("slave_endpoint", "");
    dataset.tls_server_name = d.String("tls_server_name", "");
    dataset.published = !dataset.slave_endpoint.empty();
    // Unpublished datasets get their profile from their asset.
    dataset.profile = dataset.published ? d.String("profile")
                                        : d.String("profile", "");
    dataset.required_credential =
        d.String("required_credential", dataset.required_credential);
    const std::string behaviour = d.String("negotiation", "agree");
    if (behaviour == "agree") {
      dataset.negotiation = NegotiationBehaviour::kAgree;
    } else if (behaviour == "terminate") {
      dataset.negotiation = NegotiationBehaviour::kTerminate;
    } else if (behaviour == "stall") {
      dataset.negotiation = NegotiationBehaviour::kStall;
    } else {
      d.Fail("negotiation", absl::StrCat("'", behaviour,
                                         "' is not agree, terminate or stall"));
    }
    participant.datasets.push_back(std::move(dataset));
  }
  return participant;
}

}  // namespace

StatusOr<DevspaceConfig> ParseDevspaceConfig(const nlohmann::json& json,
                                             const std::string& base_dir) {
  ConfigReader reader(json, "devspace");
  DevspaceConfig config;
  config.api_key = reader.String("api_key", "");
  config.negotiation_step =
      absl::Milliseconds(reader.Int("negotiation_step_ms", 150, 0, 60000));
  config.credential_validity =
      absl::Hours(24 * reader.Int("credential_validity_days", 365, 1, 36500));
  config.require_access_token = reader.Bool("require_access_token", false);
  if (reader.Has("issuer")) {
    ConfigReader issuer = reader.Object("issuer", true);
    config.issuer = ReadParticipant(issuer, base_dir, "EdDSA");
  }
  std::set<std::string> names = {config.issuer.name};
  std::set<std::string> dataset_ids;
  std::vector<ConfigReader> participants = reader.Objects("participants", true);
  for (ConfigReader& p : participants) {
    DevParticipant participant = ReadParticipant(p, base_dir, "ES256");
    if (!names.insert(participant.name).second) {
      p.Fail("name", absl::StrCat("'", participant.name, "' is used twice"));
    }
    for (const DevDataset& dataset : participant.datasets) {
      if (!dataset_ids.insert(dataset.id).second) {
        p.Fail("datasets",
               absl::StrCat("dataset id '", dataset.id, "' is used twice"));
      }
    }
    config.participants.push_back(std::move(participant));
  }
  DSFL_RETURN_IF_ERROR(reader.Finish());
  if (config.participants.empty()) {
    return absl::InvalidArgumentError(
        "devspace.participants: at least one participant is needed");
  }
  return config;
}

StatusOr<DevspaceConfig> LoadDevspaceConfig(const std::string& path) {
  DSFL_ASSIGN_OR_RETURN(nlohmann::json json, ReadJsonFile(path));
  std::string base_dir = ".";
  size_t slash = path.rfind('/');
  if (slash != std::string::npos) base_dir = path.substr(0, slash);
  return ParseDevspaceConfig(json, base_dir);
}

}  // namespace dsfl::devspace
