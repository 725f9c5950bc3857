#include "slave/service/session_gate.h"

#include "absl/strings/str_cat.h"
#include "common/audit/audit_event.h"
#include "common/utf8.h"
#include "common/tls/grpc_credentials.h"
#include "master/core/job_spec.h"
#include "spdlog/spdlog.h"

namespace dsfl::slave {
namespace {

// Network-provided ids go into the log clipped, so a peer cannot bloat it.
std::string Clip(const std::string& text) { return ClipUtf8(text, 200); }

GateResult Refused(GateResult result, std::string reason, std::string message) {
  result.allowed = false;
  result.session.reset();
  result.reason = std::move(reason);
  result.message = std::move(message);
  return result;
}

bool IsAnalysisGrant(const std::string& granted) {
  for (auto type : {analytics::AnalysisSpec::Type::kCox,
                    analytics::AnalysisSpec::Type::kKaplanMeier,
                    analytics::AnalysisSpec::Type::kConcordance}) {
    if (granted == master::AnalysisSha256(type)) return true;
  }
  return false;
}

}  // namespace

GateResult SessionGate::Check(const grpc::AuthContext* auth,
                              const GatedCall& call) const {
  GateResult result;
  if (!enabled()) return result;
  // The id is the caller's: messages (answered, logged, audited) carry it
  // clipped.
  const std::string job_id = Clip(call.job_id);
  StatusOr<tls::PeerIdentity> peer =
      auth == nullptr ? StatusOr<tls::PeerIdentity>(
                            absl::UnauthenticatedError("call is not over TLS"))
                      : tls::PeerFromContext(*auth);
  if (!peer.ok()) {
    return Refused(std::move(result), "no_peer_certificate",
                   absl::StrCat("job '", job_id,
                                "': the caller has no TLS client certificate (",
                                peer.status().message(), ")"));
  }
  result.peer_sha256 = peer->sha256_fingerprint;
  SessionCheck check =
      sessions_->Check(call.job_id, result.peer_sha256, call.session_id);
  if (check.ok()) {
    result.session = std::move(check.session);
    return result;
  }
  std::string message;
  switch (check.problem) {
    case SessionProblem::kNoSession:
    case SessionProblem::kUnknownSession:
      message = absl::StrCat("no admitted session for job '", job_id,
                             "' from this peer; call Authorize first");
      break;
    case SessionProblem::kWrongJob:
      message = absl::StrCat("the session was admitted for another job, not '",
                             job_id, "'; call Authorize for this job");
      break;
    case SessionProblem::kWrongPeer:
      message = absl::StrCat(
          "the session of job '", job_id,
          "' was admitted to another TLS peer; call Authorize first");
      break;
    case SessionProblem::kExpired:
      message = absl::StrCat("the session of job '", job_id,
                             "' expired (idle); call Authorize again");
      break;
    case SessionProblem::kNone:
      break;
  }
  return Refused(std::move(result), SessionProblemName(check.problem),
                 std::move(message));
}

GateResult SessionGate::CheckModel(
    GateResult admitted, const training::ModelDefinition& model) const {
  if (!admitted.allowed || !admitted.session.has_value()) return admitted;
  admitted.model_sha256 = training::ModelDefinitionSha256(model);
  const std::string& expected = admitted.session->grant.model_sha256;
  if (admitted.model_sha256 == expected) return admitted;
  return Refused(
      std::move(admitted), "model_not_allowed",
      absl::StrCat("the model (sha256 ", admitted.model_sha256,
                   ") is not the one admitted for this session (sha256 ",
                   expected, ")"));
}

GateResult SessionGate::CheckAnalysis(GateResult admitted) const {
  if (!admitted.allowed || !admitted.session.has_value()) return admitted;
  const std::string& granted = admitted.session->grant.model_sha256;
  if (IsAnalysisGrant(granted)) return admitted;
  return Refused(
      std::move(admitted), "model_not_allowed",
      absl::StrCat("the session was admitted for the model sha256 ", granted,
                   ", not for an exact analysis; call "
                   "Authorize for the analysis job"));
}

GateResult SessionGate::CheckTraining(GateResult admitted) const {
  if (!admitted.allowed || !admitted.session.has_value()) return admitted;
  const std::string& granted = admitted.session->grant.model_sha256;
  if (!IsAnalysisGrant(granted)) return admitted;
  return Refused(
      std::move(admitted), "model_not_allowed",
      absl::StrCat("the session was admitted for an exact analysis (sha256 ",
                   granted, "), not to train a model"));
}

Status SessionGate::Deny(const GatedCall& call,
                         const GateResult& result) const {
  spdlog::warn("job '{}': {} refused: {} [{}]", Clip(call.job_id), call.rpc,
               result.message, result.reason);
  if (audit_ != nullptr) {
    nlohmann::json details = {{"rpc", call.rpc},
                              {"reason", result.reason},
                              {"message", result.message}};
    if (!result.peer_sha256.empty()) {
      details["peer_sha256"] = result.peer_sha256;
    }
    if (!result.model_sha256.empty()) {
      details["model_sha256"] = result.model_sha256;
    }
    Status recorded =
        audit_->Record({audit::events::kCallRefused,
                        call.job_id.empty() ? "(none)" : Clip(call.job_id),
                        std::nullopt, call.rpc, details});
    if (!recorded.ok()) {
      return absl::InternalError(
          absl::StrCat("audit log: ", recorded.message()));
    }
  }
  return absl::PermissionDeniedError(
      absl::StrCat(result.message, " [reason: ", result.reason, "]"));
}

}  // namespace dsfl::slave
