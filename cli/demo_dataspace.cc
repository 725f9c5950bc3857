#include "cli/demo_dataspace.h"

#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "connector-adapters/identity/http_fetcher.h"

namespace dsfl::cli {
namespace {

constexpr char kEdcNs[] = "https://w3id.org/edc/v0.0.1/ns/";
constexpr char kDsflNs[] = "https://w3id.org/dsfl/v1/";

StatusOr<std::string> Member(const nlohmann::json& object,
                             const std::string& key, const std::string& where) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string() ||
      it->get<std::string>().empty()) {
    return absl::DataLossError(
        absl::StrCat("devspace manifest: ", where, ".", key, " is missing"));
  }
  return it->get<std::string>();
}

}  // namespace

std::string DemoDatasetId(const std::string& hospital) {
  return "lung-" + hospital;
}

nlohmann::json DemoParticipantsFile(const std::vector<std::string>& hospitals,
                                    const std::string& api_key,
                                    const std::string& work) {
  nlohmann::json participants = nlohmann::json::array();
  participants.push_back(
      {{"name", "master"},
       {"key_type", "ES256"},
       {"key_file", work + "/master/dataspace.key"},
       {"credentials", {"MembershipCredential", kModelCreatorCredential}}});
  for (const std::string& hospital : hospitals) {
    // Only the contract policy: the asset (endpoint, profile, TLS name) is
    // published by the hospital once its slave listens.
    participants.push_back(
        {{"name", hospital},
         {"key_type", "ES256"},
         {"key_file", absl::StrCat(work, "/", hospital, "/dataspace.key")},
         {"credentials", {"MembershipCredential"}},
         {"datasets",
          {{{"id", DemoDatasetId(hospital)},
            {"required_credential", kModelCreatorCredential},
            {"negotiation", "agree"}}}}});
  }
  return {{"api_key", api_key},
          {"negotiation_step_ms", 150},
          {"credential_validity_days", 30},
          {"issuer",
           {{"name", "issuer"},
            {"key_type", "EdDSA"},
            {"key_file", work + "/devspace/issuer.key"}}},
          {"participants", participants}};
}

StatusOr<DemoDataspace> ReadDemoManifest(const nlohmann::json& manifest,
                                         const std::string& api_key,
                                         const std::string& ca_file) {
  DemoDataspace space;
  space.api_key = api_key;
  space.ca_file = ca_file;
  if (!manifest.is_object()) {
    return absl::DataLossError("devspace manifest: not a JSON object");
  }
  DSFL_ASSIGN_OR_RETURN(space.base_url, Member(manifest, "base_url", "$"));
  const nlohmann::json issuer =
      manifest.value("issuer", nlohmann::json::object());
  DSFL_ASSIGN_OR_RETURN(space.issuer_did, Member(issuer, "did", "issuer"));
  const nlohmann::json participants =
      manifest.value("participants", nlohmann::json::array());
  for (size_t i = 0; i < participants.size(); ++i) {
    const nlohmann::json& p = participants[i];
    const std::string where = absl::StrCat("participants[", i, "]");
    DemoParticipant participant;
    DSFL_ASSIGN_OR_RETURN(participant.name, Member(p, "name", where));
    DSFL_ASSIGN_OR_RETURN(participant.did, Member(p, "did", where));
    DSFL_ASSIGN_OR_RETURN(participant.key_file, Member(p, "key_file", where));
    DSFL_ASSIGN_OR_RETURN(participant.key_id, Member(p, "key_id", where));
    DSFL_ASSIGN_OR_RETURN(participant.management_url,
                          Member(p, "management_url", where));
    for (const nlohmann::json& c :
         p.value("credentials", nlohmann::json::array())) {
      if (c.is_string()) participant.credentials.push_back(c);
    }
    space.participants[participant.name] = std::move(participant);
  }
  if (space.participants.count("master") == 0) {
    return absl::DataLossError("devspace manifest: no participant 'master'");
  }
  return space;
}

