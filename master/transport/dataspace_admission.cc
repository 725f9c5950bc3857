#include "master/transport/dataspace_admission.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/for_each_bounded.h"
#include "common/tls/tls_policy.h"
#include "connector-adapters/edc/master_admission.h"
#include "connector-adapters/edc/participant.h"
#include "connector-adapters/identity/refusal.h"
#include "connector-adapters/identity/tls_key_binding.h"
#include "master/transport/admission_recorder.h"
#include "master/transport/grpc_slave_client.h"
#include "master/transport/sts_client.h"
#include "slave/training/model_definition.h"

namespace dsfl::master {
namespace {

// Nodes connected and authorised at once (edc::MasterAdmission has the
// same bound for negotiation and verification).
constexpr size_t kMaxParallelAdmissions =
    edc::MasterAdmissionOptions::kDefaultMaxParallelAdmissions;

bool Cancelled(const DataspaceAdmissionDeps& deps) {
  return deps.cancel != nullptr && deps.cancel->cancelled();
}

// The negotiation waits of a job that is cancelled end at once: the sleep
// wakes on cancellation and the clock then reads "infinitely late", so the
// negotiation loop stops at its next deadline check (the job then ends
// Cancelled). Used with the real clock and sleeper only.
class CancellableWait final : public Clock, public edc::Sleeper {
 public:
  CancellableWait(const Clock* clock, CancellationToken* cancel)
      : clock_(clock), cancel_(cancel) {}

  absl::Time Now() const override {
    return cancel_->cancelled() ? absl::InfiniteFuture() : clock_->Now();
  }

  void SleepFor(absl::Duration duration) override {
    const uint64_t id = cancel_->Register([this] {
      std::lock_guard<std::mutex> lock(mu_);
      woken_ = true;
      cv_.notify_all();
    });
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, absl::ToChronoMilliseconds(duration),
                   [this] { return woken_; });
    }
    cancel_->Unregister(id);
  }

 private:
  const Clock* clock_;
  CancellationToken* cancel_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
};

// Steps 4-5 for one node that passed steps 1-3. Returns the node admitted,
// or std::nullopt after recording its refusal; an error only when the
// master must stop (audit log). Admit() runs concurrently for different
// nodes: it keeps no per-call state in members (the recorder serialises).
class NodeAdmitter {
 public:
  NodeAdmitter(const JobSpec& spec, const DataspaceAdmissionDeps& deps,
               edc::Participant* participant, const tls::TlsFiles* files,
               AdmissionRecorder* recorder, const Clock* clock)
      : spec_(spec),
        deps_(deps),
        participant_(participant),
        files_(files),
        recorder_(recorder),
        clock_(clock) {}

