#include "common/audit/audit_event.h"

#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace dsfl::audit {
namespace {

bool IsHex64(const nlohmann::json& v) {
  if (!v.is_string()) return false;
  const std::string& s = v.get_ref<const std::string&>();
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsCount(const nlohmann::json& v) {
  return v.is_number_unsigned() ||
         (v.is_number_integer() && v.get<int64_t>() >= 0);
}

// Checks the conventional type of a details field by its name; an empty
// string when fine, else what was expected.
std::string ExpectedType(const std::string& name, const nlohmann::json& v) {
  if (absl::EndsWith(name, "_sha256") || absl::EndsWith(name, "_digest") ||
      name == "root") {
    return IsHex64(v) ? "" : "64 lowercase hex characters";
  }
  static const char* const kCounts[] = {
      "rows",   "examples",    "tree_size", "after_seq", "torn_bytes",
      "rounds", "cohort_size", "events",    "values"};
  for (const char* c : kCounts) {
    if (name == c) return IsCount(v) ? "" : "a non-negative integer";
  }
  static const char* const kArrays[] = {
      "columns",          "participants", "dropouts", "candidates",
      "credential_types", "sites",        "answered", "refused",
      "errors",           "excluded",     "skipped"};
  for (const char* a : kArrays) {
    if (name == a) return v.is_array() ? "" : "an array";
  }
  static const char* const kObjects[] = {"privacy", "metrics", "checks",
                                         "limits"};
  for (const char* o : kObjects) {
    if (name == o) return v.is_object() ? "" : "an object";
  }
  return "";
}

}  // namespace

const std::vector<EventSpec>& EventCatalogue() {
  static const std::vector<EventSpec>* catalogue = new std::vector<EventSpec>{
      {events::kNodeStart,
       "both",
       false,
       false,
       {"role", "config_sha256"},
       {"version", "config_path"},
       "the daemon started, with the digest of its configuration"},
      {events::kNodeStop,
       "both",
       false,
       false,
       {"role", "reason"},
       {"error"},
       "the daemon stops"},
      {events::kNodeReload,
       "both",
       false,
       false,
       {"result"},
       {"config_sha256", "error", "restart_needed"},
       "the configuration was reloaded (SIGHUP), or the reload was rejected"},
      {events::kAuthorizeRequest,
       "slave",
       true,
       false,
       {"master_did", "agreement_id"},
       {"model_sha256", "privacy", "peer_sha256", "credential"},
       "a master asked to be admitted to a job (before any check)"},
      {events::kAuthorizeDecision,
       "slave",
       true,
       false,
       {"decision", "reason"},
       {"model_sha256", "agreement_id", "checks", "message", "peer_sha256"},
       "an Authorize request from a master, allowed or denied, and why"},
      {events::kCallRefused,
       "slave",
       true,
       false,
       {"rpc", "reason"},
       {"message", "peer_sha256", "model_sha256"},
       "a job call refused: no admitted session, or not the admitted model"},
      {events::kCredentialCheck,
       "both",
       true,
       false,
       {"result"},
       {"reason", "issuer", "credential_types", "holder", "message"},
       "a verifiable credential or presentation was checked"},
      {events::kAgreementCheck,
       "slave",
       true,
       false,
       {"result"},
       {"reason", "consumer", "asset"},
       "a contract agreement was checked with the own connector"},
      {events::kPolicyCheck,
       "slave",
       true,
       false,
       {"result"},
       {"reason", "model_sha256", "cohort_size"},
       "the local policy (model hash, cohort size, settings) was checked"},
      {events::kDatasetRead,
       "slave",
       false,
       false,
       {"source", "rows", "columns"},
       {"purpose", "error"},
       "local data was read (source, rows, column names; never values)"},
      {events::kStatisticsReleased,
       "slave",
       true,
       false,
       {"columns", "rows"},
       {"kind"},
       "aggregate statistics left the hospital"},
      {events::kRoundParticipation,
       "slave",
       true,
       true,
       {"outcome"},
       {"model_received_digest", "update_sent_digest", "examples", "privacy",
        "error"},
       "a training round: model received, update sent, privacy settings"},
      {events::kEvaluationParticipation,
       "slave",
       true,
       true,
       {"outcome"},
       {"model_digest", "examples", "error"},
       "a federated evaluation of a global model"},
      {events::kAnalyticsQuery,
       "slave",
       true,
       false,
       {"query", "decision", "columns"},
       {"rows", "events", "row_set", "released", "values", "reason", "limits"},
       "an exact survival-analytics query: the aggregate released, or why "
       "nothing was"},
      {events::kJobSubmitted,
       "master",
       true,
       false,
       {"job_spec_sha256"},
       {"model", "rounds", "slaves", "analysis"},
       "a job was submitted"},
      {events::kDiscoveryResult,
       "master",
       true,
       false,
       {"candidates"},
       {"source", "error", "skipped", "profile"},
       "the slaves discovered for a job"},
      {events::kNegotiationState,
       "master",
       true,
       false,
       {"state"},
       {"agreement_id", "offer_id", "reason", "negotiation_id", "dataset"},
       "a contract negotiation changed state"},
      {events::kTlsBinding,
       "master",
       true,
       false,
       {"result"},
       {"binding", "method_id", "reason", "message", "peer_sha256", "endpoint"},
       "a slave's TLS certificate was checked against its DID"},
      {events::kAuthorizeAnswer,
       "master",
       true,
       false,
       {"decision"},
       {"reason", "message", "model_sha256", "agreement_id", "endpoint"},
       "a slave answered Authorize: admitted, refused (why) or failed"},
      {events::kAdmissionGranted,
       "master",
       true,
       false,
       {},
       {"agreement_id", "endpoint", "did", "node", "dataset"},
       "a participant was admitted"},
      {events::kAdmissionRefused,
       "master",
       true,
       false,
       {"reason"},
       {"stage", "message", "node", "dataset"},
       "a participant was refused, and why"},
      {events::kRoundCompleted,
       "master",
       true,
       true,
       {"participants", "dropouts", "global_model_digest"},
       {"examples", "metrics"},
       "a FedAvg round completed"},
      {events::kRoundFailed,
       "master",
       true,
       true,
       {"reason"},
       {"participants", "dropouts"},
       "a round failed"},
      {events::kModelFinal,
       "master",
       true,
       false,
       {"model_digest"},
       {"rounds", "path", "metrics"},
       "the final model of a job"},
      {events::kJobCancelled,
       "master",
       true,
       false,
       {"reason"},
       {},
       "a job was cancelled"},
      {events::kJobFailed,
       "master",
       true,
       false,
       {"error"},
       {},
       "a job failed"},
      {events::kAnalysisRound,
       "master",
       true,
       true,
       {"query", "sites"},
       {"answered", "refused", "errors"},
       "one query round of an exact survival analysis, with each site's "
       "outcome"},
      {events::kAnalysisReport,
       "master",
       true,
       false,
       {"report_sha256"},
       {"path", "analysis", "sites", "excluded", "rounds"},
       "the final report of an exact survival analysis"},
      {events::kLogGenesis,
       "log",
       false,
       false,
       {"format", "public_key", "key_id"},
       {},
       "the first record of a log: its format and signing key"},
      {events::kLogCheckpoint,
       "log",
       false,
       false,
       {"tree_size", "root", "reason"},
       {},
       "a signed RFC 9162 Merkle root over all earlier records"},
      {events::kLogRecovered,
       "log",
       false,
       false,
       {"torn_file", "torn_bytes", "torn_sha256", "after_seq"},
       {},
       "a torn last line was moved aside when the log was reopened"},
  };
  return *catalogue;
}

const EventSpec* FindEventSpec(const std::string& type) {
  for (const EventSpec& spec : EventCatalogue()) {
    if (type == spec.type) return &spec;
  }
  return nullptr;
}

Status ValidateAuditEvent(const AuditEvent& event) {
  const EventSpec* spec = FindEventSpec(event.type);
  if (spec == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("audit event type '", event.type,
                     "' is not in the catalogue (common/audit/audit_event.h)"));
  }
  if (std::strcmp(spec->who, "log") == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "audit event type '", event.type, "' is reserved for the log itself"));
  }
  if (spec->needs_job && event.job.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("audit event '", event.type, "' needs a job id"));
  }
  if (spec->needs_round && !event.round.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("audit event '", event.type, "' needs a round"));
  }
  if (!event.details.is_object() && !event.details.is_null()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "audit event '", event.type, "': details must be a JSON object"));
  }
  const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json& details =
      event.details.is_null() ? empty : event.details;
  for (const char* field : spec->required) {
    if (!details.contains(field) || details[field].is_null()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "audit event '", event.type, "': details.", field, " is required"));
    }
  }
  for (const auto& [name, value] : details.items()) {
    if (value.is_null()) continue;
    const std::string expected = ExpectedType(name, value);
    if (!expected.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("audit event '", event.type, "': details.", name,
                       " must be ", expected, ", got ", value.dump()));
    }
  }
  return absl::OkStatus();
}

}  // namespace dsfl::audit
