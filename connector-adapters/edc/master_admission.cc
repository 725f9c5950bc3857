#include "connector-adapters/edc/master_admission.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <system_error>
#include <thread>

#include "absl/strings/str_cat.h"
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

  // Workers take the next dataset index; each node's outcome lands in its
  // discovery slot, so the report does not depend on timing. The observer
  // is called under `mu` (one call at a time); its first error stops new
  // admissions and is Run()'s result once every worker has been joined.
  std::mutex mu;
  Status observer_error;
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  auto work = [&] {
    for (;;) {
      if (stop.load()) return;
      const size_t i = next.fetch_add(1);
      if (i >= count) return;
      CandidateNode node = Admit(discovery.slaves[i], options);
      std::lock_guard<std::mutex> lock(mu);
      report.nodes[i] = std::move(node);
      if (observer != nullptr && observer_error.ok()) {
        observer_error = observer->OnCandidate(report.nodes[i]);
        if (!observer_error.ok()) stop.store(true);
      }
    }
  };
  const size_t threads = std::min<size_t>(
      count, static_cast<size_t>(std::max(1, options.max_parallel_admissions)));
  if (threads <= 1) {
    work();  // On Run()'s thread: nothing to join.
  } else {
    std::vector<std::thread> workers;
    workers.reserve(threads);
    for (size_t t = 0; t < threads; ++t) {
      try {
        workers.emplace_back(work);
      } catch (const std::system_error&) {
        break;  // No more threads: the ones started take every index.
      }
    }
    if (workers.empty()) work();
    for (std::thread& worker : workers) worker.join();
  }
  DSFL_RETURN_IF_ERROR(observer_error);
  return report;
}

}  // namespace dsfl::edc
