// Contract negotiation and agreement resources of the EDC Management API
// (v3 JSON-LD, read leniently): the negotiation state machine, the
// ContractNegotiation and NegotiationState bodies, IdResponse,
// ContractAgreement and the API's error arrays.
//
// States and codes follow EDC's ContractNegotiationStates (INITIAL 50 ...
// FINALIZED 1200, TERMINATING 1300, TERMINATED 1400); FINALIZED and
// TERMINATED are final.
//
// Errors: InvalidArgument naming the member that is missing or malformed.
// Threading: value types.
#ifndef DSFL_CONNECTOR_ADAPTERS_EDC_NEGOTIATION_H_
#define DSFL_CONNECTOR_ADAPTERS_EDC_NEGOTIATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl::edc {

enum class NegotiationState {
  kInitial = 50,
  kRequesting = 100,
  kRequested = 200,
  kOffering = 300,
  kOffered = 400,
  kAccepting = 700,
  kAccepted = 800,
  kAgreeing = 825,
  kAgreed = 850,
  kVerifying = 1050,
  kVerified = 1100,
  kFinalizing = 1150,
  kFinalized = 1200,
  kTerminating = 1300,
  kTerminated = 1400,
};

std::string_view NegotiationStateName(NegotiationState state);
StatusOr<NegotiationState> ParseNegotiationStateName(std::string_view name);
bool IsFinal(NegotiationState state);

struct ContractNegotiation {
  std::string id;
  std::string type;  // "CONSUMER" or "PROVIDER"
  std::string protocol;
  NegotiationState state = NegotiationState::kInitial;
  std::string counter_party_id;
  std::string counter_party_address;
  std::string contract_agreement_id;  // Once agreed.
  std::string error_detail;           // On failure.
  std::optional<int64_t> created_at;  // Epoch milliseconds.
};
StatusOr<ContractNegotiation> ParseContractNegotiation(
    const nlohmann::json& json);
// GET .../{id}/state: {"@type":"NegotiationState","state":"..."}.
StatusOr<NegotiationState> ParseNegotiationStateResponse(
    const nlohmann::json& json);

struct IdResponse {
  std::string id;
  std::optional<int64_t> created_at;
};
StatusOr<IdResponse> ParseIdResponse(const nlohmann::json& json);

struct ContractAgreement {
  std::string id;
  std::string asset_id;
  std::string consumer_id;
  std::string provider_id;
  std::optional<int64_t> contract_signing_date;  // Epoch seconds.
  // From the policy (an odrl:Agreement): assignee, assigner, target.
  std::string policy_assignee;
  std::string policy_assigner;
  std::string policy_target;
  nlohmann::json policy;
};
StatusOr<ContractAgreement> ParseContractAgreement(const nlohmann::json& json);
StatusOr<std::vector<ContractAgreement>> ParseContractAgreementList(
    const nlohmann::json& json);

struct ApiError {
  std::string message;
  std::string type;
  std::string path;
  std::string invalid_value;
};
// An error body: an array of errors or a single one; unparseable bodies
// yield an empty list.
std::vector<ApiError> ParseApiErrors(const nlohmann::json& json);
// "message (path, invalidValue); ..." for status messages.
std::string DescribeApiErrors(const std::vector<ApiError>& errors);

}  // namespace dsfl::edc

#endif  // DSFL_CONNECTOR_ADAPTERS_EDC_NEGOTIATION_H_
