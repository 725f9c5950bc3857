#include "connector-adapters/edc/negotiation.h"

#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "connector-adapters/edc/jsonld.h"

namespace dsfl::edc {
namespace {

using jsonld::Find;
using jsonld::Id;
using jsonld::TextOf;

constexpr std::array<std::pair<NegotiationState, std::string_view>, 15>
    kStates = {{
        {NegotiationState::kInitial, "INITIAL"},
        {NegotiationState::kRequesting, "REQUESTING"},
        {NegotiationState::kRequested, "REQUESTED"},
        {NegotiationState::kOffering, "OFFERING"},
        {NegotiationState::kOffered, "OFFERED"},
        {NegotiationState::kAccepting, "ACCEPTING"},
        {NegotiationState::kAccepted, "ACCEPTED"},
        {NegotiationState::kAgreeing, "AGREEING"},
        {NegotiationState::kAgreed, "AGREED"},
        {NegotiationState::kVerifying, "VERIFYING"},
        {NegotiationState::kVerified, "VERIFIED"},
        {NegotiationState::kFinalizing, "FINALIZING"},
        {NegotiationState::kFinalized, "FINALIZED"},
        {NegotiationState::kTerminating, "TERMINATING"},
        {NegotiationState::kTerminated, "TERMINATED"},
    }};

Status Missing(const char* what, const char* member) {
  return absl::InvalidArgumentError(
      absl::StrCat(what, ": '", member, "' is missing"));
}

}  // namespace

std::string_view NegotiationStateName(NegotiationState state) {
  for (const auto& [s, name] : kStates) {
    if (s == state) return name;
  }
  return "UNKNOWN";
}

StatusOr<NegotiationState> ParseNegotiationStateName(std::string_view name) {
  // Tolerate prefixed IRIs ("edc:FINALIZED") by local name.
  std::string_view local = jsonld::LocalName(name);
  for (const auto& [s, n] : kStates) {
    if (n == local) return s;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "negotiation state '", std::string(name), "' is not an EDC state"));
}

bool IsFinal(NegotiationState state) {
  return state == NegotiationState::kFinalized ||
         state == NegotiationState::kTerminated;
}

StatusOr<ContractNegotiation> ParseContractNegotiation(
    const nlohmann::json& json) {
  if (!json.is_object()) {
    return absl::InvalidArgumentError("ContractNegotiation: not an object");
  }
  ContractNegotiation negotiation;
  negotiation.id = Id(json);
  if (negotiation.id.empty()) return Missing("ContractNegotiation", "@id");
  const std::string state = TextOf(json, "state");
  if (state.empty()) return Missing("ContractNegotiation", "state");
  DSFL_ASSIGN_OR_RETURN(negotiation.state, ParseNegotiationStateName(state));
  negotiation.type = TextOf(json, "type");
  negotiation.protocol = TextOf(json, "protocol");
  negotiation.counter_party_id = TextOf(json, "counterPartyId");
  negotiation.counter_party_address = TextOf(json, "counterPartyAddress");
  negotiation.contract_agreement_id = TextOf(json, "contractAgreementId");
  negotiation.error_detail = TextOf(json, "errorDetail");
  negotiation.created_at = jsonld::Integer(Find(json, "createdAt"));
  return negotiation;
}

StatusOr<NegotiationState> ParseNegotiationStateResponse(
    const nlohmann::json& json) {
  if (!json.is_object()) {
    return absl::InvalidArgumentError("NegotiationState: not an object");
  }
  const std::string state = TextOf(json, "state");
  if (state.empty()) return Missing("NegotiationState", "state");
  return ParseNegotiationStateName(state);
}

StatusOr<IdResponse> ParseIdResponse(const nlohmann::json& json) {
  if (!json.is_object()) {
    return absl::InvalidArgumentError("IdResponse: not an object");
  }
  IdResponse response;
  response.id = Id(json);
  if (response.id.empty()) return Missing("IdResponse", "@id");
  response.created_at = jsonld::Integer(Find(json, "createdAt"));
  return response;
}

StatusOr<ContractAgreement> ParseContractAgreement(const nlohmann::json& json) {
  if (!json.is_object()) {
    return absl::InvalidArgumentError("ContractAgreement: not an object");
  }
  ContractAgreement agreement;
  agreement.id = Id(json);
  if (agreement.id.empty()) return Missing("ContractAgreement", "@id");
  agreement.asset_id = TextOf(json, "assetId");
  agreement.consumer_id = TextOf(json, "consumerId");
  agreement.provider_id = TextOf(json, "providerId");
  agreement.contract_signing_date =
      jsonld::Integer(Find(json, "contractSigningDate"));
  const nlohmann::json* policy = Find(json, "policy");
  if (policy != nullptr && policy->is_object()) {
    agreement.policy = *policy;
    agreement.policy_assignee = TextOf(*policy, "assignee");
    agreement.policy_assigner = TextOf(*policy, "assigner");
    agreement.policy_target = TextOf(*policy, "target");
    if (agreement.policy_target.empty()) {
      // Older shapes put the target on the permission.
      for (const nlohmann::json* permission :
           jsonld::Values(Find(*policy, "permission"))) {
        if (permission->is_object()) {
          agreement.policy_target = TextOf(*permission, "target");
          if (!agreement.policy_target.empty()) break;
        }
      }
    }
  }
  if (agreement.asset_id.empty()) agreement.asset_id = agreement.policy_target;
  if (agreement.consumer_id.empty()) {
    agreement.consumer_id = agreement.policy_assignee;
  }
  if (agreement.provider_id.empty()) {
    agreement.provider_id = agreement.policy_assigner;
  }
  return agreement;
}

StatusOr<std::vector<ContractAgreement>> ParseContractAgreementList(
    const nlohmann::json& json) {
  if (!json.is_array()) {
    return absl::InvalidArgumentError(
        "contract agreement query: not a JSON array");
  }
  std::vector<ContractAgreement> agreements;
  for (size_t i = 0; i < json.size(); ++i) {
    StatusOr<ContractAgreement> agreement = ParseContractAgreement(json[i]);
    if (!agreement.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "contract agreement [", i, "]: ", agreement.status().message()));
    }
    agreements.push_back(*std::move(agreement));
  }
  return agreements;
}

std::vector<ApiError> ParseApiErrors(const nlohmann::json& json) {
  std::vector<ApiError> errors;
  for (const nlohmann::json* item : jsonld::Values(&json)) {
    if (!item->is_object()) continue;
    ApiError error;
    error.message = TextOf(*item, "message");
    error.type = TextOf(*item, "type");
    error.path = TextOf(*item, "path");
    error.invalid_value = TextOf(*item, "invalidValue");
    if (!error.message.empty()) errors.push_back(std::move(error));
  }
  return errors;
}

std::string DescribeApiErrors(const std::vector<ApiError>& errors) {
  std::string text;
  for (const ApiError& error : errors) {
    if (!text.empty()) text += "; ";
    text += error.message;
    if (!error.path.empty() || !error.invalid_value.empty()) {
      absl::StrAppend(&text, " (", error.path,
                      error.invalid_value.empty() ? "" : ": ",
                      error.invalid_value, ")");
    }
  }
  return text;
}

}  // namespace dsfl::edc
