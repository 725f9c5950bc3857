#include "slave/service/slave_admission.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/audit/audit_event.h"
#include "common/utf8.h"
#include "common/tls/openssl_util.h"
#include "common/tls/pem_files.h"
#include "connector-adapters/edc/participant.h"
#include "connector-adapters/identity/refusal.h"
#include "connector-adapters/identity/tls_key_binding.h"
#include "spdlog/spdlog.h"

namespace dsfl::slave {

using identity::Reason;

struct SlaveAdmission::Runtime {
  DataspaceConfig config;
  std::unique_ptr<edc::Participant> participant;
  std::unique_ptr<edc::SlaveAuthorizer> authorizer;
  std::string federation_ca_pem;  // "" = certificate path (b) disabled
};

namespace {

constexpr size_t kMaxIdBytes = 512;
constexpr size_t kMaxPrivacySettings = 64;
constexpr size_t kMaxSettingBytes = 256;

// Network-provided text goes into the log clipped, so a peer cannot bloat
// it.
std::string Clip(const std::string& text, size_t max = 200) {
  return ClipUtf8(text, max);
}

bool IsLowerHex64(const std::string& text) {
  if (text.size() != 64) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

// Step 0: the request's shape. `model` is the lower-cased model hash.
Status CheckRequestShape(const edc::AuthorizationRequest& request,
                         const std::string& model) {
  auto malformed = [](const std::string& message) {
    return identity::Refuse(Reason::kMalformed,
                            absl::StrCat("Authorize: ", message));
  };
  if (request.job_id.empty() || request.job_id.size() > kMaxIdBytes) {
    return malformed("job_id must be 1 to 512 bytes");
  }
  if (request.master_did.rfind("did:", 0) != 0 ||
      request.master_did.size() > kMaxIdBytes) {
    return malformed(absl::StrCat("master_did '", Clip(request.master_did),
                                  "' is not a DID"));
  }
  if (request.agreement_id.empty() ||
      request.agreement_id.size() > kMaxIdBytes) {
    return malformed("agreement_id must be 1 to 512 bytes");
  }
  if (!IsLowerHex64(model)) {
    return malformed(absl::StrCat("model_sha256 '", Clip(request.model_sha256),
                                  "' is not a SHA-256 (64 hex characters)"));
  }
  if (request.privacy.size() > kMaxPrivacySettings) {
    return malformed(
        absl::StrCat("more than ", kMaxPrivacySettings, " privacy settings"));
  }
  for (const auto& [key, value] : request.privacy) {
    if (key.empty() || key.size() > kMaxSettingBytes ||
        value.size() > kMaxSettingBytes) {
      return malformed(absl::StrCat("privacy setting '", Clip(key),
                                    "': names and values are 1 to 256 bytes"));
    }
  }
  return absl::OkStatus();
}

enum class Stage { kNone, kCredential, kAgreement, kPolicy };

// Which of SlaveAuthorizer's checks (in order: credential, agreement,
// policy) refused with `reason`.
Stage StageOf(Reason reason) {
  switch (reason) {
    case Reason::kAgreementNotFound:
    case Reason::kAgreementWrongConsumer:
    case Reason::kAgreementWrongAsset:
    case Reason::kAgreementWrongProvider:
    case Reason::kAgreementTerminated:
    case Reason::kAgreementPending:
      return Stage::kAgreement;
    case Reason::kModelNotAllowed:
    case Reason::kCohortTooSmall:
    case Reason::kPrivacySettingMissing:
      return Stage::kPolicy;
    default:
      return Stage::kCredential;
  }
}

bool PolicyAdmits(const DataspaceConfig& config, const SessionGrant& grant) {
  const auto& allowed = config.allowed_model_sha256;
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(),
                                    grant.model_sha256) == allowed.end()) {
    return false;
  }
  for (const std::string& setting : config.required_privacy_settings) {
    if (grant.privacy.count(setting) == 0) return false;
  }
  return true;
}

// The audit trail of one Authorize call: the request before any check,
// each check that ran, and the decision, each record durable before the
// next step (an unwritable log fails the call: nothing is admitted).
class AuthorizeTrail {
 public:
  AuthorizeTrail(audit::AuditSink* audit,
                 const edc::AuthorizationRequest& request, std::string model,
                 std::string peer_sha256)
      : audit_(audit),
        request_(request),
        job_(request.job_id.empty() ? "(none)" : Clip(request.job_id)),
        master_(Clip(request.master_did)),
        model_(std::move(model)),
        peer_sha256_(std::move(peer_sha256)) {}

