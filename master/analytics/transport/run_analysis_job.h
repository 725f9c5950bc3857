// RunAnalysisJob: runs a job spec's "analysis" against the slaves it lists
// (dsfl.v1.Analytics over mutual TLS, or plaintext when the spec says
// insecure): the same RunAnalysis as `dsfl simulate`, so a job over the
// network and a simulation on the same shards agree bit for bit.
//
// It reports the result through `listener` (one message per line of the
// text report) and writes the JSON report (master/analytics/
// analysis_report.h) to <output_dir>/analysis.json. Errors: connection
// setup (naming the TLS file), a site's failure or refusal (naming the
// site), or writing the report. Blocks the calling thread.
#ifndef DSFL_MASTER_ANALYTICS_TRANSPORT_RUN_ANALYSIS_JOB_H_
#define DSFL_MASTER_ANALYTICS_TRANSPORT_RUN_ANALYSIS_JOB_H_

#include <string>

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

}  // namespace dsfl::analytics

#endif  // DSFL_MASTER_ANALYTICS_TRANSPORT_RUN_ANALYSIS_JOB_H_
