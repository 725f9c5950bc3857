// Audit events: what master and slave code hands to an AuditSink, and the
// catalogue of documented event types with their `details` fields.
//
// An AuditEvent becomes one signed, hash-chained record of the node's audit
// log (see common/audit/audit_log.h and docs/audit.md): the log adds seq,
// time, actor, prev, hash and sig. `details` never holds patient values:
// only digests, counts, column names, settings and reasons.
//
// Catalogue (R = required details field, o = optional; `job`/`round` are
// the record's correlation fields, required where marked). Fields named
// *_sha256 are SHA-256 of what they name; *_digest fields are model
// digests (ModelDigest: RFC 9162 Merkle tree hash over SHA-256 of the
// float32 payload's 64 KiB leaves, common/tree_digest.h):
//
// Both roles
//   node.start           R role ("master"|"slave"), R config_sha256,
//                        o version, o config_path
//   node.stop            R role, R reason ("signal"|"completed"|"error"),
//                        o error
//   node.reload          R result ("applied"|"rejected"), o config_sha256
//                        (of the new file), o error, o restart_needed
//                        (true: keys changed that only a restart applies)
// Slave (the hospital)
//   authorize.request    subject = the master DID it claims; job. Before
//                        any check. R master_did, R agreement_id,
//                        o model_sha256, o privacy (object), o peer_sha256
//                        (its TLS certificate), o credential ("presented"|
//                        "dcp")
//   authorize.decision   subject = requesting master (DID or name); job.
//                        R decision ("allow"|"deny"), R reason,
//                        o model_sha256, o agreement_id, o checks,
//                        o message, o peer_sha256
//   call.refused         subject = the RPC; job. A job call without an
//                        admitted session, or with another model than the
//                        admitted one. R rpc, R reason ("no_session"|
//                        "unknown_session"|"session_wrong_job"|
//                        "session_wrong_peer"|"session_expired"|
//                        "model_not_allowed"|"no_peer_certificate"),
//                        o message, o peer_sha256, o model_sha256
//   credential.check     subject = the party checked (DID); job.
//                        R result ("valid"|"invalid"), o reason, o issuer,
//                        o credential_types, o holder, o message
//                        (also master side: one per verified credential,
//                        or one with the refusal)
//   agreement.check      subject = agreement id; job. R result
//                        ("valid"|"invalid"), o reason, o consumer, o asset
//   policy.check         subject = policy name; job. R result
//                        ("allow"|"deny"), o reason, o model_sha256,
//                        o cohort_size
//   dataset.read         subject = dataset id. R source (URI or path, no
//                        credentials), R rows, R columns (names only), o
//                        purpose ("train"|"evaluate"|"statistics"), o error
//   statistics.released  subject = dataset id; job. R columns, R rows,
//                        o kind (e.g. "mean_var")  -- aggregates leaving
//   round.participation  job, round. R outcome ("sent"|"refused"|"failed"),
//                        o model_received_digest, o update_sent_digest,
//                        o examples, o privacy (object: e.g. dp noise
//                        multiplier, clip, epsilon spent, secagg), o error
//   evaluation.participation  job, round. R outcome, o model_digest,
//                        o examples, o error
//   analytics.query      subject = dataset (the data source); job. One
//                        exact survival-analytics query (slave/analytics):
//                        R query (the RPC: "Summary", "CoxStratified",
//                        "CoxRiskSets", "CoxBaseline", "KaplanMeier",
//                        "RiskProbes", "Concordance"), R decision
//                        ("released"|"refused"|"failed"), R columns (the
//                        time, event and covariate names used), o rows and
//                        o events (complete cases behind the answer),
//                        o row_set ("all"|"training"|"held_out"),
//                        o released (what the answer holds, in words),
//                        o values (how many numbers it holds), o reason
//                        (why refused or failed; never a value), o limits
//                        (object: the disclosure limits applied)
// Master (the coordinator)
//   job.submitted        job. R job_spec_sha256, o model, o rounds,
//                        o slaves, o analysis (analysis jobs)
//   discovery.result     job. R candidates (array of {id, endpoint, ...}),
//                        o source ("catalog"|"static"), o error,
//                        o skipped (malformed advertisements, with why),
//                        o profile
//   negotiation.state    job; subject = participant. R state (e.g.
//                        "REQUESTED", "FINALIZED", "TERMINATED"),
//                        o agreement_id, o offer_id, o reason,
//                        o negotiation_id, o dataset
//   tls.binding          job; subject = participant DID. The slave's TLS
//                        certificate checked against the DID (master
//                        side). R result ("bound"|"not_bound"), o binding
//                        ("key_in_did_document"|"certificate_names_did"),
//                        o method_id, o reason, o message, o peer_sha256,
//                        o endpoint
//   authorize.answer     job; subject = participant DID. A slave's answer
//                        to Authorize (master side). R decision ("allow"|
//                        "deny"|"error"), o reason, o message,
//                        o model_sha256, o agreement_id, o endpoint
//   admission.granted    job; subject = participant. o agreement_id,
//                        o endpoint, o did, o node, o dataset
//   admission.refused    job; subject = participant. R reason, o stage
//                        ("discovery"|"negotiation"|"credential"|
//                        "connect"|"tls"|"authorize"), o message, o node,
//                        o dataset
//   round.completed      job, round. R participants, R dropouts,
//                        R global_model_digest, o examples, o metrics
//   round.failed         job, round. R reason, o participants, o dropouts
//   model.final          job. R model_digest, o rounds, o path, o metrics
//   job.cancelled        job. R reason
//   job.failed           job. R error
//   analysis.round       job, round (the query round, from 1). One query
//                        of an exact survival analysis sent to every site:
//                        R query (the RPC), R sites (asked), o answered,
//                        o refused ("site: reason"), o errors ("site:
//                        error"). Written before the answers are used.
//   analysis.report      job. R report_sha256 (of analysis.json as
//                        written), o path, o analysis ("cox"|"km"|
//                        "concordance"), o sites,
//                        o excluded, o rounds
// Written by the log itself (reserved: Record() refuses them)
//   log.genesis          seq 0. R format ("dsfl-audit/1"), R public_key
//                        (base64url raw Ed25519), R key_id (RFC 7638
//                        thumbprint)
//   log.checkpoint       R tree_size, R root (hex RFC 9162 root over the
//                        records seq 0..tree_size-1), R reason
//                        ("count"|"time"|"rotate"|"close"|"manual")
//   log.recovered        R torn_file, R torn_bytes, R torn_sha256,
//                        R after_seq: a torn last line found on open was
//                        moved aside
//
// Errors: ValidateAuditEvent returns InvalidArgument naming the event type
// and the missing or mistyped field. Thread-safe (pure functions, constant
// tables).
#ifndef DSFL_COMMON_AUDIT_AUDIT_EVENT_H_
#define DSFL_COMMON_AUDIT_AUDIT_EVENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl::audit {

