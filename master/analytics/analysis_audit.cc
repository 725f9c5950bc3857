#include "master/analytics/analysis_audit.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/audit/audit_event.h"

namespace dsfl::analytics {

const char* AnalysisTypeName(AnalysisSpec::Type type) {
  switch (type) {
    case AnalysisSpec::Type::kKaplanMeier:
      return "km";
    case AnalysisSpec::Type::kConcordance:
      return "concordance";
    case AnalysisSpec::Type::kCox:
      break;
  }
  return "cox";
}

AnalysisAudit::AnalysisAudit(audit::AuditSink* sink, std::string job_id)
    : sink_(sink != nullptr ? sink : &audit::NullAuditSink()),
      job_id_(std::move(job_id)) {}

Status AnalysisAudit::Record(const char* type, std::optional<int64_t> round,
                             nlohmann::json details) {
  Status status = sink_->Record({type, job_id_, round, "", std::move(details)});
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("audit log: ", status.message()));
  }
  return absl::OkStatus();
}

Status AnalysisAudit::Submitted(const std::string& spec_sha256,
                                const AnalysisSpec& spec, size_t slaves) {
  return Record(audit::events::kJobSubmitted, std::nullopt,
                {{"job_spec_sha256", spec_sha256},
                 {"analysis", AnalysisTypeName(spec.type)},
                 {"slaves", slaves}});
}

Status AnalysisAudit::OnQueryRound(const QueryRound& round) {
  nlohmann::json details = {{"query", round.query}, {"sites", round.sites}};
  if (!round.answered.empty()) details["answered"] = round.answered;
  if (!round.refused.empty()) details["refused"] = round.refused;
  if (!round.errors.empty()) details["errors"] = round.errors;
  // Numbered and written under one lock, so round numbers follow seq.
  std::lock_guard<std::mutex> lock(mu_);
  DSFL_RETURN_IF_ERROR(
      Record(audit::events::kAnalysisRound, rounds_ + 1, std::move(details)));
  ++rounds_;
  return absl::OkStatus();
}

Status AnalysisAudit::Report(const AnalysisResult& result,
                             const std::string& path,
                             const std::string& report_sha256) {
  nlohmann::json details = {{"report_sha256", report_sha256},
                            {"path", path},
                            {"analysis", AnalysisTypeName(result.spec.type)},
                            {"sites", result.sites},
                            {"rounds", rounds()}};
  if (!result.excluded.empty()) details["excluded"] = result.excluded;
  return Record(audit::events::kAnalysisReport, std::nullopt,
                std::move(details));
}

Status AnalysisAudit::Ended(const Status& error, bool cancelled) {
  return cancelled ? Record(audit::events::kJobCancelled, std::nullopt,
                            {{"reason", error.ToString()}})
                   : Record(audit::events::kJobFailed, std::nullopt,
                            {{"error", error.ToString()}});
}

int64_t AnalysisAudit::rounds() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rounds_;
}

}  // namespace dsfl::analytics
