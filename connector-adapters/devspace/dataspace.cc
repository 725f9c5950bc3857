#include "connector-adapters/devspace/dataspace.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/tls/pem_files.h"
#include "connector-adapters/devspace/dataspace_internal.h"
#include "connector-adapters/identity/credential_issuer.h"
#include "connector-adapters/identity/did_web.h"

namespace dsfl::devspace {
namespace internal {

nlohmann::json ResponseContext() {
  return {{"@vocab", "https://w3id.org/edc/v0.0.1/ns/"},
          {"edc", "https://w3id.org/edc/v0.0.1/ns/"},
          {"odrl", "http://www.w3.org/ns/odrl/2/"}};
}

HttpReply ApiError(int status, const std::string& message,
                   const std::string& type, const std::string& path) {
  nlohmann::json error = {
      {"message", message},
      {"type", type},
      {"path", path.empty() ? nlohmann::json(nullptr) : nlohmann::json(path)},
      {"invalidValue", nullptr}};
  return HttpReply{status, nlohmann::json::array({error}).dump(),
                   "application/json"};
}

HttpReply Json(const nlohmann::json& body, int status) {
  return HttpReply{status, body.dump(), "application/json"};
}

bool ParseBody(const std::string& body, nlohmann::json* json,
               HttpReply* error) {
  *json = nlohmann::json::parse(body, nullptr, false);
  if (json->is_discarded()) {
    *error = ApiError(400, "request body is not valid JSON", "InvalidRequest");
    return false;
  }
  return true;
}

}  // namespace internal

using internal::ApiError;
using internal::Json;

namespace {

constexpr uint64_t kStatusListBits = 131072;  // BSL minimum size.
constexpr char kStatusPath[] = "/issuer/status/revocation";

StatusOr<std::string> LoadOrCreateKey(const DevParticipant& config) {
  if (!config.key_file.empty()) {
    std::ifstream in(config.key_file);
    if (in) {
      std::ostringstream pem;
      pem << in.rdbuf();
      return pem.str();
    }
  }
  DSFL_ASSIGN_OR_RETURN(
      std::unique_ptr<identity::SigningKey> key,
      identity::SigningKey::Generate(config.key_type == "EdDSA"
                                         ? identity::KeyType::kEd25519
                                         : identity::KeyType::kP256,
                                     ""));
  DSFL_ASSIGN_OR_RETURN(std::string pem, key->ToPem());
  if (!config.key_file.empty()) {
    Status written =
        tls::WritePemFile(config.key_file, pem, tls::kPrivateKeyFileMode);
    if (!written.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("key_file of ", config.name, ": ", written.message()));
    }
  }
  return pem;
}

}  // namespace

std::string HttpCall::Header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return value;
  }
  return "";
}

Dataspace::Dataspace(DevspaceConfig config, const Clock* clock)
    : config_(std::move(config)), clock_(clock) {}
Dataspace::~Dataspace() = default;

StatusOr<std::unique_ptr<Dataspace>> Dataspace::Create(DevspaceConfig config,
                                                       const Clock* clock) {
  std::unique_ptr<Dataspace> dataspace(new Dataspace(config, clock));
  auto make_party =
      [](const DevParticipant& p) -> StatusOr<std::unique_ptr<Party>> {
    auto party = std::make_unique<Party>();
    party->config = p;
    // Configured with an endpoint: advertised from the start.
    for (DevDataset& dataset : party->config.datasets) {
      if (!dataset.slave_endpoint.empty()) dataset.published = true;
    }
    DSFL_ASSIGN_OR_RETURN(party->key_pem, LoadOrCreateKey(p));
    return party;
  };
  DSFL_ASSIGN_OR_RETURN(dataspace->issuer_, make_party(config.issuer));
  for (const DevParticipant& p : config.participants) {
    DSFL_ASSIGN_OR_RETURN(std::unique_ptr<Party> party, make_party(p));
    dataspace->participants_.push_back(std::move(party));
  }
  return dataspace;
}

std::string Dataspace::BaseUrl() const {
  return absl::StrCat("https://", host_, ":", port_);
}

