#include "slave/training/examples.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "slave/training/random.h"

namespace dsfl::training {
namespace {

using dataproxy::Table;

// Column indices of the job's columns in a table.
struct JobColumns {
  std::vector<size_t> features;
  size_t label = 0;  // kBinary
  size_t time = 0;   // kSurvival
  size_t event = 0;  // kSurvival
};

StatusOr<size_t> FindColumn(const Table& table, const std::string& role,
                            const std::string& name) {
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the job names no ", role, " column"));
  }
  std::optional<size_t> index = table.ColumnIndex(name);
  if (!index.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        role, " column '", name, "' is not in the data source's table"));
  }
  return *index;
}

StatusOr<JobColumns> ResolveColumns(const Table& table,
                                    const ColumnRoles& roles, Task task) {
  if (roles.features.empty()) {
    return absl::InvalidArgumentError("the job names no feature columns");
  }
  JobColumns columns;
  std::set<std::string> seen;
  for (const std::string& name : roles.features) {
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("feature column '", name, "' is listed twice"));
    }
    DSFL_ASSIGN_OR_RETURN(size_t index, FindColumn(table, "feature", name));
    columns.features.push_back(index);
  }
  if (task == Task::kBinary) {
    DSFL_ASSIGN_OR_RETURN(columns.label,
                          FindColumn(table, "label", roles.label));
  } else {
    DSFL_ASSIGN_OR_RETURN(columns.time, FindColumn(table, "time", roles.time));
    DSFL_ASSIGN_OR_RETURN(columns.event,
                          FindColumn(table, "event", roles.event));
  }
  return columns;
}

Status CheckFraction(double held_out_fraction) {
  if (!(held_out_fraction >= 0.0 && held_out_fraction <= 1.0)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "held-out fraction ", held_out_fraction, " is not in [0, 1]"));
  }
  return absl::OkStatus();
}

bool IsBinary(double v) { return v == 0.0 || v == 1.0; }

Status BadValue(const std::string& column, size_t row, double value,
                const char* why) {
  return absl::InvalidArgumentError(absl::StrCat("column '", column, "' row ",
                                                 row, " (0-based): value ",
                                                 value, " ", why));
}

// Calls visit(row, held_out) for every complete-case row of the job's
// columns, after validating its values.
template <typename Visit>
Status ForEachCompleteRow(const Table& table, const ColumnRoles& roles,
                          Task task, const JobColumns& columns,
                          double held_out_fraction, uint64_t split_seed,
                          Visit visit) {
  std::vector<size_t> all = columns.features;
  if (task == Task::kBinary) {
    all.push_back(columns.label);
  } else {
    all.push_back(columns.time);
    all.push_back(columns.event);
  }
  const auto& names = table.columns();
  for (size_t row = 0; row < table.num_rows(); ++row) {
    bool complete = true;
    for (size_t c : all) {
      const double v = table.at(row, c);
      if (std::isnan(v)) {
        complete = false;
        break;
      }
      if (!std::isfinite(v)) return BadValue(names[c], row, v, "is infinite");
    }
    if (!complete) continue;
    if (task == Task::kBinary) {
      const double y = table.at(row, columns.label);
      if (!IsBinary(y)) {
        return BadValue(roles.label, row, y, "is not a binary label (0 or 1)");
      }
    } else {
      const double t = table.at(row, columns.time);
      if (t < 0.0) return BadValue(roles.time, row, t, "is a negative time");
      const double e = table.at(row, columns.event);
      if (!IsBinary(e)) {
        return BadValue(roles.event, row, e,
                        "is not an event indicator (0 or 1)");
      }
    }
    visit(row, IsHeldOutRow(row, held_out_fraction, split_seed));
  }
  return absl::OkStatus();
}

Status CheckStandardization(const ColumnRoles& roles,
                            const Standardization& s) {
  const size_t p = roles.features.size();
  if (s.mean.size() != p || s.stddev.size() != p) {
    return absl::InvalidArgumentError(absl::StrCat(
        "standardization has ", s.mean.size(), " means and ", s.stddev.size(),
        " standard deviations for ", p, " features"));
  }
  for (size_t f = 0; f < p; ++f) {
    if (!std::isfinite(s.mean[f])) {
      return absl::InvalidArgumentError(
          absl::StrCat("feature '", roles.features[f],
                       "' has a non-finite mean ", s.mean[f]));
    }
    if (!(s.stddev[f] > 0.0) || !std::isfinite(s.stddev[f])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "feature '", roles.features[f],
          "' has a non-positive standard deviation ", s.stddev[f]));
    }
  }
  return absl::OkStatus();
}

void Append(const Table& table, const JobColumns& columns, Task task,
            const Standardization& s, size_t row, Examples* out) {
  for (size_t f = 0; f < columns.features.size(); ++f) {
    const double x = table.at(row, columns.features[f]);
    out->features.push_back(static_cast<float>((x - s.mean[f]) / s.stddev[f]));
  }
  if (task == Task::kBinary) {
    out->label.push_back(static_cast<float>(table.at(row, columns.label)));
  } else {
    out->time.push_back(static_cast<float>(table.at(row, columns.time)));
    out->event.push_back(static_cast<float>(table.at(row, columns.event)));
  }
  ++out->num_rows;
}

Status CheckRows(const std::vector<float>& values, int64_t rows,
                 const char* field) {
  if (values.size() != static_cast<size_t>(rows)) {
    return absl::InvalidArgumentError(
        absl::StrCat("examples have ", values.size(), " ", field,
                     " values for ", rows, " rows"));
  }
  return absl::OkStatus();
}

}  // namespace

