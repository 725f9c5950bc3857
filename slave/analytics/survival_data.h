// SurvivalData: a site's complete-case survival rows for one query, sorted
// by time, in double precision. Built from the data source's Table; never
// leaves the slave.
//
// ExtractSurvivalData selects the spec's rows (all, or the training /
// held-out side of the split rule of slave/training/examples.h), drops
// rows with a missing (NaN) time, event or covariate, and checks the rest:
// InvalidArgument naming the column and 0-based table row for an unknown
// column, a negative or infinite time, an event other than 0/1 or an
// infinite covariate.
// Thread-safety: pure function; SurvivalData is a plain value.
#ifndef DSFL_SLAVE_ANALYTICS_SURVIVAL_DATA_H_
#define DSFL_SLAVE_ANALYTICS_SURVIVAL_DATA_H_

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "connector-adapters/dataproxy/table.h"
#include "slave/analytics/analytics_types.h"

namespace dsfl::analytics {

struct SurvivalData {
  size_t p = 0;              // covariates
  std::vector<double> time;  // ascending (stable in table order)
  std::vector<int> event;    // 1 = event, 0 = censored
  std::vector<double> x;     // rows x p, row-major, raw (not centred)
  int64_t events = 0;

  size_t rows() const { return time.size(); }
  const double* row(size_t i) const { return x.data() + i * p; }
};

StatusOr<SurvivalData> ExtractSurvivalData(const dataproxy::Table& table,
                                           const SurvivalSpec& spec);

}  // namespace dsfl::analytics

#endif  // DSFL_SLAVE_ANALYTICS_SURVIVAL_DATA_H_
