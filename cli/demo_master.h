// Runs dsfl-master on one job for `dsfl demo`, its output (stdout and
// stderr) copied line by line to this process's stdout, so that the demo
// can add its own lines at the right place: `after_admission` is called
// once, right after the master's line that closes dataspace admission
// ("  dataspace admission: 3 of 3 discovered nodes admitted"), else just
// before its first per-round line ("round   1/..."), else after the master
// exits (static jobs, failures).
//
// Errors: Internal when the master cannot be started. Returns the master's
// exit status otherwise (128 + signal when killed).
// Threading: blocks the caller until the master exits.
#ifndef DSFL_CLI_DEMO_MASTER_H_
#define DSFL_CLI_DEMO_MASTER_H_

#include <functional>
#include <string>

#include "common/status.h"

namespace dsfl::cli {

StatusOr<int> RunMasterJob(const std::string& master_binary,
                           const std::string& job_path,
                           const std::function<void()>& after_admission);

}  // namespace dsfl::cli

#endif  // DSFL_CLI_DEMO_MASTER_H_
