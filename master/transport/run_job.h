// RunJob: connects to every slave listed in the job spec (mutual TLS, or
// plaintext when the spec says insecure) and runs the job with JobRunner.
// Used by dsfl-master and `dsfl job run`. Node discovery through the
// dataspace will produce the same endpoint list; this is its seam.
#ifndef DSFL_MASTER_TRANSPORT_RUN_JOB_H_
#define DSFL_MASTER_TRANSPORT_RUN_JOB_H_

#include "common/cancellation.h"
#include "master/core/job_runner.h"

namespace dsfl::master {

StatusOr<JobResult> RunJob(const JobSpec& spec, JobListener* listener,
                           CancellationToken* cancel);

}  // namespace dsfl::master

#endif  // DSFL_MASTER_TRANSPORT_RUN_JOB_H_
