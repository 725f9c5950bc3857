// MasterAdmission: the master's half of Flow 1 (docs/dataspace.md), steps
// 1-3, before any connection to a slave:
//   1. discover: query the master's own connector's federated catalog and
//      keep the datasets advertising a dsfl slave (slave_dataset.h),
//      optionally of one profile;
//   2. negotiate each dataset's offer and wait for the agreement
//      (negotiator.h);
//   3. verify the hospital: resolve its did:web, query its CredentialService
//      with a self-issued token signed by the master's key (plus the
//      access token the hospital granted, when the provider callback has
//      one), and verify the presentation: audience = the master, holder =
//      the participant, the required credential types from trusted
//      issuers, not revoked.
// Steps 4-5 (connect with TLS bound to the DID, then Authorize) are the
// caller's: see docs/dataspace.md "Wiring admission into jobs".
// Every node gets an outcome; a failed step excludes that node with its
// refusal (identity/refusal.h) and never stops the others.
//
// Steps 2-3 run for up to `max_parallel_admissions` datasets at once (one
// stalled negotiation no longer delays the others); the report keeps
// discovery order whatever the timing.
//
// An AdmissionObserver (optional) sees the discovery (on Run()'s thread)
// and every node's outcome as soon as it is known, in completion order,
// one call at a time (serialised by Run(), possibly on a worker thread):
// the master audits and reports progress from it. An observer error stops
// new admissions and Run() returns that error once the admissions under
// way have ended (fail closed: the master does not go on with what it
// could not record).
//
// Ownership: borrows every collaborator. Threading: one Run() at a time;
// Run() starts min(datasets, max_parallel_admissions) worker threads and
// joins them all before it returns (also on error), so the collaborators,
// the clock and the sleeper (and options.negotiation.on_state) must be
// thread-safe when max_parallel_admissions > 1. A shared fake clock
// advanced by a fake sleeper is shared by every negotiation's deadline.
#ifndef DSFL_CONNECTOR_ADAPTERS_EDC_MASTER_ADMISSION_H_
#define DSFL_CONNECTOR_ADAPTERS_EDC_MASTER_ADMISSION_H_

#include <functional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "connector-adapters/edc/management_client.h"
#include "connector-adapters/edc/negotiator.h"
#include "connector-adapters/edc/slave_dataset.h"
#include "connector-adapters/identity/dcp_client.h"
#include "connector-adapters/identity/presentation_verifier.h"

namespace dsfl::edc {

enum class AdmissionStep { kDiscover, kNegotiate, kVerify };
std::string_view AdmissionStepName(AdmissionStep step);

struct CandidateNode {
  SlaveDataset dataset;
  std::string negotiation_id;  // Set once the negotiation was initiated.
  // The negotiation's distinct states in order, also when it failed.
  std::vector<NegotiationState> states_seen;
  ContractAgreement agreement;                  // Set once negotiated.
  identity::VerifiedPresentation presentation;  // Set once verified.
  AdmissionStep reached = AdmissionStep::kDiscover;
  Status refusal;  // OK when every step passed.
  bool admitted() const { return refusal.ok(); }
};

struct MasterAdmissionOptions {
  std::string master_did;
  std::string profile;  // "" = any dataset profile.
  std::vector<identity::TrustedIssuer> trusted_issuers;
  std::vector<std::string> required_types = {"MembershipCredential"};
  NegotiationOptions negotiation;
  bool require_authentication_relationship = false;
  // The access token a hospital granted the master for its
  // CredentialService ("" when none); may be empty.
  std::function<std::string(const std::string& participant_did)> access_token;
  // At most this many datasets are negotiated and verified at once (each
  // on its own thread); 1 = one after the other on Run()'s thread.
  // 8: hospitals per job are few, and the threads mostly wait on HTTPS.
  static constexpr int kDefaultMaxParallelAdmissions = 8;
  int max_parallel_admissions = kDefaultMaxParallelAdmissions;
};

struct AdmissionReport {
  std::vector<CandidateNode> nodes;  // One per discovered dsfl dataset.
  std::vector<std::string> skipped;  // Malformed advertisements.
  int admitted() const;
};

// Sees Run() as it goes; a non-OK return stops Run() with that status.
class AdmissionObserver {
 public:
  virtual ~AdmissionObserver() = default;
  // The federated catalog was read: the dsfl datasets found (before any
  // negotiation) and the malformed advertisements skipped.
  virtual Status OnDiscovered(const SlaveDiscovery& discovery) = 0;
  // One node's outcome of steps 2-3 (admitted, or refused with its step).
  virtual Status OnCandidate(const CandidateNode& node) = 0;
};

class MasterAdmission {
 public:
  MasterAdmission(ManagementApiClient* own_connector,
                  identity::PresentationQueryClient* dcp,
                  identity::PresentationVerifier* verifier, const Clock* clock,
                  Sleeper* sleeper)
      : connector_(own_connector),
        dcp_(dcp),
        verifier_(verifier),
        clock_(clock),
        sleeper_(sleeper) {}

  // Fails only when the federated catalog cannot be queried at all, or
  // when `observer` (may be null) fails.
  StatusOr<AdmissionReport> Run(const MasterAdmissionOptions& options,
                                AdmissionObserver* observer = nullptr);

  // Steps 2-3 for one discovered dataset.
  CandidateNode Admit(const SlaveDataset& dataset,
                      const MasterAdmissionOptions& options);

 private:
  ManagementApiClient* connector_;
  identity::PresentationQueryClient* dcp_;
  identity::PresentationVerifier* verifier_;
  const Clock* clock_;
  Sleeper* sleeper_;
};

}  // namespace dsfl::edc

#endif  // DSFL_CONNECTOR_ADAPTERS_EDC_MASTER_ADMISSION_H_