  // authorize.request; the privacy settings only when well formed.
  Status Requested(bool well_formed) {
    nlohmann::json details = {
        {"master_did", master_},
        {"agreement_id", Clip(request_.agreement_id)},
        {"credential",
         request_.master_presentation.empty() ? "dcp" : "presented"}};
    if (IsLowerHex64(model_)) details["model_sha256"] = model_;
    if (well_formed) {
      nlohmann::json privacy = nlohmann::json::object();
      for (const auto& [key, value] : request_.privacy) privacy[key] = value;
      details["privacy"] = std::move(privacy);
    }
    if (!peer_sha256_.empty()) details["peer_sha256"] = peer_sha256_;
    return Record(audit::events::kAuthorizeRequest, master_, details);
  }

  void set_tls(const char* result) { checks_["tls"] = result; }

  // credential.check, agreement.check, policy.check for SlaveAuthorizer's
  // checks that ran: all three when it admitted, else those up to the one
  // that refused. Nothing when it failed without a refusal (transport).
  Status AuthorizerChecks(const StatusOr<edc::AuthorizationDecision>& decision,
                          int64_t cohort_size) {
    const std::optional<Reason> reason =
        decision.ok() ? std::nullopt : identity::ReasonOf(decision.status());
    if (!decision.ok() && !reason) return absl::OkStatus();
    const Stage failed = reason ? StageOf(*reason) : Stage::kNone;
    const std::string why =
        reason ? std::string(identity::ReasonName(*reason)) : "";
    nlohmann::json credential = {
        {"result", failed == Stage::kCredential ? "invalid" : "valid"}};
    if (failed == Stage::kCredential) {
      credential["reason"] = why;
    } else if (decision.ok()) {
      const identity::VerifiedPresentation& vp = decision->master;
      std::vector<std::string> types;
      std::vector<std::string> issuers;
      for (const auto& vc : vp.credentials) {
        types.insert(types.end(), vc.types.begin(), vc.types.end());
        if (std::find(issuers.begin(), issuers.end(), vc.issuer) ==
            issuers.end()) {
          issuers.push_back(vc.issuer);
        }
      }
      credential["holder"] = vp.holder;
      credential["credential_types"] = types;
      credential["issuer"] = absl::StrJoin(issuers, ",");
    }
    checks_["credential"] = credential["result"];
    DSFL_RETURN_IF_ERROR(
        Record(audit::events::kCredentialCheck, master_, credential));
    if (failed == Stage::kCredential) return absl::OkStatus();

    nlohmann::json agreement = {
        {"result", failed == Stage::kAgreement ? "invalid" : "valid"}};
    if (failed == Stage::kAgreement) agreement["reason"] = why;
    if (decision.ok()) {
      agreement["consumer"] = decision->agreement.consumer_id;
      agreement["asset"] = decision->agreement.asset_id;
    }
    checks_["agreement"] = agreement["result"];
    DSFL_RETURN_IF_ERROR(Record(audit::events::kAgreementCheck,
                                Clip(request_.agreement_id), agreement));
    if (failed == Stage::kAgreement) return absl::OkStatus();

    nlohmann::json policy = {
        {"result", failed == Stage::kPolicy ? "deny" : "allow"},
        {"model_sha256", model_},
        {"cohort_size", std::max<int64_t>(cohort_size, 0)}};
    if (failed == Stage::kPolicy) policy["reason"] = why;
    checks_["policy"] = policy["result"];
    return Record(audit::events::kPolicyCheck, "dataspace.policy", policy);
  }

  // authorize.decision for `status` (OK = admitted); then the answer: a
  // refusal's reason and message, or `error` for failures that are not
  // refusals (and when the record cannot be written).
  AuthorizeOutcome Decided(const Status& status) {
    const std::optional<Reason> reason = identity::ReasonOf(status);
    nlohmann::json details = {{"agreement_id", Clip(request_.agreement_id)},
                              {"checks", checks_}};
    if (IsLowerHex64(model_)) details["model_sha256"] = model_;
    if (!peer_sha256_.empty()) details["peer_sha256"] = peer_sha256_;
    if (status.ok()) {
      details["decision"] = "allow";
      details["reason"] = "admitted";
    } else {
      details["decision"] = "deny";
      details["reason"] =
          reason ? std::string(identity::ReasonName(*reason)) : "error";
      details["message"] = Clip(identity::MessageWithoutReason(status), 1000);
      spdlog::warn("job '{}': Authorize of {} refused: {}", job_, master_,
                   status.ToString());
    }
    AuthorizeOutcome outcome;
    outcome.error = Record(audit::events::kAuthorizeDecision, master_, details);
    if (!outcome.error.ok()) return outcome;
    if (status.ok()) {
      outcome.admitted = true;
    } else if (reason) {
      outcome.reason = std::string(identity::ReasonName(*reason));
      outcome.message = identity::MessageWithoutReason(status);
    } else {
      outcome.error = status;
    }
    return outcome;
  }

