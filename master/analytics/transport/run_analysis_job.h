// RunAnalysisJob: runs a job spec's "analysis" against the slaves it lists
// (dsfl.v1.Analytics over mutual TLS, or plaintext when the spec says
// insecure): the same RunAnalysis as `dsfl simulate`, so a job over the
// network and a simulation on the same shards agree bit for bit.
//
// It reports the result through `listener` (one message per line of the
// text report) and writes the JSON report (master/analytics/
// analysis_report.h) to <output_dir>/analysis.json. Errors: connection
// setup (naming the TLS file), a site's failure or refusal (naming the
// site), the audit log, or writing the report. Blocks the calling thread.
//
// With a "dataspace" section the sites are the nodes dataspace admission
// admits (master/transport/dataspace_admission.h: discover, negotiate,
// verify, TLS binding, Authorize; every step in the same audit log, after
// job.submitted); each query carries the node's session id.
//
// Audit (master/analytics/analysis_audit.h): job.submitted before any
// connection, analysis.round after every query round, analysis.report
// (the report's SHA-256) before the report is written, job.failed or
// job.cancelled otherwise. Without a sink, the master's signed log
// <output_dir>/audit.jsonl (key <output_dir>/audit-key.pem) is opened, as
// for a training job.
#ifndef DSFL_MASTER_ANALYTICS_TRANSPORT_RUN_ANALYSIS_JOB_H_
#define DSFL_MASTER_ANALYTICS_TRANSPORT_RUN_ANALYSIS_JOB_H_

#include <string>

#include "common/audit/audit_sink.h"
#include "common/cancellation.h"
#include "master/analytics/analysis.h"
#include "master/core/job_runner.h"
#include "master/core/job_spec.h"

namespace dsfl::analytics {

struct AnalysisJobResult {
  AnalysisResult result;
  std::string json_path;  // <output_dir>/analysis.json
};

// `spec.analysis` must be set. `listener` may be null.
StatusOr<AnalysisJobResult> RunAnalysisJob(const master::JobSpec& spec,
                                           master::JobListener* listener,
                                           CancellationToken* cancel);
// The same, recording to `audit` (not owned; must not be null).
StatusOr<AnalysisJobResult> RunAnalysisJob(const master::JobSpec& spec,
                                           master::JobListener* listener,
                                           CancellationToken* cancel,
                                           audit::AuditSink* audit);

}  // namespace dsfl::analytics

#endif  // DSFL_MASTER_ANALYTICS_TRANSPORT_RUN_ANALYSIS_JOB_H_
