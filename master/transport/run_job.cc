#include "master/transport/run_job.h"

#include "common/audit/audit_log.h"
#include "master/analytics/transport/run_analysis_job.h"
#include "master/core/job_audit_log.h"
#include "master/transport/connect_nodes.h"

namespace dsfl::master {

StatusOr<JobResult> RunJob(const JobSpec& spec, JobListener* listener,
                           CancellationToken* cancel) {
  if (spec.analysis) {
    // An exact survival analysis instead of training: its report is
    // <output_dir>/analysis.json, returned as the job's output path.
    DSFL_ASSIGN_OR_RETURN(analytics::AnalysisJobResult analysis,
                          analytics::RunAnalysisJob(spec, listener, cancel));
    JobResult result;
    result.model_path = analysis.json_path;
    return result;
  }
  if (spec.slaves.empty() && !spec.dataspace) {
    return absl::InvalidArgumentError(
        "slaves: the job lists no slaves (and has no dataspace section)");
  }
  // The master's signed audit log and its key live with the job's output.
  DSFL_ASSIGN_OR_RETURN(std::unique_ptr<audit::AuditLog> log,
                        OpenJobAuditLog(spec.output_dir));
  // Connecting (for a dataspace job: admission) happens inside Run(),
  // after job.submitted, recorded in the same log.
  JobRunner runner(spec, NodeConnector(ConnectGrpcNodes), &SystemClock(),
                   listener, log.get());
  auto result = runner.Run(cancel);
  Status closed = log->Close();
  if (result.ok() && !closed.ok()) return closed;
  return result;
}

}  // namespace dsfl::master
