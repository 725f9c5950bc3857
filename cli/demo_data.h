// Splits the lung CSV into hospitals by institution, the rule documented in
// data/lung/README.md: institutions sorted by patient count (descending,
// ties by code) each go to the hospital with the fewest patients so far
// (ties to the earlier one); patients without an institution code go to the
// last hospital. Rows are copied verbatim, so values are untouched.
// LungJobData: the "data" section of a job over those shards (the demo's,
// and the end-to-end tests'): the six lung covariates, time/event, a 25 %
// held-out split with a fixed seed.
#ifndef DSFL_CLI_DEMO_DATA_H_
#define DSFL_CLI_DEMO_DATA_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl::cli {

struct HospitalShard {
  std::vector<std::string> institutions;  // codes, "NA" for missing
  std::string csv;                        // header + rows
  size_t rows = 0;
};

StatusOr<std::vector<HospitalShard>> SplitByInstitution(
    const std::string& csv_text, size_t hospitals);

nlohmann::json LungJobData();

}  // namespace dsfl::cli

#endif  // DSFL_CLI_DEMO_DATA_H_
