// The benchmark output format shared by every bench/ program and checked by
// the smoke test: one JSON object per line,
//
//   {"bench": NAME, "params": P, "nodes": N, "value": X, "unit": U,
//    "ratio": R, ...}
//
// where P is the model size in float32 parameters (0 when not applicable),
// N the number of nodes (slaves, or updates folded), X a finite number in
// unit U, and "ratio" present only where the benchmark defines one. Extra
// keys (e.g. "direction", "wall_seconds") describe the measurement further.
//
// Errors: ParseBenchLine returns InvalidArgument naming the missing or
// mistyped key. Thread-compatibility: EmitBenchLine locks stdout per line.
#ifndef DSFL_BENCH_BENCH_OUTPUT_H_
#define DSFL_BENCH_BENCH_OUTPUT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl::bench {

struct BenchRecord {
  std::string bench;
  int64_t params = 0;
  int64_t nodes = 0;
  double value = 0.0;
  std::string unit;
  std::optional<double> ratio;
  nlohmann::json extra = nlohmann::json::object();  // more keys, if any
};

// One line of JSON (no trailing newline).
std::string FormatBenchLine(const BenchRecord& record);

// Prints FormatBenchLine + '\n' to stdout and flushes. A failed write
// (stdout closed, disk full) is remembered: StdoutFailed().
void EmitBenchLine(const BenchRecord& record);

// For benchmarks that run child processes (slaves, Python): call first in
// main(). A closed stdout (`... | head -1`) then makes writes fail instead
// of killing the process with SIGPIPE before it stops its children, which
// would leave them running.
void KeepRunningWithoutStdout();

// True once an EmitBenchLine could not write: exit non-zero, the output is
// incomplete.
bool StdoutFailed();

// Parses and checks one line: an object with string "bench" and "unit",
// integer "params" and "nodes" >= 0, a finite number "value" and, if
// present, a finite number "ratio".
StatusOr<BenchRecord> ParseBenchLine(const std::string& line);

}  // namespace dsfl::bench

#endif  // DSFL_BENCH_BENCH_OUTPUT_H_