bool IsHeldOutRow(uint64_t row_index, double held_out_fraction,
                  uint64_t split_seed) {
  return ToUnitInterval(SplitMix64Hash(split_seed ^ row_index)) <
         held_out_fraction;
}

StatusOr<ColumnMoments> ComputeMoments(const dataproxy::Table& table,
                                       const ColumnRoles& roles, Task task,
                                       double held_out_fraction,
                                       uint64_t split_seed) {
  DSFL_RETURN_IF_ERROR(CheckFraction(held_out_fraction));
  DSFL_ASSIGN_OR_RETURN(JobColumns columns, ResolveColumns(table, roles, task));
  const size_t p = columns.features.size();
  ColumnMoments moments;
  moments.sum.assign(p, 0.0);
  moments.sum_squares.assign(p, 0.0);
  DSFL_RETURN_IF_ERROR(ForEachCompleteRow(
      table, roles, task, columns, held_out_fraction, split_seed,
      [&](size_t row, bool held_out) {
        if (held_out) return;
        ++moments.count;
        for (size_t f = 0; f < p; ++f) {
          const double x = table.at(row, columns.features[f]);
          moments.sum[f] += x;
          moments.sum_squares[f] += x * x;
        }
      }));
  return moments;
}

StatusOr<Standardization> CombineMoments(
    const std::vector<ColumnMoments>& sites) {
  if (sites.empty()) {
    return absl::InvalidArgumentError("no site moments to combine");
  }
  const size_t p = sites.front().sum.size();
  int64_t count = 0;
  std::vector<double> sum(p, 0.0), sum_squares(p, 0.0);
  for (size_t s = 0; s < sites.size(); ++s) {
    const ColumnMoments& site = sites[s];
    if (site.sum.size() != p || site.sum_squares.size() != p) {
      return absl::InvalidArgumentError(absl::StrCat(
          "site #", s, " reports ", site.sum.size(), " sums and ",
          site.sum_squares.size(), " sums of squares, expected ", p));
    }
    if (site.count < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("site #", s, " reports a negative count ", site.count));
    }
    count += site.count;
    for (size_t f = 0; f < p; ++f) {
      if (!std::isfinite(site.sum[f]) || !std::isfinite(site.sum_squares[f])) {
        return absl::InvalidArgumentError(absl::StrCat(
            "site #", s, " reports a non-finite sum for feature #", f));
      }
      sum[f] += site.sum[f];
      sum_squares[f] += site.sum_squares[f];
    }
  }
  if (count == 0) {
    return absl::FailedPreconditionError(
        "no site has a complete-case training row");
  }
  Standardization out;
  for (size_t f = 0; f < p; ++f) {
    const double mean = sum[f] / static_cast<double>(count);
    const double variance = std::max(
        0.0, sum_squares[f] / static_cast<double>(count) - mean * mean);
    out.mean.push_back(mean);
    const bool constant = variance == 0.0 || variance <= 1e-10 * mean * mean;
    out.stddev.push_back(constant ? 1.0 : std::sqrt(variance));
  }
  return out;
}

StatusOr<ExampleSplit> BuildExamples(const dataproxy::Table& table,
                                     const ColumnRoles& roles, Task task,
                                     const Standardization& standardization,
                                     double held_out_fraction,
                                     uint64_t split_seed) {
  DSFL_RETURN_IF_ERROR(CheckFraction(held_out_fraction));
  DSFL_ASSIGN_OR_RETURN(JobColumns columns, ResolveColumns(table, roles, task));
  DSFL_RETURN_IF_ERROR(CheckStandardization(roles, standardization));
  ExampleSplit split;
  const auto p = static_cast<int64_t>(columns.features.size());
  split.train.num_features = p;
  split.held_out.num_features = p;
  DSFL_RETURN_IF_ERROR(
      ForEachCompleteRow(table, roles, task, columns, held_out_fraction,
                         split_seed, [&](size_t row, bool held_out) {
                           Append(table, columns, task, standardization, row,
                                  held_out ? &split.held_out : &split.train);
                         }));
  return split;
}

Status ValidateExamples(const Examples& examples, Task task) {
  const int64_t n = examples.num_rows;
  const int64_t p = examples.num_features;
  if (n < 0 || p < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("examples have negative dimensions ", n, " x ", p));
  }
  if (examples.features.size() != static_cast<size_t>(n * p)) {
    return absl::InvalidArgumentError(
        absl::StrCat("examples have ", examples.features.size(),
                     " feature values for ", n, " rows x ", p, " features"));
  }
  for (size_t i = 0; i < examples.features.size(); ++i) {
    if (!std::isfinite(examples.features[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("feature #", i % p, " of row ", i / p,
                       " is not finite (", examples.features[i], ")"));
    }
  }
  if (task == Task::kBinary) {
    DSFL_RETURN_IF_ERROR(CheckRows(examples.label, n, "label"));
    for (int64_t i = 0; i < n; ++i) {
      if (!IsBinary(examples.label[i])) {
        return absl::InvalidArgumentError(absl::StrCat(
            "label of row ", i, " is ", examples.label[i], ", not 0 or 1"));
      }
    }
    return absl::OkStatus();
  }
  DSFL_RETURN_IF_ERROR(CheckRows(examples.time, n, "time"));
  DSFL_RETURN_IF_ERROR(CheckRows(examples.event, n, "event"));
  for (int64_t i = 0; i < n; ++i) {
    if (!(examples.time[i] >= 0.0f) || !std::isfinite(examples.time[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("time of row ", i, " is ", examples.time[i],
                       ", not a finite value >= 0"));
    }
    if (!IsBinary(examples.event[i])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "event of row ", i, " is ", examples.event[i], ", not 0 or 1"));
    }
  }
  return absl::OkStatus();
}

}  // namespace dsfl::training
