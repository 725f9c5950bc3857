// OpenJobAuditLog: opens (creating the directory when missing) the
// master's signed audit log for one job, <output_dir>/audit.jsonl, signed
// with <output_dir>/audit-key.pem (created on first use) as node "master".
// Shared by training jobs (master/transport/run_job.cc) and analysis jobs
// (master/analytics/transport/run_analysis_job.cc) so both keep their log
// in the same place. Errors: those of audit::OpenNodeAuditLog (the
// directory not being creatable shows up there, naming the path). The
// caller owns the log and closes it.
#ifndef DSFL_MASTER_CORE_JOB_AUDIT_LOG_H_
#define DSFL_MASTER_CORE_JOB_AUDIT_LOG_H_

#include <memory>
#include <string>

#include "common/audit/audit_log.h"
#include "common/status.h"

namespace dsfl::master {

StatusOr<std::unique_ptr<audit::AuditLog>> OpenJobAuditLog(
    const std::string& output_dir);

}  // namespace dsfl::master

#endif  // DSFL_MASTER_CORE_JOB_AUDIT_LOG_H_