namespace {

// The participant keys shared by both sections (edc/participant.h).
nlohmann::json ParticipantKeys(const DemoDataspace& space,
                               const DemoParticipant& p,
                               const std::vector<std::string>& issued_types) {
  return {{"did", p.did},
          {"key", p.key_file},
          {"key_id", p.key_id},
          {"connector",
           {{"management_url", p.management_url},
            {"api_key", space.api_key},
            {"api_version", "v3"}}},
          {"https_ca", space.ca_file},
          {"allow_http_did", false},
          {"trusted_issuers",
           {{{"did", space.issuer_did}, {"types", issued_types}}}}};
}

}  // namespace

nlohmann::json SlaveDataspaceSection(
    const DemoDataspace& space, const std::string& hospital,
    const std::vector<std::string>& allowed_model_sha256, int min_cohort) {
  nlohmann::json section =
      ParticipantKeys(space, space.at(hospital),
                      {"MembershipCredential", kModelCreatorCredential});
  section["dataset_id"] = DemoDatasetId(hospital);
  section["federation_ca"] = "";  // = the slave's tls.ca, the dev CA
  section["policy"] = {
      {"required_master_credentials", {kModelCreatorCredential}},
      {"allowed_model_sha256", allowed_model_sha256},
      {"min_cohort", min_cohort},
      {"required_privacy_settings", nlohmann::json::array()}};
  return section;
}

nlohmann::json JobDataspaceSection(const DemoDataspace& space) {
  const DemoParticipant& master = space.at("master");
  nlohmann::json section =
      ParticipantKeys(space, master, {"MembershipCredential"});
  section["profile"] = kLungProfile;
  section["required_credentials"] = {"MembershipCredential"};
  section["negotiation_timeout_seconds"] = 120;
  section["sts_url"] =
      absl::StrCat(space.base_url, "/participants/", master.name, "/sts/token");
  section["privacy"] = nlohmann::json::object();
  return section;
}

nlohmann::json SlaveAsset(const std::string& hospital,
                          const std::string& endpoint,
                          const std::string& tls_server_name) {
  return {{"@context", {{"@vocab", kEdcNs}, {"dsfl", kDsflNs}}},
          {"@id", DemoDatasetId(hospital)},
          {"properties",
           {{"description",
             absl::StrCat("NCCTG lung cancer patients of ", hospital)},
            {"dsfl:slaveEndpoint", endpoint},
            {"dsfl:tlsServerName", tls_server_name},
            {"dsfl:datasetProfile", kLungProfile},
            {"dsfl:protocolVersion", "dsfl.v1"}}},
          {"dataAddress", {{"@type", "DataAddress"}, {"type", "dsflSlave"}}}};
}

StatusOr<std::string> PublishSlave(const DemoDataspace& space,
                                   const std::string& hospital,
                                   const nlohmann::json& asset) {
  std::ifstream in(space.ca_file, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read ", space.ca_file));
  }
  std::ostringstream ca;
  ca << in.rdbuf();
  identity::HttpsFetcherOptions options;
  options.ca_pem = ca.str();
  std::unique_ptr<identity::HttpFetcher> fetcher =
      identity::NewHttpsFetcher(options);
  identity::HttpRequest request;
  request.method = "POST";
  request.url = space.at(hospital).management_url + "/v3/assets";
  request.headers = {{"X-Api-Key", space.api_key}};
  request.body = asset.dump();
  request.content_type = "application/json";
  DSFL_ASSIGN_OR_RETURN(identity::HttpResponse response,
                        fetcher->Fetch(request));
  if (response.status != 200) {
    return absl::FailedPreconditionError(absl::StrCat(
        "POST ", request.url, ": HTTP ", response.status, " ", response.body));
  }
  return absl::StrCat("HTTP ", response.status);
}

}  // namespace dsfl::cli
