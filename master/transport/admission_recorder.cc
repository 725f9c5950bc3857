#include "master/transport/admission_recorder.h"

#include <mutex>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::master {
namespace {

std::string StageOf(edc::AdmissionStep step) {
  switch (step) {
    case edc::AdmissionStep::kDiscover:
      return "discovery";
    case edc::AdmissionStep::kNegotiate:
      return "negotiation";
    case edc::AdmissionStep::kVerify:
      return "credential";
  }
  return "?";
}

}  // namespace

std::string ReasonText(const Status& status) {
  if (std::optional<identity::Reason> reason = identity::ReasonOf(status)) {
    return std::string(identity::ReasonName(*reason));
  }
  return absl::AsciiStrToLower(absl::StatusCodeToString(status.code()));
}

std::string ParticipantName(const std::string& did) {
  const size_t colon = did.rfind(':');
  std::string name = colon == std::string::npos ? did : did.substr(colon + 1);
  return name.empty() ? did : name;
}

AdmissionRecorder::AdmissionRecorder(audit::AuditSink* audit,
                                     JobListener* listener, std::string job_id,
                                     std::string profile)
    : audit_(audit),
      listener_(listener),
      job_id_(std::move(job_id)),
      profile_(std::move(profile)) {}

Status AdmissionRecorder::Record(const char* type, const std::string& subject,
                                 nlohmann::json details) {
  Status status = audit_->Record(
      {type, job_id_, std::nullopt, subject, std::move(details)});
  if (!status.ok()) {
    // Fail closed: the master does not act on what it could not log.
    return absl::InternalError(absl::StrCat("audit log: ", status.message()));
  }
  return absl::OkStatus();
}

void AdmissionRecorder::Say(const edc::SlaveDataset& dataset,
                            const std::string& text) {
  if (listener_ != nullptr) {
    listener_->OnJobMessage(absl::StrCat(NameOfLocked(dataset), ": ", text));
  }
}

std::string AdmissionRecorder::NameOf(const edc::SlaveDataset& dataset) const {
  std::lock_guard<std::mutex> lock(mu_);
  return NameOfLocked(dataset);
}

std::vector<std::string> AdmissionRecorder::refusals() const {
  std::lock_guard<std::mutex> lock(mu_);
  return refusals_;
}

std::string AdmissionRecorder::NameOfLocked(
    const edc::SlaveDataset& dataset) const {
  auto it = names_.find({dataset.participant_id, dataset.dataset_id});
  return it != names_.end() ? it->second
                            : ParticipantName(dataset.participant_id);
}

Status AdmissionRecorder::OnDiscovered(const edc::SlaveDiscovery& discovery) {
  std::lock_guard<std::mutex> lock(mu_);
  // Names: the DID's last segment; the whole DID when two participants
  // share it; "/<dataset>" when a participant advertises several.
  std::map<std::string, std::set<std::string>> dids_of_name;
  std::map<std::string, int> datasets_of_did;
  for (const edc::SlaveDataset& dataset : discovery.slaves) {
    dids_of_name[ParticipantName(dataset.participant_id)].insert(
        dataset.participant_id);
    ++datasets_of_did[dataset.participant_id];
  }
  names_.clear();
  for (const edc::SlaveDataset& dataset : discovery.slaves) {
    std::string name = ParticipantName(dataset.participant_id);
    if (dids_of_name[name].size() > 1) name = dataset.participant_id;
    if (datasets_of_did[dataset.participant_id] > 1) {
      absl::StrAppend(&name, "/", dataset.dataset_id);
    }
    names_[{dataset.participant_id, dataset.dataset_id}] = name;
  }
  nlohmann::json candidates = nlohmann::json::array();
  for (const edc::SlaveDataset& dataset : discovery.slaves) {
    candidates.push_back({{"id", NameOfLocked(dataset)},
                          {"did", dataset.participant_id},
                          {"dataset", dataset.dataset_id},
                          {"endpoint", dataset.slave_endpoint},
                          {"profile", dataset.profile}});
  }
  nlohmann::json details = {{"candidates", candidates},
                            {"source", "catalog"},
                            {"skipped", discovery.skipped}};
  if (!profile_.empty()) details["profile"] = profile_;
  DSFL_RETURN_IF_ERROR(Record(audit::events::kDiscoveryResult, "", details));
  if (listener_ != nullptr) {
    listener_->OnJobMessage(absl::StrCat(
        "discovery: ", discovery.slaves.size(),
        " dsfl dataset(s) in the federated catalog",
        profile_.empty() ? "" : absl::StrCat(" with profile ", profile_),
        discovery.skipped.empty()
            ? ""
            : absl::StrCat(", ", discovery.skipped.size(), " skipped")));
    for (const std::string& skipped : discovery.skipped) {
      listener_->OnJobMessage(absl::StrCat("discovery: skipped ", skipped));
    }
  }
  for (const edc::SlaveDataset& dataset : discovery.slaves) {
    Say(dataset, absl::StrCat("discovered ", dataset.dataset_id, " at ",
                              dataset.slave_endpoint));
  }
  return absl::OkStatus();
}

