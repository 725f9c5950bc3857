// Disclosure limits a hospital sets in its slave config, and the checks
// every analytics answer passes before it leaves the slave.
//
//  - min_rows:       complete-case rows behind any answer;
//  - min_events:     events among those rows (survival queries);
//  - min_cell_count: the fewest patients any *isolable cell* of an answer
//                    may describe. A cell is a group of rows whose own
//                    contribution can be read off the answer: the events
//                    (or censorings) at one time in a per-time table, the
//                    rows between two consecutive event times of a
//                    risk-set grid (differences of consecutive risk-set
//                    sums isolate them), the deaths behind an Efron tied
//                    sum, the patients behind one (time, risk) probe.
//                    Empty cells are allowed; whole-site totals are
//                    governed by min_rows. 1 disables the check.
//
// A refusal is FailedPrecondition and names the limit's config key
// ("limits.min_events") and the value that missed it, never a data value
// (no time, no covariate).
// Thread-safety: pure functions.
#ifndef DSFL_SLAVE_ANALYTICS_DISCLOSURE_H_
#define DSFL_SLAVE_ANALYTICS_DISCLOSURE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace dsfl::analytics {

struct DisclosureLimits {
  int64_t min_rows = 10;
  int64_t min_events = 3;
  int64_t min_cell_count = 1;
};

// rows >= min_rows and events >= min_events (events < 0 skips the latter).
// `what` describes the answer, e.g. "the Cox summary".
Status CheckCohort(const DisclosureLimits& limits, const std::string& what,
                   int64_t rows, int64_t events);

// Every non-zero entry of `cells` is >= min_cell_count. `cell` describes
// one cell, e.g. "events at one time".
Status CheckCells(const DisclosureLimits& limits, const std::string& what,
                  const std::string& cell, const std::vector<int64_t>& cells);

}  // namespace dsfl::analytics

#endif  // DSFL_SLAVE_ANALYTICS_DISCLOSURE_H_