 private:
  Status Record(const char* type, const std::string& subject,
                nlohmann::json details) {
    if (audit_ == nullptr) return absl::OkStatus();
    Status status =
        audit_->Record({type, job_, std::nullopt, subject, std::move(details)});
    if (!status.ok()) {
      return absl::InternalError(absl::StrCat("audit log: ", status.message()));
    }
    return absl::OkStatus();
  }

  audit::AuditSink* audit_;
  const edc::AuthorizationRequest& request_;
  const std::string job_;
  const std::string master_;
  const std::string model_;
  const std::string peer_sha256_;
  nlohmann::json checks_ = nlohmann::json::object();
};

// Step 1: the caller's TLS certificate is bound to `did`; `kind` names how.
Status CheckBinding(const StatusOr<tls::PeerIdentity>& peer,
                    const std::string& did, identity::DidResolver& resolver,
                    const std::string& federation_ca_pem, const char** kind) {
  if (!peer.ok()) {
    return identity::Refuse(
        Reason::kTlsKeyNotBound,
        absl::StrCat("the caller has no TLS client certificate (",
                     peer.status().message(), ")"));
  }
  StatusOr<identity::DidDocument> document = resolver.Resolve(did);
  if (!document.ok()) {
    return identity::WithContext(document.status(), "master DID: ");
  }
  DSFL_ASSIGN_OR_RETURN(
      identity::TlsBinding binding,
      identity::CheckTlsKeyBinding(*peer, did, *document, {federation_ca_pem}));
  *kind = binding.kind == identity::TlsBindingKind::kKeyInDidDocument
              ? "key_in_did_document"
              : "certificate_names_did";
  return absl::OkStatus();
}

}  // namespace

SlaveAdmission::SlaveAdmission(Deps deps, std::shared_ptr<Runtime> runtime)
    : deps_(deps), runtime_(std::move(runtime)) {}

SlaveAdmission::~SlaveAdmission() = default;

StatusOr<std::shared_ptr<SlaveAdmission::Runtime>> SlaveAdmission::Build(
    const DataspaceConfig& config, const std::string& tls_ca_path,
    const Clock* clock) {
  auto runtime = std::make_shared<Runtime>();
  runtime->config = config;
  DSFL_ASSIGN_OR_RETURN(runtime->participant,
                        edc::Participant::Create(config.participant, clock));
  const bool own_ca = !config.federation_ca.empty();
  const std::string ca_path = own_ca ? config.federation_ca : tls_ca_path;
  if (!ca_path.empty()) {
    auto pem = tls::ReadPemFile(ca_path);
    Status readable = pem.status();
    if (readable.ok()) readable = tls::ParseCertificateChainPem(*pem).status();
    if (!readable.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(own_ca ? "dataspace.federation_ca" : "tls.ca", ": ",
                       ca_path, ": ", readable.message()));
    }
    runtime->federation_ca_pem = *std::move(pem);
  }
  edc::SlaveAdmissionPolicy policy;
  policy.own_did = config.participant.did;
  policy.dataset_id = config.dataset_id;
  policy.trusted_issuers = config.participant.trusted_issuers;
  policy.required_master_types = config.required_master_credentials;
  policy.allowed_model_sha256 = config.allowed_model_sha256;
  policy.min_cohort = config.min_cohort;
  policy.required_privacy_settings = config.required_privacy_settings;
  edc::Participant& p = *runtime->participant;
  runtime->authorizer = std::make_unique<edc::SlaveAuthorizer>(
      &p.connector(), &p.dcp(), &p.verifier(), std::move(policy));
  return runtime;
}

StatusOr<std::unique_ptr<SlaveAdmission>> SlaveAdmission::Create(
    const DataspaceConfig& config, const std::string& tls_ca_path, Deps deps) {
  if (deps.clock == nullptr || deps.sessions == nullptr) {
    return absl::InvalidArgumentError(
        "SlaveAdmission needs clock and sessions");
  }
  DSFL_ASSIGN_OR_RETURN(std::shared_ptr<Runtime> runtime,
                        Build(config, tls_ca_path, deps.clock));
  deps.sessions->set_idle_timeout(config.session_idle_timeout);
  return std::unique_ptr<SlaveAdmission>(
      new SlaveAdmission(deps, std::move(runtime)));
}