  StatusOr<std::optional<AdmittedNode>> Admit(const edc::CandidateNode& node) {
    const edc::SlaveDataset& dataset = node.dataset;
    const std::string& did = dataset.participant_id;
    SlaveEndpoint endpoint{recorder_->NameOf(dataset), dataset.slave_endpoint,
                           dataset.tls_server_name};
    std::shared_ptr<grpc::Channel> channel =
        OpenSlaveChannel(endpoint, *files_);
    GrpcSlaveClient probe(channel, spec_.chunk_bytes);

    // Step 4: reach it and read the certificate it presents.
    CallOptions options;
    options.deadline =
        clock_->Now() + std::min(spec_.round_timeout, absl::Seconds(30));
    options.cancel = deps_.cancel;
    StatusOr<tls::PeerIdentity> server =
        absl::UnknownError("GetInfo not called");
    StatusOr<NodeInfo> info = probe.GetInfo(options, &server);
    if (!info.ok()) {
      return Refuse(dataset, "connect", ReasonText(info.status()),
                    absl::StrCat("cannot reach ", dataset.slave_endpoint, ": ",
                                 info.status().message()));
    }
    if (!server.ok()) {
      return Refuse(dataset, "tls", "no_peer_certificate",
                    std::string(server.status().message()));
    }
    StatusOr<identity::DidDocument> document =
        participant_->resolver().Resolve(did);
    if (!document.ok()) {
      DSFL_RETURN_IF_ERROR(recorder_->TlsNotBound(
          dataset, server->sha256_fingerprint, document.status()));
      return Refuse(dataset, "tls", ReasonText(document.status()),
                    identity::MessageWithoutReason(document.status()));
    }
    identity::TlsBindingPolicy binding_policy;
    binding_policy.ca_pem = files_->ca_cert_pem;
    StatusOr<identity::TlsBinding> binding =
        identity::CheckTlsKeyBinding(*server, did, *document, binding_policy);
    if (!binding.ok()) {
      DSFL_RETURN_IF_ERROR(recorder_->TlsNotBound(
          dataset, server->sha256_fingerprint, binding.status()));
      return Refuse(dataset, "tls", ReasonText(binding.status()),
                    identity::MessageWithoutReason(binding.status()));
    }
    DSFL_RETURN_IF_ERROR(recorder_->TlsBound(dataset, *server, *binding));
    if (Cancelled(deps_)) return absl::CancelledError("job cancelled");

    // Step 5: Authorize.
    AuthorizeCall call;
    call.job_id = spec_.job_id;
    call.master_did = participant_->did();
    call.agreement_id = node.agreement.id;
    call.model_sha256 = AdmissionSha256(spec_);
    call.plan = spec_.plan;
    call.privacy = spec_.dataspace->privacy;
    if (!spec_.dataspace->sts_url.empty()) {
      StatusOr<std::string> token = MintMasterAccessToken(
          participant_->fetcher(), spec_.dataspace->sts_url,
          participant_->config().connector.api_key, did,
          MasterDisclosedCredentialTypes());
      if (!token.ok()) {
        return Refuse(dataset, "authorize", "sts_unavailable",
                      std::string(token.status().message()));
      }
      call.master_access_token = *std::move(token);
    }
    options.deadline =
        clock_->Now() + std::min(spec_.round_timeout, absl::Minutes(2));
    StatusOr<AuthorizeAnswer> answer = probe.Authorize(call, options);
    DSFL_RETURN_IF_ERROR(recorder_->AuthorizeAnswered(dataset, call, answer));
    if (!answer.ok()) {
      return Refuse(dataset, "authorize", "authorize_failed",
                    std::string(answer.status().message()));
    }
    if (!answer->admitted) {
      return Refuse(dataset, "authorize",
                    answer->reason.empty() ? "refused" : answer->reason,
                    answer->message);
    }
    DSFL_RETURN_IF_ERROR(
        recorder_->Admitted(dataset, node.agreement.id, answer->session_id));
    AdmittedNode admitted;
    admitted.id = endpoint.id;
    admitted.did = did;
    admitted.dataset_id = dataset.dataset_id;
    admitted.endpoint = dataset.slave_endpoint;
    admitted.agreement_id = node.agreement.id;
    admitted.session_id = answer->session_id;
    admitted.channel = std::move(channel);
    return std::optional<AdmittedNode>(std::move(admitted));
  }

 private:
  StatusOr<std::optional<AdmittedNode>> Refuse(const edc::SlaveDataset& dataset,
                                               const std::string& stage,
                                               const std::string& reason,
                                               const std::string& message) {
    DSFL_RETURN_IF_ERROR(recorder_->Refused(dataset, stage, reason, message));
    return std::optional<AdmittedNode>();
  }

  const JobSpec& spec_;
  const DataspaceAdmissionDeps& deps_;
  edc::Participant* participant_;
  const tls::TlsFiles* files_;
  AdmissionRecorder* recorder_;
  const Clock* clock_;
};

}  // namespace