Status AdmissionRecorder::OnCandidate(const edc::CandidateNode& node) {
  std::lock_guard<std::mutex> lock(mu_);
  const edc::SlaveDataset& dataset = node.dataset;
  const std::string& did = dataset.participant_id;
  const bool negotiated = node.reached == edc::AdmissionStep::kVerify;
  // Step 2: every state seen, the agreement on FINALIZED, the reason on
  // the last state of a failed negotiation.
  std::vector<std::string> names;
  for (size_t i = 0; i < node.states_seen.size(); ++i) {
    const std::string state(edc::NegotiationStateName(node.states_seen[i]));
    names.push_back(state);
    nlohmann::json details = {{"state", state},
                              {"dataset", dataset.dataset_id},
                              {"negotiation_id", node.negotiation_id}};
    if (!dataset.offers.empty()) details["offer_id"] = dataset.offers[0].id;
    const bool last = i + 1 == node.states_seen.size();
    if (last && negotiated) details["agreement_id"] = node.agreement.id;
    if (last && !negotiated && !node.refusal.ok()) {
      details["reason"] = ReasonText(node.refusal);
    }
    DSFL_RETURN_IF_ERROR(
        Record(audit::events::kNegotiationState, did, std::move(details)));
  }
  const std::string walk = absl::StrJoin(names, " → ");
  if (negotiated) {
    Say(dataset,
        absl::StrCat("negotiation ", walk, ", agreement ", node.agreement.id));
  } else if (!names.empty()) {
    Say(dataset, absl::StrCat("negotiation ", walk));  // then "refused at"
  }
  // Step 3: the hospital's credentials.
  if (negotiated) {
    if (node.admitted()) {
      std::vector<std::string> said;
      for (const identity::VerifiedCredential& vc :
           node.presentation.credentials) {
        DSFL_RETURN_IF_ERROR(Record(audit::events::kCredentialCheck, did,
                                    {{"result", "valid"},
                                     {"issuer", vc.issuer},
                                     {"credential_types", vc.types},
                                     {"holder", node.presentation.holder}}));
        std::vector<std::string> types;
        for (const std::string& type : vc.types) {
          if (type != "VerifiableCredential") types.push_back(type);
        }
        said.push_back(
            absl::StrCat(absl::StrJoin(types, ", "), " from ", vc.issuer));
      }
      Say(dataset,
          absl::StrCat("credentials verified: ", absl::StrJoin(said, "; ")));
    } else {
      DSFL_RETURN_IF_ERROR(
          Record(audit::events::kCredentialCheck, did,
                 {{"result", "invalid"},
                  {"reason", ReasonText(node.refusal)},
                  {"holder", did},
                  {"message", identity::MessageWithoutReason(node.refusal)}}));
    }
  }
  if (!node.admitted()) {
    return RefusedLocked(dataset, StageOf(node.reached),
                         ReasonText(node.refusal),
                         identity::MessageWithoutReason(node.refusal));
  }
  return absl::OkStatus();
}

