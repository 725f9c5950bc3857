// Examples: the numeric tensors a model trains on, built from a data-source
// Table. Plain C++ (no torch).
//
// BuildExamples() selects the job's feature and target columns, drops rows
// with any missing value among them (complete cases), standardises features
// with the *federated* mean and standard deviation (computed from aggregates
// of every site, see ColumnMoments) and splits rows into a training and a
// held-out part with a deterministic rule (seeded hash of the row index), so
// evaluation on held-out data is reproducible.
//
// Errors: InvalidArgument naming the missing column, a non-binary label or
// event value, a negative time, a non-finite value, or a zero/negative
// standard deviation; FailedPrecondition from CombineMoments when no site has
// a complete-case row.
//
// Thread-safety: pure functions of their arguments.
#ifndef DSFL_SLAVE_TRAINING_EXAMPLES_H_
#define DSFL_SLAVE_TRAINING_EXAMPLES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "connector-adapters/dataproxy/table.h"
#include "slave/training/model_definition.h"

namespace dsfl::training {

struct Examples {
  int64_t num_rows = 0;
  int64_t num_features = 0;
  std::vector<float> features;  // row-major num_rows x num_features
  std::vector<float> label;     // kBinary: 0/1
  std::vector<float> time;      // kSurvival: follow-up time
  std::vector<float> event;     // kSurvival: 1 = event, 0 = censored
};

struct ColumnRoles {
  std::vector<std::string> features;
  std::string label;  // kBinary
  std::string time;   // kSurvival
  std::string event;  // kSurvival
};

// Per-column aggregates over complete cases: what a site discloses for
// federated standardisation.
struct ColumnMoments {
  int64_t count = 0;
  std::vector<double> sum;          // per feature
  std::vector<double> sum_squares;  // per feature
};

struct Standardization {
  std::vector<double> mean;
  std::vector<double> stddev;  // > 0
};

struct ExampleSplit {
  Examples train;
  Examples held_out;
};

// Aggregates over the complete-case *training* rows (held-out rows are
// excluded so evaluation stays honest).
StatusOr<ColumnMoments> ComputeMoments(const dataproxy::Table& table,
                                       const ColumnRoles& roles, Task task,
                                       double held_out_fraction,
                                       uint64_t split_seed);

// Combines per-site moments into the global mean and (population) standard
// deviation. A feature with zero variance gets stddev 1 ("zero" means
// variance <= 1e-10 * mean^2, i.e. below the rounding noise of the
// sum-of-squares formula; a feature whose coefficient of variation is below
// 1e-5 is treated as constant).
StatusOr<Standardization> CombineMoments(
    const std::vector<ColumnMoments>& sites);

// Builds standardised training and held-out examples. Row order within each
// part follows the table. `standardization` must have one mean and one
// positive stddev per feature column.
StatusOr<ExampleSplit> BuildExamples(const dataproxy::Table& table,
                                     const ColumnRoles& roles, Task task,
                                     const Standardization& standardization,
                                     double held_out_fraction,
                                     uint64_t split_seed);

// The split rule shared by ComputeMoments and BuildExamples: table row
// `row_index` (0-based, counted before complete-case filtering, so a row's
// side never depends on other rows) is held out iff
// U(splitmix64(split_seed ^ row_index)) < held_out_fraction, with U the top 53
// bits as a double in [0, 1). `held_out_fraction` is in [0, 1].
bool IsHeldOutRow(uint64_t row_index, double held_out_fraction,
                  uint64_t split_seed);

// Checks that `examples` is well formed for `task`: vector sizes agree with
// num_rows/num_features, every value is finite, labels and events are 0/1,
// times are >= 0. InvalidArgument naming the field and row otherwise.
Status ValidateExamples(const Examples& examples, Task task);

}  // namespace dsfl::training

#endif  // DSFL_SLAVE_TRAINING_EXAMPLES_H_
