#include "slave/analytics/disclosure.h"

#include "absl/strings/str_cat.h"

namespace dsfl::analytics {

Status CheckCohort(const DisclosureLimits& limits, const std::string& what,
                   int64_t rows, int64_t events) {
  if (rows < limits.min_rows) {
    return absl::FailedPreconditionError(
        absl::StrCat("disclosure limit: ", what, " would describe ", rows,
                     " complete rows, below the minimum of ", limits.min_rows,
                     " (limits.min_rows)"));
  }
  if (events >= 0 && events < limits.min_events) {
    return absl::FailedPreconditionError(
        absl::StrCat("disclosure limit: ", what, " would describe ", events,
                     " events, below the minimum of ", limits.min_events,
                     " (limits.min_events)"));
  }
  return absl::OkStatus();
}

Status CheckCells(const DisclosureLimits& limits, const std::string& what,
                  const std::string& cell, const std::vector<int64_t>& cells) {
  if (limits.min_cell_count <= 1) return absl::OkStatus();
  int64_t smallest = 0;
  int64_t small_cells = 0;
  for (int64_t count : cells) {
    if (count > 0 && count < limits.min_cell_count) {
      if (small_cells == 0 || count < smallest) smallest = count;
      ++small_cells;
    }
  }
  if (small_cells == 0) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "disclosure limit: ", what, " would release ", small_cells, " cell(s) (",
      cell, ") of fewer than ", limits.min_cell_count,
      " patients, the smallest of ", smallest,
      " (limits.min_cell_count); exact per-time answers need coarser time "
      "units or the stratified design"));
}

}  // namespace dsfl::analytics
