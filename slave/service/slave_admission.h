// SlaveAdmission: the slave's half of dataspace admission (docs/dataspace.md
// Flow 1 step 5), behind the Authorize RPC. Built once from the slave's
// "dataspace" config section (its participant toolkit: DID key, HTTPS CA,
// did:web resolver, presentation verifier, DCP client, own connector; the
// federation CA; the admission policy), and rebuilt by Reload() on SIGHUP.
//
// Authorize(), in order, the first failure refusing:
//   0. the request is well formed (job id, master DID, agreement id, model
//      SHA-256 as 64 hex, bounded privacy settings)      reason malformed
//   1. the caller's TLS client certificate is bound to request.master_did:
//      its DID document is resolved and identity::CheckTlsKeyBinding holds
//      (key in the document, or the certificate names the DID and chains to
//      the federation CA)          tls_key_not_bound, unknown_did, ...
//   2. edc::SlaveAuthorizer: the master's credential, the agreement with
//      this node's own connector, the local policy (model hash, cohort,
//      privacy settings)                 identity::Reason of the check
//   3. a session (AdmissionSessions) bound to the job, the peer and the
//      admitted model.
// Audit, all before the answer: `authorize.request` first (before any
// check), then `credential.check`, `agreement.check`, `policy.check` for the
// checks that ran, and `authorize.decision` (allow/deny with the reason).
// A refusal is an answer (admitted = false, reason, message). Failures that
// are not refusals (own connector unreachable, audit log unwritable) are
// returned as `error`: nothing is admitted and the RPC fails with it.
//
// Reload() builds a complete new runtime (re-reading the DID key and CA
// files) and swaps it in atomically; calls in flight finish with the old
// one; on error nothing changes. Sessions that the new policy would not
// admit (model no longer allowed, a newly required privacy setting
// missing) are revoked.
//
// Ownership: borrows clock, sessions and audit (audit may be null).
// Threading: thread-safe; Authorize() blocks (HTTPS, audit fsync) and runs
// on a worker thread, never on a gRPC thread.
#ifndef DSFL_SLAVE_SERVICE_SLAVE_ADMISSION_H_
#define DSFL_SLAVE_SERVICE_SLAVE_ADMISSION_H_

#include <memory>
#include <mutex>
#include <string>

#include "common/audit/audit_sink.h"
#include "common/clock.h"
#include "common/status.h"
#include "common/tls/grpc_credentials.h"
#include "connector-adapters/edc/slave_authorizer.h"
#include "slave/core/admission_sessions.h"
#include "slave/server/slave_config.h"

namespace dsfl::slave {

struct AuthorizeOutcome {
  Status error;  // not OK: fail the RPC with it (nothing was admitted)
  bool admitted = false;
  std::string reason;   // identity::ReasonName of a refusal
  std::string message;  // human-readable detail of a refusal
  std::string session_id;
};

class SlaveAdmission {
 private:
  struct Runtime;  // everything built from one DataspaceConfig

 public:
  struct Deps {
    const Clock* clock = nullptr;
    AdmissionSessions* sessions = nullptr;
    audit::AuditSink* audit = nullptr;
  };

  // `tls_ca_path`: the slave's tls.ca, the federation CA when
  // config.federation_ca is "". Errors name the config field (unreadable
  // key or CA file, bad connector URL).
  static StatusOr<std::unique_ptr<SlaveAdmission>> Create(
      const DataspaceConfig& config, const std::string& tls_ca_path, Deps deps);
  ~SlaveAdmission();

  // `peer`: the caller's TLS identity (an error on a plaintext call).
  // `cohort_size`: this node's usable records.
  AuthorizeOutcome Authorize(const StatusOr<tls::PeerIdentity>& peer,
                             const edc::AuthorizationRequest& request,
                             int64_t cohort_size);

  // A reload in two steps, so that the caller can audit it in between:
  // Prepare() builds a complete runtime from `config` (re-reading the key
  // and CA files; nothing changes; errors name the field), Commit() swaps
  // it in and revokes the sessions the new policy would not admit
  // (returns how many).
  class Prepared {
   private:
    friend class SlaveAdmission;
    std::shared_ptr<Runtime> runtime_;
  };
  StatusOr<Prepared> Prepare(const DataspaceConfig& config,
                             const std::string& tls_ca_path) const;
  size_t Commit(Prepared prepared);
  // Prepare() then Commit().
  StatusOr<size_t> Reload(const DataspaceConfig& config,
                          const std::string& tls_ca_path);

  // This node's DID (of the current runtime).
  std::string did() const;

 private:
  SlaveAdmission(Deps deps, std::shared_ptr<Runtime> runtime);
  std::shared_ptr<Runtime> runtime() const;
  static StatusOr<std::shared_ptr<Runtime>> Build(
      const DataspaceConfig& config, const std::string& tls_ca_path,
      const Clock* clock);

  Deps deps_;
  mutable std::mutex mu_;  // guards runtime_ (the pointer, not the runtime)
  std::shared_ptr<Runtime> runtime_;
};

}  // namespace dsfl::slave

#endif  // DSFL_SLAVE_SERVICE_SLAVE_ADMISSION_H_
