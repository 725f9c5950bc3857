#include "slave/analytics/survival_data.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "slave/training/examples.h"

namespace dsfl::analytics {
namespace {

StatusOr<size_t> Column(const dataproxy::Table& table, const char* role,
                        const std::string& name) {
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the query names no ", role, " column"));
  }
  std::optional<size_t> index = table.ColumnIndex(name);
  if (!index) {
    return absl::InvalidArgumentError(absl::StrCat(
        role, " column '", name, "' is not in the data source's table"));
  }
  return *index;
}

bool Selected(const SurvivalSpec& spec, size_t row) {
  if (spec.rows == RowSet::kAll) return true;
  const bool held_out =
      training::IsHeldOutRow(row, spec.held_out_fraction, spec.split_seed);
  return spec.rows == RowSet::kHeldOut ? held_out : !held_out;
}

// Names the column and row, never the value: the message goes back to the
// master and into the audit log.
Status Bad(const std::string& column, size_t row, const char* why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "column '", column, "' row ", row, " (0-based): the value ", why));
}

}  // namespace

StatusOr<SurvivalData> ExtractSurvivalData(const dataproxy::Table& table,
                                           const SurvivalSpec& spec) {
  if (!(spec.held_out_fraction >= 0.0 && spec.held_out_fraction <= 1.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "held_out_fraction ", spec.held_out_fraction, " is not in [0, 1]"));
  }
  DSFL_ASSIGN_OR_RETURN(size_t time_col, Column(table, "time", spec.time));
  DSFL_ASSIGN_OR_RETURN(size_t event_col, Column(table, "event", spec.event));
  std::vector<size_t> cols;
  std::set<std::string> seen;
  for (const std::string& name : spec.covariates) {
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("covariate '", name, "' is listed twice"));
    }
    DSFL_ASSIGN_OR_RETURN(size_t c, Column(table, "covariate", name));
    cols.push_back(c);
  }
  const size_t p = cols.size();
  std::vector<size_t> keep;
  for (size_t r = 0; r < table.num_rows(); ++r) {
    if (!Selected(spec, r)) continue;
    const double t = table.at(r, time_col);
    const double e = table.at(r, event_col);
    bool missing = std::isnan(t) || std::isnan(e);
    for (size_t c : cols) missing = missing || std::isnan(table.at(r, c));
    if (missing) continue;
    if (!std::isfinite(t) || t < 0) {
      return Bad(spec.time, r, "is not a finite time >= 0");
    }
    if (e != 0.0 && e != 1.0) return Bad(spec.event, r, "is not 0 or 1");
    for (size_t a = 0; a < p; ++a) {
      const double v = table.at(r, cols[a]);
      if (!std::isfinite(v)) {
        return Bad(spec.covariates[a], r, "is not finite");
      }
    }
    keep.push_back(r);
  }
  std::stable_sort(keep.begin(), keep.end(), [&](size_t a, size_t b) {
    return table.at(a, time_col) < table.at(b, time_col);
  });
  SurvivalData data;
  data.p = p;
  data.time.reserve(keep.size());
  data.event.reserve(keep.size());
  data.x.reserve(keep.size() * p);
  for (size_t r : keep) {
    data.time.push_back(table.at(r, time_col));
    const int e = table.at(r, event_col) == 1.0 ? 1 : 0;
    data.event.push_back(e);
    data.events += e;
    for (size_t c : cols) data.x.push_back(table.at(r, c));
  }
  return data;
}

}  // namespace dsfl::analytics