Status Dataspace::Publish(const std::string& host, int port) {
  std::lock_guard<std::mutex> lock(mu_);
  host_ = host;
  port_ = port;
  // Keys with their DID URLs as kid; DID documents.
  auto publish = [this](Party& party, std::vector<std::string> path,
                        bool is_issuer) -> Status {
    party.did = identity::MakeDidWeb(host_, port_, path);
    DSFL_ASSIGN_OR_RETURN(party.key, identity::SigningKey::FromPem(
                                         party.key_pem, party.did + "#key-1"));
    std::vector<identity::DidService> services;
    if (!is_issuer) {
      services.push_back({"credentialservice", "CredentialService",
                          CredentialServiceUrl(party.config.name)});
      services.push_back({"dsp", "ProtocolEndpoint",
                          absl::StrCat(BaseUrl(), "/participants/",
                                       party.config.name, "/api/dsp")});
    }
    party.did_document = identity::BuildDidDocumentJson(
        party.did, {party.key.get()}, services, /*authentication=*/true);
    DSFL_ASSIGN_OR_RETURN(identity::DidDocument parsed,
                          identity::DidDocument::Parse(party.did_document));
    resolver_.Add(std::move(parsed));
    return absl::OkStatus();
  };
  DSFL_RETURN_IF_ERROR(publish(*issuer_, {issuer_->config.name}, true));
  for (auto& party : participants_) {
    DSFL_RETURN_IF_ERROR(
        publish(*party, {"participants", party->config.name}, false));
  }
  // Credentials, each with its own bit in the revocation list.
  revocation_bits_ = identity::StatusBitstring::Zeros(kStatusListBits);
  const absl::Time now = clock_->Now();
  uint64_t index = 0;
  for (auto& party : participants_) {
    for (const std::string& type : party->config.credentials) {
      ++index;
      identity::CredentialRequest request;
      request.id = absl::StrCat(BaseUrl(), "/credentials/", party->config.name,
                                "/", type);
      request.types = {type};
      request.subject_did = party->did;
      request.subject_claims = {{"holderIdentifier", party->config.name}};
      request.issued = now;
      request.expires = now + config_.credential_validity;
      request.status =
          identity::StatusListEntry{"BitstringStatusListEntry", "revocation",
                                    index, BaseUrl() + kStatusPath};
      DSFL_ASSIGN_OR_RETURN(
          std::string vc,
          identity::IssueCredentialJwt(*issuer_->key, issuer_->did, request));
      party->credentials[type] = vc;
      for (const std::string& revoked : party->config.revoked) {
        if (revoked == type) revocation_bits_.Set(index, true);
      }
    }
  }
  return absl::OkStatus();
}

Dataspace::Party* Dataspace::FindParty(const std::string& name) {
  for (auto& party : participants_) {
    if (party->config.name == name) return party.get();
  }
  return nullptr;
}

const Dataspace::Party* Dataspace::FindParty(const std::string& name) const {
  for (const auto& party : participants_) {
    if (party->config.name == name) return party.get();
  }
  return issuer_ && issuer_->config.name == name ? issuer_.get() : nullptr;
}

Dataspace::Party* Dataspace::PartyByDsp(const std::string& address) {
  for (auto& party : participants_) {
    const std::string dsp = DspUrl(party->config.name);
    if (address == dsp || address + "/2025-1" == dsp) return party.get();
  }
  return nullptr;
}

Dataspace::Party* Dataspace::PartyByDid(const std::string& did) {
  for (auto& party : participants_) {
    if (party->did == did) return party.get();
  }
  return nullptr;
}

bool Dataspace::HoldsValid(const Party& party, const std::string& type) const {
  if (party.credentials.count(type) == 0) return false;
  for (const std::string& revoked : party.config.revoked) {
    if (revoked == type) return false;
  }
  return true;
}

std::string Dataspace::DidOf(const std::string& name) const {
  const Party* party = FindParty(name);
  return party ? party->did : "";
}
std::string Dataspace::IssuerDid() const { return issuer_->did; }
std::string Dataspace::ManagementUrl(const std::string& name) const {
  return absl::StrCat(BaseUrl(), "/participants/", name, "/api/management");
}
std::string Dataspace::FederatedCatalogUrl(const std::string& name) const {
  return absl::StrCat(BaseUrl(), "/participants/", name, "/api/catalog");
}
std::string Dataspace::DspUrl(const std::string& name) const {
  return absl::StrCat(BaseUrl(), "/participants/", name, "/api/dsp/2025-1");
}
std::string Dataspace::CredentialServiceUrl(const std::string& name) const {
  return absl::StrCat(BaseUrl(), "/participants/", name, "/cs");
}

const identity::SigningKey* Dataspace::KeyOf(const std::string& name) const {
  const Party* party = FindParty(name);
  return party ? party->key.get() : nullptr;
}

std::vector<std::string> Dataspace::CredentialsOf(
    const std::string& name) const {
  std::vector<std::string> credentials;
  const Party* party = FindParty(name);
  if (party == nullptr) return credentials;
  for (const auto& [type, vc] : party->credentials) credentials.push_back(vc);
  return credentials;
}

