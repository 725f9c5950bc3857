#include "connector-adapters/edc/agreement_check.h"

#include "absl/strings/str_cat.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::edc {
namespace {

using identity::Reason;
using identity::Refuse;

Status Compare(const ContractAgreement& agreement, const std::string& expected,
               const std::string& top, const std::string& policy,
               const char* what, Reason reason) {
  for (const std::string* actual : {&top, &policy}) {
    if (actual->empty()) continue;
    if (*actual != expected) {
      return Refuse(
          reason, absl::StrCat("agreement ", agreement.id, ": ", what, " is '",
                               *actual, "', expected '", expected, "'"));
    }
  }
  if (top.empty() && policy.empty()) {
    return Refuse(reason,
                  absl::StrCat("agreement ", agreement.id, " names no ", what));
  }
  return absl::OkStatus();
}

}  // namespace

Status CheckAgreement(const ContractAgreement& agreement,
                      const AgreementExpectation& expected) {
  DSFL_RETURN_IF_ERROR(Compare(agreement, expected.consumer_did,
                               agreement.consumer_id, agreement.policy_assignee,
                               "consumer", Reason::kAgreementWrongConsumer));
  if (!expected.provider_did.empty()) {
    DSFL_RETURN_IF_ERROR(Compare(agreement, expected.provider_did,
                                 agreement.provider_id,
                                 agreement.policy_assigner, "provider",
                                 Reason::kAgreementWrongProvider));
  }
  return Compare(agreement, expected.asset_id, agreement.asset_id,
                 agreement.policy_target, "asset",
                 Reason::kAgreementWrongAsset);
}

StatusOr<ContractAgreement> VerifyAgreementWithOwnConnector(
    ManagementApiClient& own_connector, const std::string& agreement_id,
    const AgreementExpectation& expected) {
  StatusOr<ContractAgreement> agreement =
      own_connector.GetAgreement(agreement_id);
  if (agreement.status().code() == absl::StatusCode::kNotFound) {
    return Refuse(Reason::kAgreementNotFound,
                  absl::StrCat("agreement ", agreement_id,
                               " is unknown to this node's connector"));
  }
  if (!agreement.ok()) return agreement.status();
  DSFL_RETURN_IF_ERROR(CheckAgreement(*agreement, expected));
  return agreement;
}

}  // namespace dsfl::edc