std::shared_ptr<SlaveAdmission::Runtime> SlaveAdmission::runtime() const {
  std::lock_guard<std::mutex> lock(mu_);
  return runtime_;
}

std::string SlaveAdmission::did() const {
  return runtime()->config.participant.did;
}

StatusOr<SlaveAdmission::Prepared> SlaveAdmission::Prepare(
    const DataspaceConfig& config, const std::string& tls_ca_path) const {
  Prepared prepared;
  DSFL_ASSIGN_OR_RETURN(prepared.runtime_,
                        Build(config, tls_ca_path, deps_.clock));
  return prepared;
}

size_t SlaveAdmission::Commit(Prepared prepared) {
  const DataspaceConfig& config = prepared.runtime_->config;
  deps_.sessions->set_idle_timeout(config.session_idle_timeout);
  std::shared_ptr<Runtime> fresh = std::move(prepared.runtime_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    runtime_ = fresh;
  }
  return deps_.sessions->RevokeIf([&fresh](const AdmittedSession& session) {
    return !PolicyAdmits(fresh->config, session.grant);
  });
}

StatusOr<size_t> SlaveAdmission::Reload(const DataspaceConfig& config,
                                        const std::string& tls_ca_path) {
  DSFL_ASSIGN_OR_RETURN(Prepared prepared, Prepare(config, tls_ca_path));
  return Commit(std::move(prepared));
}

AuthorizeOutcome SlaveAdmission::Authorize(
    const StatusOr<tls::PeerIdentity>& peer,
    const edc::AuthorizationRequest& request, int64_t cohort_size) {
  // In-flight calls keep the runtime they started with across a Reload().
  const std::shared_ptr<Runtime> rt = runtime();
  const std::string model = absl::AsciiStrToLower(request.model_sha256);
  const Status shape = CheckRequestShape(request, model);
  AuthorizeTrail trail(deps_.audit, request, model,
                       peer.ok() ? peer->sha256_fingerprint : "");
  AuthorizeOutcome failed;
  failed.error = trail.Requested(shape.ok());
  if (!failed.error.ok()) return failed;
  if (!shape.ok()) return trail.Decided(shape);

  // 1. The caller's TLS certificate is bound to the DID it claims.
  const char* binding = "refused";
  Status bound =
      CheckBinding(peer, request.master_did, rt->participant->resolver(),
                   rt->federation_ca_pem, &binding);
  trail.set_tls(binding);
  if (!bound.ok()) return trail.Decided(bound);

  // 2. The master's credential, the agreement, the local policy.
  StatusOr<edc::AuthorizationDecision> decision =
      rt->authorizer->Authorize(request, cohort_size);
  failed.error = trail.AuthorizerChecks(decision, cohort_size);
  if (!failed.error.ok()) return failed;
  if (!decision.ok()) return trail.Decided(decision.status());

  // 3. The session, granted only once the log holds the decision.
  SessionGrant grant;
  grant.job_id = request.job_id;
  grant.peer_sha256 = peer->sha256_fingerprint;
  grant.master_did = request.master_did;
  grant.agreement_id = request.agreement_id;
  grant.model_sha256 = model;
  grant.privacy = request.privacy;
  StatusOr<AdmittedSession> session = deps_.sessions->Admit(std::move(grant));
  if (!session.ok()) return trail.Decided(session.status());
  // A Reload() that committed while this call ran revoked the sessions its
  // policy refuses, perhaps before this one existed. Commit() swaps the
  // runtime before revoking, so a session created after its revocation
  // pass sees the new runtime here.
  if (const std::shared_ptr<Runtime> now = runtime();
      now != rt && !PolicyAdmits(now->config, session->grant)) {
    deps_.sessions->Revoke(session->session_id);
    return trail.Decided(identity::Refuse(
        identity::Reason::kModelNotAllowed,
        "the policy was reloaded during Authorize and no longer admits this "
        "model or these privacy settings"));
  }
  AuthorizeOutcome admitted = trail.Decided(absl::OkStatus());
  if (!admitted.error.ok()) {
    deps_.sessions->Revoke(session->session_id);
    return admitted;
  }
  admitted.session_id = session->session_id;
  spdlog::info("job '{}': admitted master {} (agreement {}, model {})",
               request.job_id, request.master_did, request.agreement_id, model);
  return admitted;
}

}  // namespace dsfl::slave