StatusOr<std::vector<AdmittedNode>> AdmitDataspaceNodes(
    const JobSpec& spec, const DataspaceAdmissionDeps& deps) {
  if (!spec.dataspace) {
    return absl::InvalidArgumentError("dataspace: the job has no section");
  }
  if (deps.audit == nullptr) {
    return absl::InvalidArgumentError("dataspace admission: no audit sink");
  }
  if (spec.insecure) {
    return absl::InvalidArgumentError(
        "insecure: a dataspace job needs mutual TLS");
  }
  const Clock* clock = deps.clock != nullptr ? deps.clock : &SystemClock();
  edc::Sleeper* sleeper =
      deps.sleeper != nullptr ? deps.sleeper : &edc::RealSleeper();
  DSFL_RETURN_IF_ERROR(tls::RequireTls13ProcessWide());
  DSFL_ASSIGN_OR_RETURN(
      tls::TlsFiles files,
      tls::LoadTlsFiles(spec.tls.ca, spec.tls.cert, spec.tls.key));
  DSFL_ASSIGN_OR_RETURN(
      std::unique_ptr<edc::Participant> participant,
      edc::Participant::Create(spec.dataspace->participant, clock));

  AdmissionRecorder recorder(deps.audit, deps.listener, spec.job_id,
                             spec.dataspace->profile);
  if (deps.listener != nullptr) {
    deps.listener->OnJobMessage(absl::StrCat(
        "dataspace admission as ", participant->did(), " (connector ",
        spec.dataspace->participant.connector.management_url, ")"));
  }
  // Negotiation waits end early when the job is cancelled (real time only;
  // injected clocks and sleepers are used as they are).
  std::optional<CancellableWait> wait;
  const Clock* negotiation_clock = clock;
  if (deps.cancel != nullptr && deps.clock == nullptr &&
      deps.sleeper == nullptr) {
    wait.emplace(clock, deps.cancel);
    negotiation_clock = &*wait;
    sleeper = &*wait;
  }
  edc::MasterAdmission admission(&participant->connector(), &participant->dcp(),
                                 &participant->verifier(), negotiation_clock,
                                 sleeper);
  edc::MasterAdmissionOptions options;
  options.master_did = participant->did();
  options.profile = spec.dataspace->profile;
  options.trusted_issuers = spec.dataspace->participant.trusted_issuers;
  options.required_types = spec.dataspace->required_credentials;
  options.negotiation.timeout = spec.dataspace->negotiation_timeout;
  StatusOr<edc::AdmissionReport> report = admission.Run(options, &recorder);
  if (!report.ok()) {
    return Status(
        report.status().code(),
        absl::StrCat("dataspace admission: ", report.status().message()));
  }
  if (Cancelled(deps)) return absl::CancelledError("job cancelled");

  NodeAdmitter admitter(spec, deps, participant.get(), &files, &recorder,
                        clock);
  std::vector<const edc::CandidateNode*> passed;
  for (const edc::CandidateNode& node : report->nodes) {
    if (node.admitted()) passed.push_back(&node);
  }
  // Steps 4-5 for every node at once (bounded); results in discovery order.
  std::vector<std::optional<AdmittedNode>> results(passed.size());
  DSFL_RETURN_IF_ERROR(ForEachBounded(
      passed.size(), kMaxParallelAdmissions, [&](size_t i) -> Status {
        if (Cancelled(deps)) return absl::CancelledError("job cancelled");
        DSFL_ASSIGN_OR_RETURN(results[i], admitter.Admit(*passed[i]));
        return absl::OkStatus();
      }));
  if (Cancelled(deps)) return absl::CancelledError("job cancelled");
  std::vector<AdmittedNode> admitted;
  for (std::optional<AdmittedNode>& result : results) {
    if (result) admitted.push_back(*std::move(result));
  }
  const size_t candidates = report->nodes.size();
  if (deps.listener != nullptr) {
    deps.listener->OnJobMessage(
        absl::StrCat("dataspace admission: ", admitted.size(), " of ",
                     candidates, " discovered nodes admitted"));
  }
  if (admitted.size() < spec.min_clients) {
    std::vector<std::string> reasons = recorder.refusals();
    for (const std::string& skipped : report->skipped) {
      reasons.push_back(absl::StrCat("skipped ", skipped));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("dataspace admission: ", admitted.size(), " of ",
                     candidates, " discovered nodes admitted, min_clients is ",
                     spec.min_clients, reasons.empty() ? "" : " (",
                     absl::StrJoin(reasons, "; "), reasons.empty() ? "" : ")"));
  }
  return admitted;
}

}  // namespace dsfl::master
