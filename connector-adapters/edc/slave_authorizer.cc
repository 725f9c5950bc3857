#include "connector-adapters/edc/slave_authorizer.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "connector-adapters/edc/agreement_check.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::edc {

using identity::Reason;
using identity::Refuse;

StatusOr<AuthorizationDecision> SlaveAuthorizer::Authorize(
    const AuthorizationRequest& request, int64_t cohort_size) const {
  AuthorizationDecision decision;
  if (request.master_did.empty()) {
    return Refuse(Reason::kMalformed, "Authorize: master_did is missing");
  }
  // 1. The master's credential.
  identity::PresentationPolicy policy;
  policy.trusted_issuers = policy_.trusted_issuers;
  policy.required_types = policy_.required_master_types;
  policy.audience = policy_.own_did;
  policy.expected_holder = request.master_did;
  std::vector<std::string> presentations;
  if (!request.master_presentation.empty()) {
    presentations.push_back(request.master_presentation);
  } else if (dcp_ != nullptr) {
    std::vector<std::string> scopes;
    for (const std::string& type : policy_.required_master_types) {
      scopes.push_back(identity::CredentialTypeScope(type));
    }
    DSFL_ASSIGN_OR_RETURN(
        presentations,
        dcp_->Query(request.master_did, scopes, request.master_access_token));
  }
  if (presentations.empty()) {
    return Refuse(Reason::kMissingCredential,
                  absl::StrCat("the master ", request.master_did,
                               " presented no credential"));
  }
  Status last;
  bool verified = false;
  for (const std::string& vp : presentations) {
    StatusOr<identity::VerifiedPresentation> master =
        verifier_->VerifyPresentation(vp, policy);
    if (master.ok()) {
      decision.master = *std::move(master);
      verified = true;
      break;
    }
    last = master.status();
  }
  if (!verified) return identity::WithContext(last, "master credential: ");
  // 2. The agreement, with this node's own connector.
  DSFL_ASSIGN_OR_RETURN(
      decision.agreement,
      VerifyAgreementWithOwnConnector(
          *connector_, request.agreement_id,
          {request.master_did, policy_.own_did, policy_.dataset_id}));
  // 3. Local policy.
  const std::string model = absl::AsciiStrToLower(request.model_sha256);
  if (!policy_.allowed_model_sha256.empty() &&
      std::find(policy_.allowed_model_sha256.begin(),
                policy_.allowed_model_sha256.end(),
                model) == policy_.allowed_model_sha256.end()) {
    return Refuse(Reason::kModelNotAllowed,
                  absl::StrCat("model sha256 '", model,
                               "' is not in this node's allowlist"));
  }
  if (cohort_size < policy_.min_cohort) {
    return Refuse(Reason::kCohortTooSmall,
                  absl::StrCat("the cohort has ", cohort_size,
                               " records; this node requires at least ",
                               policy_.min_cohort));
  }
  for (const std::string& setting : policy_.required_privacy_settings) {
    if (request.privacy.count(setting) == 0) {
      return Refuse(Reason::kPrivacySettingMissing,
                    absl::StrCat("privacy setting '", setting,
                                 "' is required by this node"));
    }
  }
  return decision;
}

}  // namespace dsfl::edc