nlohmann::json Dataspace::Manifest() const {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json participants = nlohmann::json::array();
  for (const auto& party : participants_) {
    const std::string& name = party->config.name;
    nlohmann::json datasets = nlohmann::json::array();
    for (const DevDataset& dataset : party->config.datasets) {
      datasets.push_back({{"id", dataset.id},
                          {"published", dataset.published},
                          {"slave_endpoint", dataset.slave_endpoint},
                          {"tls_server_name", dataset.tls_server_name},
                          {"profile", dataset.profile},
                          {"required_credential", dataset.required_credential}});
    }
    participants.push_back(
        {{"name", name},
         {"did", party->did},
         {"key_id", party->key->kid()},
         {"key_file", party->config.key_file},
         {"management_url", ManagementUrl(name)},
         {"federated_catalog_url", FederatedCatalogUrl(name)},
         {"dsp_url", DspUrl(name)},
         {"credential_service_url", CredentialServiceUrl(name)},
         {"credentials", party->config.credentials},
         {"datasets", datasets}});
  }
  return {{"base_url", BaseUrl()},
          {"issuer",
           {{"name", issuer_->config.name},
            {"did", issuer_->did},
            {"key_file", issuer_->config.key_file},
            {"status_list_url", BaseUrl() + kStatusPath}}},
          {"participants", participants}};
}

HttpReply Dataspace::Handle(const HttpCall& call) {
  std::lock_guard<std::mutex> lock(mu_);
  try {
    return Route(call);
  } catch (const std::exception& e) {
    return ApiError(500, absl::StrCat("dev dataspace: ", e.what()),
                    "InternalError");
  }
}

HttpReply Dataspace::StatusListReply() {
  identity::StatusListRequest request;
  request.id = BaseUrl() + kStatusPath;
  request.issued = clock_->Now();
  StatusOr<std::string> jwt = identity::IssueStatusListJwt(
      *issuer_->key, issuer_->did, revocation_bits_, request);
  if (!jwt.ok()) return ApiError(500, std::string(jwt.status().message()));
  return HttpReply{200, *jwt, "application/vc+jwt"};
}

HttpReply Dataspace::Route(const HttpCall& call) {
  std::vector<std::string> parts =
      absl::StrSplit(call.path, '/', absl::SkipEmpty());
  const std::string& method = call.method;
  if (parts.size() == 1 && parts[0] == "healthz") {
    return HttpReply{200, "ok\n", "text/plain"};
  }
  if (!parts.empty() && parts[0] == issuer_->config.name) {
    if (method == "GET" && parts.size() == 2 && parts[1] == "did.json") {
      return Json(issuer_->did_document);
    }
    if (method == "GET" && call.path == kStatusPath) return StatusListReply();
    return ApiError(404, "no such resource", "ObjectNotFound", call.path);
  }
  if (parts.size() < 3 || parts[0] != "participants") {
    return ApiError(404, "no such resource", "ObjectNotFound", call.path);
  }
  Party* party = FindParty(parts[1]);
  if (party == nullptr) {
    return ApiError(404, absl::StrCat("no participant '", parts[1], "'"),
                    "ObjectNotFound", call.path);
  }
  const std::vector<std::string> rest(parts.begin() + 2, parts.end());
  if (method == "GET" && rest.size() == 1 && rest[0] == "did.json") {
    return Json(party->did_document);
  }
  if (rest.size() == 3 && rest[0] == "cs" && rest[1] == "presentations" &&
      rest[2] == "query" && method == "POST") {
    return HandlePresentationQuery(*party, call);
  }
  // Everything else is the participant's connector: X-Api-Key.
  if (!config_.api_key.empty() && call.Header("X-Api-Key") != config_.api_key) {
    return ApiError(401, "missing or wrong X-Api-Key", "AuthenticationFailed");
  }
  if (rest.size() == 2 && rest[0] == "sts" && rest[1] == "token" &&
      method == "POST") {
    return HandleSts(*party, call.body);
  }
  if (rest.size() >= 3 && rest[0] == "api" && rest[1] == "management" &&
      (rest[2] == "v3" || rest[2] == "v4")) {
    return HandleManagement(
        *party, method, std::vector<std::string>(rest.begin() + 3, rest.end()),
        call.body);
  }
  if (rest == std::vector<std::string>{"api", "catalog", "v1alpha", "catalog",
                                       "query"} &&
      method == "POST") {
    return HandleFederatedCatalog(*party, call.body);
  }
  if (rest.size() >= 2 && rest[0] == "api" && rest[1] == "dsp") {
    return ApiError(501,
                    "the dev dataspace's DSP endpoint is internal: use the "
                    "Management API",
                    "NotImplemented");
  }
  return ApiError(404, "no such resource", "ObjectNotFound", call.path);
}

}  // namespace dsfl::devspace