Status AdmissionRecorder::TlsBound(const edc::SlaveDataset& dataset,
                                   const tls::PeerIdentity& peer,
                                   const identity::TlsBinding& binding) {
  std::lock_guard<std::mutex> lock(mu_);
  const bool by_key =
      binding.kind == identity::TlsBindingKind::kKeyInDidDocument;
  nlohmann::json details = {
      {"result", "bound"},
      {"binding", by_key ? "key_in_did_document" : "certificate_names_did"},
      {"peer_sha256", peer.sha256_fingerprint},
      {"endpoint", dataset.slave_endpoint}};
  if (!binding.method_id.empty()) details["method_id"] = binding.method_id;
  DSFL_RETURN_IF_ERROR(Record(audit::events::kTlsBinding,
                              dataset.participant_id, std::move(details)));
  Say(dataset,
      absl::StrCat("TLS key bound to ", dataset.participant_id,
                   by_key ? absl::StrCat(" (key ", binding.method_id, ")")
                          : " (certificate names the DID)"));
  return absl::OkStatus();
}

Status AdmissionRecorder::TlsNotBound(const edc::SlaveDataset& dataset,
                                      const std::string& peer_sha256,
                                      const Status& refusal) {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json details = {
      {"result", "not_bound"},
      {"reason", ReasonText(refusal)},
      {"message", identity::MessageWithoutReason(refusal)},
      {"endpoint", dataset.slave_endpoint}};
  if (!peer_sha256.empty()) details["peer_sha256"] = peer_sha256;
  return Record(audit::events::kTlsBinding, dataset.participant_id,
                std::move(details));
}

Status AdmissionRecorder::AuthorizeAnswered(
    const edc::SlaveDataset& dataset, const AuthorizeCall& call,
    const StatusOr<AuthorizeAnswer>& answer) {
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json details = {{"model_sha256", call.model_sha256},
                            {"agreement_id", call.agreement_id},
                            {"endpoint", dataset.slave_endpoint}};
  if (!answer.ok()) {
    details["decision"] = "error";
    details["reason"] = ReasonText(answer.status());
    details["message"] = std::string(answer.status().message());
  } else if (answer->admitted) {
    details["decision"] = "allow";
  } else {
    details["decision"] = "deny";
    details["reason"] = answer->reason;
    details["message"] = answer->message;
  }
  return Record(audit::events::kAuthorizeAnswer, dataset.participant_id,
                std::move(details));
}

Status AdmissionRecorder::Admitted(const edc::SlaveDataset& dataset,
                                   const std::string& agreement_id,
                                   const std::string& session_id) {
  std::lock_guard<std::mutex> lock(mu_);
  DSFL_RETURN_IF_ERROR(Record(audit::events::kAdmissionGranted,
                              dataset.participant_id,
                              {{"agreement_id", agreement_id},
                               {"endpoint", dataset.slave_endpoint},
                               {"did", dataset.participant_id},
                               {"node", NameOfLocked(dataset)},
                               {"dataset", dataset.dataset_id}}));
  if (listener_ != nullptr) {
    listener_->OnAdmission(NameOfLocked(dataset), true, "");
  }
  Say(dataset, absl::StrCat("admitted, session ", session_id));
  return absl::OkStatus();
}

Status AdmissionRecorder::Refused(const edc::SlaveDataset& dataset,
                                  const std::string& stage,
                                  const std::string& reason,
                                  const std::string& message) {
  std::lock_guard<std::mutex> lock(mu_);
  return RefusedLocked(dataset, stage, reason, message);
}

Status AdmissionRecorder::RefusedLocked(const edc::SlaveDataset& dataset,
                                        const std::string& stage,
                                        const std::string& reason,
                                        const std::string& message) {
  refusals_.push_back(
      absl::StrCat(NameOfLocked(dataset), ": ", reason, ": ", message));
  DSFL_RETURN_IF_ERROR(Record(audit::events::kAdmissionRefused,
                              dataset.participant_id,
                              {{"reason", reason},
                               {"stage", stage},
                               {"message", message},
                               {"node", NameOfLocked(dataset)},
                               {"dataset", dataset.dataset_id}}));
  if (listener_ != nullptr) {
    listener_->OnAdmission(NameOfLocked(dataset), false, reason);
  }
  Say(dataset,
      absl::StrCat("refused at ", stage, " (", reason, "): ", message));
  return absl::OkStatus();
}

}  // namespace dsfl::master
