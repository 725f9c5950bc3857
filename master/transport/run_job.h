// RunJob: runs one job spec to its end, for dsfl-master --job and `dsfl job
// run`. A training job runs with JobRunner over the nodes ConnectGrpcNodes
// gives it: the static "slaves" (mutual TLS, or plaintext when the spec
// says insecure), or, with a "dataspace" section, the nodes admitted by
// dataspace admission (discover, negotiate, verify, TLS binding,
// Authorize). An analysis job runs with analytics::RunAnalysisJob.
//
// The master's signed audit log and its key are <output_dir>/audit.jsonl
// and <output_dir>/audit-key.pem: job.submitted, every admission step,
// every round and the final model, each before the master acts on it.
#ifndef DSFL_MASTER_TRANSPORT_RUN_JOB_H_
#define DSFL_MASTER_TRANSPORT_RUN_JOB_H_

#include "common/cancellation.h"
#include "master/core/job_runner.h"

namespace dsfl::master {

StatusOr<JobResult> RunJob(const JobSpec& spec, JobListener* listener,
                           CancellationToken* cancel);

}  // namespace dsfl::master

#endif  // DSFL_MASTER_TRANSPORT_RUN_JOB_H_
