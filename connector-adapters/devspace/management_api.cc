// Dataspace: the participants' EDC Management API (catalog, federated
// catalog, negotiations, agreements). See dataspace.h.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/crypto/base64url.h"
#include "connector-adapters/devspace/dataspace.h"
#include "connector-adapters/devspace/dataspace_internal.h"
#include "connector-adapters/devspace/negotiation_machine.h"
#include "connector-adapters/edc/jsonld.h"
#include "connector-adapters/edc/requests.h"
#include "connector-adapters/edc/slave_dataset.h"
#include "connector-adapters/identity/self_issued_token.h"

namespace dsfl::devspace {

using edc::NegotiationState;
using internal::ApiError;
using internal::Json;
using internal::ParseBody;

namespace {

constexpr char kContractDefinition[] = "dsfl-federated-training-def";
constexpr char kPurposeFederatedTraining[] =
    "https://w3id.org/dsfl/v1/FederatedTraining";
constexpr char kPolicyRejected[] =
    "Contract offer rejected as invalid: Policy in scope "
    "contract.negotiation not fulfilled";

nlohmann::json DspContext() {
  return nlohmann::json::array({"https://w3id.org/dspace/2025/1/context.jsonld",
                                "https://w3id.org/edc/dspace/v0.0.1"});
}

}  // namespace

nlohmann::json Dataspace::CatalogJson(const Party& provider,
                                      const Party& consumer) {
  const std::string dsp = DspUrl(provider.config.name);
  const std::string service_id = identity::RandomUuid();
  const nlohmann::json service = {{"@id", service_id},
                                  {"@type", "DataService"},
                                  {"endpointDescription", "dspace:connector"},
                                  {"endpointURL", dsp}};
  nlohmann::json datasets = nlohmann::json::array();
  // Access policy: members only.
  if (HoldsValid(consumer, "MembershipCredential")) {
    for (const DevDataset& dataset : provider.config.datasets) {
      if (!dataset.published) continue;
      const std::string offer_id =
          absl::StrCat(crypto::Base64Encode(kContractDefinition), ":",
                       crypto::Base64Encode(dataset.id), ":",
                       crypto::Base64Encode(identity::RandomUuid()));
      offers_[offer_id] = OfferRecord{provider.config.name, dataset.id};
      nlohmann::json offer = {
          {"@id", offer_id},
          {"@type", "Offer"},
          {"permission",
           {{{"action", "use"},
             {"constraint",
              {{{"leftOperand", "purpose"},
                {"operator", "eq"},
                {"rightOperand", kPurposeFederatedTraining}},
               {{"leftOperand", dataset.required_credential},
                {"operator", "eq"},
                {"rightOperand", "active"}}}}}}},
          {"prohibition", nlohmann::json::array()},
          {"obligation", nlohmann::json::array()}};
      nlohmann::json entry = {
          {"@id", dataset.id},
          {"@type", "Dataset"},
          {"hasPolicy", {offer}},
          {"distribution",
           {{{"@type", "Distribution"},
             {"format", "HttpData-PULL"},
             {"accessService", service}}}},
          {"description", dataset.description},
          {"id", dataset.id},
          {edc::DsflIri("slaveEndpoint"), dataset.slave_endpoint},
          {edc::DsflIri("datasetProfile"), dataset.profile},
          {edc::DsflIri("participantId"), provider.did},
          {edc::DsflIri("protocolVersion"),
           dataset.protocol_version.empty() ? edc::kDsflProtocolVersion
                                            : dataset.protocol_version}};
      if (!dataset.tls_server_name.empty()) {
        entry[edc::DsflIri("tlsServerName")] = dataset.tls_server_name;
      }
      datasets.push_back(std::move(entry));
    }
  }
  return {{"@id", identity::RandomUuid()}, {"@type", "Catalog"},
          {"dataset", datasets},           {"service", {service}},
          {"participantId", provider.did}, {"@context", DspContext()}};
}

HttpReply Dataspace::HandleCatalogRequest(Party& consumer,
                                          const std::string& body) {
  nlohmann::json json;
  HttpReply error;
  if (!ParseBody(body, &json, &error)) return error;
  StatusOr<edc::CatalogRequest> request = edc::ParseCatalogRequest(json);
  if (!request.ok())
    return ApiError(400, std::string(request.status().message()));
  Party* provider = PartyByDsp(request->counter_party_address);
  if (provider == nullptr || (!request->counter_party_id.empty() &&
                              request->counter_party_id != provider->did)) {
    // EDC answers 502 when the DSP call to the provider fails.
    return ApiError(502,
                    absl::StrCat("no provider connector answered at ",
                                 request->counter_party_address, " as ",
                                 request->counter_party_id),
                    "BadGateway");
  }
  return Json(CatalogJson(*provider, consumer));
}

HttpReply Dataspace::HandleFederatedCatalog(Party& consumer,
                                            const std::string& body) {
  nlohmann::json json;
  HttpReply error;
  if (!ParseBody(body, &json, &error)) return error;
  if (!edc::ParseQuerySpec(json).ok()) {
    return ApiError(400, "federated catalog query: body is not a QuerySpec");
  }
  nlohmann::json catalogs = nlohmann::json::array();
  for (auto& provider : participants_) {
    const auto& datasets = provider->config.datasets;
    if (provider.get() == &consumer ||
        std::none_of(datasets.begin(), datasets.end(),
                     [](const DevDataset& d) { return d.published; })) {
      continue;
    }
    nlohmann::json catalog = CatalogJson(*provider, consumer);
    catalog["originator"] = DspUrl(provider->config.name);
    catalogs.push_back(std::move(catalog));
  }
  return Json(catalogs);
}

HttpReply Dataspace::HandleNegotiate(Party& consumer, const std::string& body) {
  nlohmann::json json;
  HttpReply error;
  if (!ParseBody(body, &json, &error)) return error;
  StatusOr<edc::ContractRequest> request = edc::ParseContractRequest(json);
  if (!request.ok()) {
    return ApiError(400, std::string(request.status().message()),
                    "ValidationFailure", "policy");
  }
  auto negotiation = std::make_unique<Negotiation>();
  negotiation->id = identity::RandomUuid();
  negotiation->consumer = consumer.config.name;
  negotiation->provider_did = request->assigner;
  negotiation->dsp_address = request->counter_party_address;
  negotiation->dataset_id = request->target;
  negotiation->offer = request->offer;
  negotiation->created = clock_->Now();
  negotiation->agreement_id = identity::RandomUuid();
  // What the provider's connector decides, as EDC would.
  Party* provider = PartyByDsp(request->counter_party_address);
  const std::string offer_id = edc::jsonld::Id(request->offer);
  auto offer = offers_.find(offer_id);
  const DevDataset* dataset = nullptr;
  if (provider != nullptr) {
    negotiation->provider = provider->config.name;
    for (const DevDataset& d : provider->config.datasets) {
      if (d.id == request->target && d.published) dataset = &d;
    }
  }
  auto reject = [&](const std::string& why) {
    negotiation->behaviour = NegotiationBehaviour::kTerminate;
    negotiation->error_detail = why;
  };
  if (provider == nullptr) {
    reject(absl::StrCat("no connector answered at ",
                        request->counter_party_address));
  } else if (request->assigner != provider->did) {
    reject(absl::StrCat("assigner '", request->assigner,
                        "' is not the provider's participant id"));
  } else if (offer == offers_.end() ||
             offer->second.provider != provider->config.name ||
             offer->second.dataset_id != request->target ||
             dataset == nullptr) {
    reject(absl::StrCat("Contract offer rejected: offer '", offer_id,
                        "' was not issued for asset '", request->target, "'"));
  } else if (!HoldsValid(consumer, dataset->required_credential)) {
    reject(kPolicyRejected);
  } else {
    negotiation->behaviour = dataset->negotiation;
    if (dataset->negotiation == NegotiationBehaviour::kTerminate) {
      reject(kPolicyRejected);
    }
  }
  const std::string id = negotiation->id;
  const int64_t created_ms = absl::ToUnixMillis(negotiation->created);
  negotiations_[id] = std::move(negotiation);
  return Json({{"@type", "IdResponse"},
               {"@id", id},
               {"createdAt", created_ms},
               {"@context", internal::ResponseContext()}});
}

NegotiationState Dataspace::StateOf(const Negotiation& negotiation) const {
  if (negotiation.terminated_by_request) return NegotiationState::kTerminated;
  return NegotiationStateAt(negotiation.behaviour,
                            clock_->Now() - negotiation.created,
                            config_.negotiation_step);
}

nlohmann::json Dataspace::NegotiationJson(const Negotiation& n) const {
  const NegotiationState state = StateOf(n);
  nlohmann::json json = {
      {"@type", "ContractNegotiation"},
      {"@id", n.id},
      {"type", "CONSUMER"},
      {"protocol", edc::kDsp2025Protocol},
      {"state", std::string(edc::NegotiationStateName(state))},
      {"counterPartyId", n.provider_did},
      {"counterPartyAddress", n.dsp_address},
      {"callbackAddresses", nlohmann::json::array()},
      {"createdAt", absl::ToUnixMillis(n.created)},
      {"@context", internal::ResponseContext()}};
  if (state == NegotiationState::kFinalized) {
    json["contractAgreementId"] = n.agreement_id;
  }
  if (state == NegotiationState::kTerminated) {
    json["errorDetail"] = n.error_detail;
  }
  return json;
}

nlohmann::json Dataspace::AgreementJson(const Negotiation& n) const {
  const Party* consumer = FindParty(n.consumer);
  const std::string consumer_did = consumer ? consumer->did : "";
  nlohmann::json permission = nlohmann::json::array();
  if (const nlohmann::json* p = edc::jsonld::Find(n.offer, "permission")) {
    permission = *p;
  }
  const int64_t signed_at =
      absl::ToUnixSeconds(n.created + 6 * config_.negotiation_step);
  return {{"@type", "ContractAgreement"},
          {"@id", n.agreement_id},
          {"assetId", n.dataset_id},
          {"policy",
           {{"@id", identity::RandomUuid()},
            {"@type", "odrl:Agreement"},
            {"odrl:permission", permission},
            {"odrl:prohibition", nlohmann::json::array()},
            {"odrl:obligation", nlohmann::json::array()},
            {"odrl:assignee", consumer_did},
            {"odrl:assigner", n.provider_did},
            {"odrl:target", {{"@id", n.dataset_id}}}}},
          {"contractSigningDate", signed_at},
          {"consumerId", consumer_did},
          {"providerId", n.provider_did},
          {"@context", internal::ResponseContext()}};
}

Dataspace::Negotiation* Dataspace::FindNegotiation(const Party& consumer,
                                                   const std::string& id) {
  auto it = negotiations_.find(id);
  if (it == negotiations_.end() ||
      it->second->consumer != consumer.config.name) {
    return nullptr;
  }
  return it->second.get();
}

// An agreement is visible to both of its parties once FINALIZED.
const Dataspace::Negotiation* Dataspace::FindAgreement(const Party& party,
                                                       const std::string& id) {
  for (const auto& [key, n] : negotiations_) {
    if (n->agreement_id != id) continue;
    if (StateOf(*n) != NegotiationState::kFinalized) return nullptr;
    if (n->consumer == party.config.name || n->provider == party.config.name) {
      return n.get();
    }
  }
  return nullptr;
}

HttpReply Dataspace::HandleManagement(Party& party, const std::string& method,
                                      const std::vector<std::string>& rest,
                                      const std::string& body) {
  auto is = [&rest](std::initializer_list<const char*> path) {
    if (rest.size() != path.size()) return false;
    size_t i = 0;
    for (const char* part : path) {
      if (std::string(part) != "*" && rest[i] != part) return false;
      ++i;
    }
    return true;
  };
  if (method == "POST" && is({"catalog", "request"})) {
    return HandleCatalogRequest(party, body);
  }
  if (method == "POST" && is({"catalogs", "request"})) {
    return HandleFederatedCatalog(party, body);
  }
  if (!rest.empty() && rest[0] == "assets") {
    return HandleAssets(party, method, rest, body);
  }
  if (method == "POST" && is({"contractnegotiations"})) {
    return HandleNegotiate(party, body);
  }
  if (method == "POST" && is({"contractnegotiations", "request"})) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [id, n] : negotiations_) {
      if (n->consumer == party.config.name) list.push_back(NegotiationJson(*n));
    }
    return Json(list);
  }
  if (rest.size() >= 2 && rest[0] == "contractnegotiations") {
    Negotiation* n = FindNegotiation(party, rest[1]);
    if (n == nullptr) {
      return ApiError(
          404,
          absl::StrCat("Object of type ContractNegotiation with ID=", rest[1],
                       " was not found"),
          "ObjectNotFound");
    }
    if (method == "GET" && rest.size() == 2) return Json(NegotiationJson(*n));
    if (method == "GET" && is({"contractnegotiations", "*", "state"})) {
      return Json(
          {{"@type", "NegotiationState"},
           {"state", std::string(edc::NegotiationStateName(StateOf(*n)))},
           {"@context", internal::ResponseContext()}});
    }
    if (method == "GET" && is({"contractnegotiations", "*", "agreement"})) {
      if (StateOf(*n) != NegotiationState::kFinalized) {
        return ApiError(404, "the negotiation has no agreement yet",
                        "ObjectNotFound");
      }
      return Json(AgreementJson(*n));
    }
    if (method == "POST" && is({"contractnegotiations", "*", "terminate"})) {
      if (edc::IsFinal(StateOf(*n))) {
        return ApiError(409, "the negotiation is already final",
                        "ObjectConflict");
      }
      nlohmann::json json;
      HttpReply error;
      if (!ParseBody(body, &json, &error)) return error;
      StatusOr<edc::TerminateNegotiation> terminate =
          edc::ParseTerminateNegotiation(json);
      if (!terminate.ok()) {
        return ApiError(400, std::string(terminate.status().message()));
      }
      n->terminated_by_request = true;
      n->error_detail = terminate->reason;
      return HttpReply{204, "", "application/json"};
    }
  }
  if (method == "GET" && is({"contractagreements", "*"})) {
    const Negotiation* n = FindAgreement(party, rest[1]);
    if (n == nullptr) {
      return ApiError(404,
                      absl::StrCat("Object of type ContractAgreement with ID=",
                                   rest[1], " was not found"),
                      "ObjectNotFound");
    }
    return Json(AgreementJson(*n));
  }
  if (method == "POST" && is({"contractagreements", "request"})) {
    nlohmann::json json;
    HttpReply error;
    if (!ParseBody(body, &json, &error)) return error;
    StatusOr<edc::QuerySpec> query = edc::ParseQuerySpec(json);
    if (!query.ok())
      return ApiError(400, std::string(query.status().message()));
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [id, n] : negotiations_) {
      const Negotiation* visible = FindAgreement(party, n->agreement_id);
      if (visible == nullptr) continue;
      bool match = true;
      for (const edc::Criterion& c : query->filters) {
        if (edc::jsonld::LocalName(c.operand_left) == "assetId" &&
            c.operand_right != n->dataset_id) {
          match = false;
        }
      }
      if (match) list.push_back(AgreementJson(*n));
    }
    return Json(list);
  }
  return ApiError(404, "no such Management API resource", "ObjectNotFound");
}

}  // namespace dsfl::devspace
