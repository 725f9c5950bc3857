// dsfl-bench-federation: peak RSS of a real dsfl-master and seconds per
// round, running noop rounds against N real dsfl-slave processes over
// mutual TLS on 127.0.0.1 (bench/federation.h).
//
// Prints, for one (P, N):
//   master_rss:    value = peak RSS in bytes, ratio = peak / model bytes,
//                  plus "target_bytes" = 2 x model + 64 MiB;
//   round_seconds: value = median of the master-reported seconds of rounds
//                  2..min(5, rounds), plus "wall_seconds" (median time
//                  between round lines, which includes the checkpoint
//                  write) and every round's figures.
//
// One federation per process: the ru_maxrss cross-check counts every
// child this process reaped.
//
// Usage: dsfl-bench-federation --params 10000000 --nodes 8 [--rounds 6]
//        [--chunk-bytes N] [--wire-format float32|bfloat16] [--bin-dir DIR]
//        [--work-parent DIR] [--keep]
#include <iostream>

#include "CLI/CLI.hpp"
#include "bench/bench_output.h"
#include "bench/federation.h"

int main(int argc, char** argv) {
  dsfl::bench::KeepRunningWithoutStdout();  // it runs slaves
  CLI::App app{"dsfl-bench-federation: master RSS and round seconds"};
  dsfl::bench::FederationOptions options;
  options.bin_dir = dsfl::ExecutableDir();
  app.add_option("--params", options.params, "noop model size (float32s)")
      ->required();
  app.add_option("--nodes", options.nodes, "dsfl-slave processes")->required();
  app.add_option("--rounds", options.rounds, "rounds (>= 2)");
  app.add_option("--chunk-bytes", options.chunk_bytes, "wire chunk size");
  app.add_option("--max-parallel", options.max_parallel,
                 "federation.max_parallel (0 = all)");
  app.add_option("--wire-format", options.wire_format, "federation.wire_format")
      ->check(CLI::IsMember({"float32", "bfloat16"}));
  app.add_option("--bin-dir", options.bin_dir, "where dsfl-master/-slave are");
  app.add_option("--work-parent", options.work_parent, "parent of work dir");
  app.add_flag("--keep", options.keep_work_dir, "keep the work directory");
  CLI11_PARSE(app, argc, argv);
  if (options.rounds < 2) {
    std::cerr << "--rounds must be >= 2\n";
    return 2;
  }

  auto federation = dsfl::bench::BenchFederation::Start(options);
  if (!federation.ok()) {
    std::cerr << "dsfl-bench-federation: " << federation.status() << "\n";
    return 1;
  }
  auto run = (*federation)->Run();
  if (!run.ok()) {
    std::cerr << "dsfl-bench-federation: " << run.status() << "\n";
    return 1;
  }
  const int64_t model_bytes = options.params * 4;
  const double target = 2.0 * static_cast<double>(model_bytes) + 64.0 * 1048576;
  dsfl::bench::EmitBenchLine({"master_rss",
                              options.params,
                              options.nodes,
                              static_cast<double>(run->master_peak_rss),
                              "bytes",
                              static_cast<double>(run->master_peak_rss) /
                                  static_cast<double>(model_bytes),
                              {{"target_bytes", target},
                               {"polled_vmhwm", run->master_polled_hwm},
                               {"ru_maxrss", run->master_maxrss},
                               {"slave_peak_rss", run->slave_peak_rss},
                               {"chunk_bytes", options.chunk_bytes},
                               {"wire_format", options.wire_format}}});

  std::vector<double> seconds, wall;
  nlohmann::json rounds = nlohmann::json::array();
  for (const auto& r : run->rounds) {
    rounds.push_back({{"round", r.round},
                      {"seconds", r.seconds},
                      {"wall_seconds", r.wall_seconds}});
    if (r.round >= 2 && r.round <= 5) {
      seconds.push_back(r.seconds);
      wall.push_back(r.wall_seconds);
    }
  }
  dsfl::bench::EmitBenchLine({"round_seconds",
                              options.params,
                              options.nodes,
                              dsfl::bench::Median(seconds),
                              "s",
                              std::nullopt,
                              {{"wall_seconds", dsfl::bench::Median(wall)},
                               {"job_seconds", run->job_seconds},
                               {"rounds", rounds},
                               {"chunk_bytes", options.chunk_bytes},
                               {"wire_format", options.wire_format}}});
  return dsfl::bench::StdoutFailed() ? 1 : 0;
}
