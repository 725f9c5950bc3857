#include "connector-adapters/edc/master_admission.h"

#include <algorithm>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "common/for_each_bounded.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::edc {

std::string_view AdmissionStepName(AdmissionStep step) {
  switch (step) {
    case AdmissionStep::kDiscover:
      return "discover";
    case AdmissionStep::kNegotiate:
      return "negotiate";
    case AdmissionStep::kVerify:
      return "verify";
  }
  return "?";
}

int AdmissionReport::admitted() const {
  int count = 0;
  for (const CandidateNode& node : nodes) count += node.admitted() ? 1 : 0;
  return count;
}

CandidateNode MasterAdmission::Admit(const SlaveDataset& dataset,
                                     const MasterAdmissionOptions& options) {
  CandidateNode node;
  node.dataset = dataset;
  node.reached = AdmissionStep::kNegotiate;
  NegotiationOptions negotiation = options.negotiation;
  negotiation.on_state = [&node, &options](const std::string& id,
                                           NegotiationState state) {
    node.negotiation_id = id;
    node.states_seen.push_back(state);
    if (options.negotiation.on_state) options.negotiation.on_state(id, state);
  };
  StatusOr<NegotiationOutcome> negotiated =
      NegotiateContract(*connector_, ContractRequestFor(dataset), negotiation,
                        *clock_, *sleeper_);
  if (!negotiated.ok()) {
    node.refusal = negotiated.status();
    return node;
  }
  node.negotiation_id = negotiated->negotiation_id;
  node.states_seen = negotiated->states_seen;
  node.agreement = negotiated->agreement;
  node.reached = AdmissionStep::kVerify;
  std::vector<std::string> scopes;
  for (const std::string& type : options.required_types) {
    scopes.push_back(identity::CredentialTypeScope(type));
  }
  const std::string token =
      options.access_token ? options.access_token(dataset.participant_id) : "";
  StatusOr<std::vector<std::string>> vps =
      dcp_->Query(dataset.participant_id, scopes, token);
  if (!vps.ok()) {
    node.refusal = vps.status();
    return node;
  }
  identity::PresentationPolicy policy;
  policy.trusted_issuers = options.trusted_issuers;
  policy.required_types = options.required_types;
  policy.audience = options.master_did;
  policy.expected_holder = dataset.participant_id;
  policy.require_authentication_relationship =
      options.require_authentication_relationship;
  if (vps->empty()) {
    node.refusal = identity::Refuse(
        identity::Reason::kMissingCredential,
        absl::StrCat("CredentialService of ", dataset.participant_id,
                     " returned no presentation"));
    return node;
  }
  // DCP returns one VP per format; the required types may be spread.
  Status last;
  for (const std::string& vp : *vps) {
    StatusOr<identity::VerifiedPresentation> verified =
        verifier_->VerifyPresentation(vp, policy);
    if (verified.ok()) {
      node.presentation = *std::move(verified);
      node.refusal = absl::OkStatus();
      return node;
    }
    last = verified.status();
  }
  node.refusal = last;
  return node;
}

StatusOr<AdmissionReport> MasterAdmission::Run(
    const MasterAdmissionOptions& options, AdmissionObserver* observer) {
  DSFL_ASSIGN_OR_RETURN(std::vector<Catalog> catalogs,
                        connector_->QueryFederatedCatalog({}));
  SlaveDiscovery discovery = ExtractSlaveDatasets(catalogs, options.profile);
  if (observer != nullptr) {
    DSFL_RETURN_IF_ERROR(observer->OnDiscovered(discovery));
  }
  AdmissionReport report;
  report.skipped = discovery.skipped;
  const size_t count = discovery.slaves.size();
  report.nodes.resize(count);

  // Each node's outcome lands in its discovery slot, so the report does not
  // depend on timing. The observer is called under `mu` (one call at a
  // time); its first error stops new admissions and is Run()'s result once
  // every worker has been joined.
  std::mutex mu;
  bool observer_failed = false;
  DSFL_RETURN_IF_ERROR(ForEachBounded(
      count, static_cast<size_t>(std::max(1, options.max_parallel_admissions)),
      [&](size_t i) -> Status {
        CandidateNode node = Admit(discovery.slaves[i], options);
        std::lock_guard<std::mutex> lock(mu);
        report.nodes[i] = std::move(node);
        if (observer == nullptr || observer_failed) return absl::OkStatus();
        Status observed = observer->OnCandidate(report.nodes[i]);
        observer_failed = !observed.ok();
        return observed;
      }));
  return report;
}

}  // namespace dsfl::edc
