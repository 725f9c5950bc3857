// Step 6 of `dsfl demo`: exact survival analyses on the same hospitals
// (docs/survival.md). An exact federated Cox model fitted on the DeepSurv
// job's training rows (same split), and the C-index of both models on the
// same held-out patients, pooled and within hospitals. Both jobs reach the
// hospitals the way the DeepSurv job did (its "dataspace" section, or its
// "slaves" list) and write their own audit logs under <work>/cox and
// <work>/deepsurv-concordance.
//
// Errors: Internal naming the job when dsfl-master fails; DataLoss when a
// report is unreadable.
#ifndef DSFL_CLI_DEMO_ANALYSES_H_
#define DSFL_CLI_DEMO_ANALYSES_H_

#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl::cli {

// `run_job(path, job)` writes and runs one job, returning dsfl-master's
// exit status.
using DemoJobRunner =
    std::function<StatusOr<int>(const std::string&, const nlohmann::json&)>;

struct DemoJob {
  std::string path;  // where the spec is written
  nlohmann::json spec;
  std::string what;  // for messages
};

// The exact Cox job, then the DeepSurv concordance job (on the checkpoint
// of round `rounds`), known before any of them runs so that the hospitals'
// admission policies can name them.
std::vector<DemoJob> DemoAnalysisJobs(const std::string& work,
                                      const nlohmann::json& deepsurv_job,
                                      int rounds);

// Runs `jobs` (from DemoAnalysisJobs) and prints the comparison.
Status RunDemoAnalyses(const std::string& work,
                       const std::vector<DemoJob>& jobs, int rounds,
                       const DemoJobRunner& run_job);

}  // namespace dsfl::cli

#endif  // DSFL_CLI_DEMO_ANALYSES_H_
