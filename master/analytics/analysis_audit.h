// AnalysisAudit: the master's audit records of one exact survival analysis
// job (docs/audit.md): `job.submitted` with the job spec's digest, one
// `analysis.round` per query round (as the federation's QueryObserver:
// the query, the sites asked, which answered, refused or failed), the
// `analysis.report` with the SHA-256 of the report as written, and
// `job.failed` / `job.cancelled` when the analysis ends early.
//
// Every method returns only after the record is durable. A failure comes
// back as Internal ("audit log: ...") and the caller must stop: the round's
// answers are not used, the report is not written (fail closed).
// Ownership: `sink` is not owned and must outlive this object.
// Thread-safety: thread-safe; rounds are numbered from 1 in the order
// their records are written.
#ifndef DSFL_MASTER_ANALYTICS_ANALYSIS_AUDIT_H_
#define DSFL_MASTER_ANALYTICS_ANALYSIS_AUDIT_H_

#include <cstdint>
#include <mutex>
#include <string>

#include "common/audit/audit_sink.h"
#include "common/status.h"
#include "master/analytics/analysis.h"
#include "master/analytics/federation.h"

namespace dsfl::analytics {

// "cox", "km" or "concordance" (the job spec's analysis.type).
const char* AnalysisTypeName(AnalysisSpec::Type type);

class AnalysisAudit final : public QueryObserver {
 public:
  AnalysisAudit(audit::AuditSink* sink, std::string job_id);

  // Before anything of the job is sent: the spec's digest, its analysis
  // type and how many slaves it lists.
  Status Submitted(const std::string& spec_sha256, const AnalysisSpec& spec,
                   size_t slaves);
  // QueryObserver: one analysis.round record, round = 1, 2, ...
  Status OnQueryRound(const QueryRound& round) override;
  // Before the report is written to `path`: the digest of its bytes.
  Status Report(const AnalysisResult& result, const std::string& path,
                const std::string& report_sha256);
  // The analysis failed with `error`, or was cancelled.
  Status Ended(const Status& error, bool cancelled);

  int64_t rounds() const;

 private:
  Status Record(const char* type, std::optional<int64_t> round,
                nlohmann::json details);

  audit::AuditSink* const sink_;
  const std::string job_id_;
  mutable std::mutex mu_;
  int64_t rounds_ = 0;
};

}  // namespace dsfl::analytics

#endif  // DSFL_MASTER_ANALYTICS_ANALYSIS_AUDIT_H_
