// SessionGate: the check every job call of a dataspace slave passes before
// anything of the job runs (docs/dataspace.md, "Wiring admission into
// jobs"). A call of job J is admitted only if it carries the session id an
// Authorize of J returned to the same TLS peer (the SHA-256 of the client
// certificate); InitializeModel, Train and Evaluate must also carry the
// very model that Authorize admitted (training::ModelDefinitionSha256);
// analytics queries, a session admitted for an analysis (CheckAnalysis).
//
// Without sessions (no "dataspace" section: a static federation) every
// call passes and nothing is checked.
//
// Check() and CheckModel() are fast and never block (a map lookup, parsing
// the peer certificate, hashing the model definition): reactors may call
// them on gRPC threads. A refusal is answered through Deny(), which writes
// the `call.refused` audit record (fsync: call it on a worker) and returns
// the PERMISSION_DENIED status to send, e.g. "no admitted session for job
// 'j' from this peer; call Authorize first [reason: no_session]".
//
// Ownership: borrows `sessions` (may be null) and `audit` (may be null =
// not audited). Threading: thread-safe.
#ifndef DSFL_SLAVE_SERVICE_SESSION_GATE_H_
#define DSFL_SLAVE_SERVICE_SESSION_GATE_H_

#include <optional>
#include <string>

#include "common/audit/audit_sink.h"
#include "common/status.h"
#include "grpcpp/security/auth_context.h"
#include "slave/core/admission_sessions.h"
#include "slave/training/model_definition.h"

namespace dsfl::slave {

// A job call as the gate sees it.
struct GatedCall {
  std::string rpc;  // "Train", "Summary", ...
  std::string job_id;
  std::string session_id;
};

struct GateResult {
  bool allowed = true;
  std::string reason;   // machine-readable, set when refused
  std::string message;  // human-readable, set when refused
  std::string peer_sha256;
  std::string model_sha256;                // of the offered model, when checked
  std::optional<AdmittedSession> session;  // set when admitted by a session
};

class SessionGate {
 public:
  SessionGate(AdmissionSessions* sessions, audit::AuditSink* audit)
      : sessions_(sessions), audit_(audit) {}

  // Whether calls need a session at all.
  bool enabled() const { return sessions_ != nullptr; }

  // `auth` is the call's auth context (null on a plaintext server).
  GateResult Check(const grpc::AuthContext* auth, const GatedCall& call) const;
  // For a call admitted by Check(): refuses (reason model_not_allowed) a
  // model other than the session's. Passes through refusals and calls of a
  // disabled gate unchanged.
  GateResult CheckModel(GateResult admitted,
                        const training::ModelDefinition& model) const;
  // For an analytics call admitted by Check(): refuses (reason
  // model_not_allowed) a session that was admitted for anything but an
  // exact analysis (master::AnalysisSha256 of one of its types), e.g. one
  // admitted to train a model. Passes through like CheckModel().
  GateResult CheckAnalysis(GateResult admitted) const;
  // For a training-side call that carries no model (ComputeMoments): the
  // converse, refusing (model_not_allowed) a session admitted for an exact
  // analysis. Passes through like CheckModel().
  GateResult CheckTraining(GateResult admitted) const;
  // Audits the refusal `result` of `call` and returns the status to answer
  // (PERMISSION_DENIED; INTERNAL if the audit log cannot record it).
  // Blocks on the audit log: call it on a worker thread.
  Status Deny(const GatedCall& call, const GateResult& result) const;

 private:
  AdmissionSessions* sessions_;
  audit::AuditSink* audit_;
};

}  // namespace dsfl::slave

#endif  // DSFL_SLAVE_SERVICE_SESSION_GATE_H_
