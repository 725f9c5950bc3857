// Test helpers for the survival analytics: paths of the shipped lung data
// and shard fixtures, R's reference results, and an in-process federation
// of SiteAnalytics over CSV files (the code a dsfl-slave runs, without a
// network). Paths come from DSFL_SOURCE_DIR.
#ifndef DSFL_TESTS_UNIT_SURVIVAL_SURVIVAL_FIXTURE_H_
#define DSFL_TESTS_UNIT_SURVIVAL_SURVIVAL_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "master/analytics/federation.h"
#include "master/analytics/in_process_analytics_client.h"
#include "nlohmann/json.hpp"
#include "slave/analytics/site_analytics.h"

namespace dsfl::analytics::testing {

// $DSFL_SOURCE_DIR/<relative>; aborts when the variable is unset.
std::string SourcePath(const std::string& relative);

// data/lung/lung_reference.json.
const nlohmann::json& LungReference();

// The shard files of split "inst", "mod3" or "mod5", sorted by name.
std::vector<std::string> ShardFiles(const std::string& split);

// Limits that let every lung shard answer (R's fits use them all).
DisclosureLimits OpenLimits();

// Sites reading CSV files through the slave's CSV adapter.
class SimulatedFederation {
 public:
  SimulatedFederation(const std::vector<std::string>& csv_files,
                      DisclosureLimits limits);
  const Federation& federation() const { return federation_; }

 private:
  std::vector<std::unique_ptr<SiteAnalytics>> sites_;
  std::vector<std::unique_ptr<InProcessAnalyticsClient>> clients_;
  Federation federation_;
};

// Writes `text` to a fresh file in a temporary directory; returns its path.
std::string WriteTempFile(const std::string& name, const std::string& text);

}  // namespace dsfl::analytics::testing

#endif  // DSFL_TESTS_UNIT_SURVIVAL_SURVIVAL_FIXTURE_H_
