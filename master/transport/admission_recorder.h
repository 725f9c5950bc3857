// AdmissionRecorder: the master's record of dataspace admission for one job
// — an audit record of every step in the master's log, written before the
// master acts on it, and one progress line per hospital per step for the
// JobListener (shown by `dsfl job run` and dsfl-master):
//
//   hospital-a: discovered lung-hospital-a at 127.0.0.1:50051
//   hospital-a: negotiation REQUESTED → AGREED → ... → FINALIZED, agreement X
//   hospital-a: credentials verified: MembershipCredential from did:web:...
//   hospital-a: TLS key bound to did:web:... (certificate names the DID)
//   hospital-a: admitted, session 5f0c...
//   hospital-d: refused at negotiation (agreement_terminated): ...
//
// Audit events (common/audit/audit_event.h, docs/audit.md):
// discovery.result, negotiation.state (one per state seen), credential.check
// (one per verified credential, or the refusal), tls.binding,
// authorize.answer, admission.granted, admission.refused; subjects are the
// participant DIDs. Every node refused also goes to
// JobListener::OnAdmission (metrics).
//
// Node names: the last segment of the participant's DID ("hospital-a" for
// did:web:host%3A8443:participants:hospital-a); the whole DID when two
// participants share that segment; "/<dataset id>" added when a
// participant advertises several datasets.
//
// Errors: the audit sink's (the caller stops: fail closed).
// Ownership: borrows the sink (required) and listener (may be null).
// Threading: thread-safe; calls are serialised by an internal mutex (held
// while the sink and listener are called, so neither may call back into
// the recorder). Admission of several nodes runs concurrently, so their
// records interleave in completion order; each node's own records keep
// their step order.
#ifndef DSFL_MASTER_TRANSPORT_ADMISSION_RECORDER_H_
#define DSFL_MASTER_TRANSPORT_ADMISSION_RECORDER_H_

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/audit/audit_sink.h"
#include "common/tls/grpc_credentials.h"
#include "connector-adapters/edc/master_admission.h"
#include "connector-adapters/identity/tls_key_binding.h"
#include "master/core/job_runner.h"
#include "master/transport/grpc_slave_client.h"

namespace dsfl::master {

// The machine-readable reason of a failure: the refusal's name
// (identity::ReasonName), else the status code in lower case
// ("unavailable", "deadline_exceeded").
std::string ReasonText(const Status& status);

// "hospital-a" for did:web:localhost%3A8443:participants:hospital-a.
std::string ParticipantName(const std::string& did);

class AdmissionRecorder : public edc::AdmissionObserver {
 public:
  AdmissionRecorder(audit::AuditSink* audit, JobListener* listener,
                    std::string job_id, std::string profile);

  // Steps 1-3 (edc::MasterAdmission calls these).
  Status OnDiscovered(const edc::SlaveDiscovery& discovery) override;
  Status OnCandidate(const edc::CandidateNode& node) override;

  // Step 4: the slave's certificate against its DID document.
  Status TlsBound(const edc::SlaveDataset& dataset,
                  const tls::PeerIdentity& peer,
                  const identity::TlsBinding& binding);
  Status TlsNotBound(const edc::SlaveDataset& dataset,
                     const std::string& peer_sha256, const Status& refusal);
  // Step 5: the slave's answer to Authorize (or the call's error).
  Status AuthorizeAnswered(const edc::SlaveDataset& dataset,
                           const AuthorizeCall& call,
                           const StatusOr<AuthorizeAnswer>& answer);
  // The node's end: admitted with its session, or refused at `stage`
  // ("connect", "tls", "authorize"; steps 2-3 are recorded by OnCandidate).
  Status Admitted(const edc::SlaveDataset& dataset,
                  const std::string& agreement_id,
                  const std::string& session_id);
  Status Refused(const edc::SlaveDataset& dataset, const std::string& stage,
                 const std::string& reason, const std::string& message);

  // The node's name (see above).
  std::string NameOf(const edc::SlaveDataset& dataset) const;
  // "<name>: <reason>: <message>" for every refused node, in the order
  // the refusals were recorded.
  std::vector<std::string> refusals() const;

 private:
  Status Record(const char* type, const std::string& subject,
                nlohmann::json details);
  void Say(const edc::SlaveDataset& dataset, const std::string& text);
  std::string NameOfLocked(const edc::SlaveDataset& dataset) const;
  Status RefusedLocked(const edc::SlaveDataset& dataset,
                       const std::string& stage, const std::string& reason,
                       const std::string& message);

  // Serialises every public call: the audit records and progress lines of
  // one call stay together, and the listener sees one call at a time.
  mutable std::mutex mu_;

  audit::AuditSink* audit_;
  JobListener* listener_;
  std::string job_id_;
  std::string profile_;
  // (participant DID, dataset id) -> node name
  std::map<std::pair<std::string, std::string>, std::string> names_;
  std::vector<std::string> refusals_;
};

}  // namespace dsfl::master

#endif  // DSFL_MASTER_TRANSPORT_ADMISSION_RECORDER_H_