struct AuditEvent {
  std::string type;              // a catalogue name, e.g. "dataset.read"
  std::string job;               // correlation id; empty = none
  std::optional<int64_t> round;  // FL round; none outside rounds
  std::string subject;           // what it is about; empty = none
  nlohmann::json details = nlohmann::json::object();  // null = {}
};

// Event type names.
namespace events {
inline constexpr char kNodeStart[] = "node.start";
inline constexpr char kNodeStop[] = "node.stop";
inline constexpr char kNodeReload[] = "node.reload";
inline constexpr char kAuthorizeRequest[] = "authorize.request";
inline constexpr char kAuthorizeDecision[] = "authorize.decision";
inline constexpr char kCallRefused[] = "call.refused";
inline constexpr char kCredentialCheck[] = "credential.check";
inline constexpr char kAgreementCheck[] = "agreement.check";
inline constexpr char kPolicyCheck[] = "policy.check";
inline constexpr char kDatasetRead[] = "dataset.read";
inline constexpr char kStatisticsReleased[] = "statistics.released";
inline constexpr char kRoundParticipation[] = "round.participation";
inline constexpr char kEvaluationParticipation[] = "evaluation.participation";
inline constexpr char kAnalyticsQuery[] = "analytics.query";
inline constexpr char kJobSubmitted[] = "job.submitted";
inline constexpr char kDiscoveryResult[] = "discovery.result";
inline constexpr char kNegotiationState[] = "negotiation.state";
inline constexpr char kTlsBinding[] = "tls.binding";
inline constexpr char kAuthorizeAnswer[] = "authorize.answer";
inline constexpr char kAdmissionGranted[] = "admission.granted";
inline constexpr char kAdmissionRefused[] = "admission.refused";
inline constexpr char kRoundCompleted[] = "round.completed";
inline constexpr char kRoundFailed[] = "round.failed";
inline constexpr char kModelFinal[] = "model.final";
inline constexpr char kJobCancelled[] = "job.cancelled";
inline constexpr char kJobFailed[] = "job.failed";
inline constexpr char kAnalysisRound[] = "analysis.round";
inline constexpr char kAnalysisReport[] = "analysis.report";
// Reserved for the log itself.
inline constexpr char kLogGenesis[] = "log.genesis";
inline constexpr char kLogCheckpoint[] = "log.checkpoint";
inline constexpr char kLogRecovered[] = "log.recovered";
}  // namespace events

struct EventSpec {
  const char* type;
  const char* who;  // "slave", "master", "both", "log"
  bool needs_job;
  bool needs_round;
  std::vector<const char*> required;  // details fields
  std::vector<const char*> optional;
  const char* description;
};

// The whole catalogue, in documentation order.
const std::vector<EventSpec>& EventCatalogue();
// Null when `type` is not in the catalogue.
const EventSpec* FindEventSpec(const std::string& type);

// Checks an event from node code: a known, non-reserved type; details an
// object holding the required fields; job/round present where required.
Status ValidateAuditEvent(const AuditEvent& event);

}  // namespace dsfl::audit

#endif  // DSFL_COMMON_AUDIT_AUDIT_EVENT_H_
