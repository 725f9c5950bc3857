// dsfl-bench-check: reads benchmark output on stdin and fails (exit 1,
// naming the line) unless every line parses as a benchmark record
// (bench_output.h) and every name given with --require appears. Used by
// scripts/bench.sh; prints a one-line summary to stderr.
//
// Usage: ... | dsfl-bench-check [--require aggregate,master_rss,...]
#include <iostream>
#include <set>
#include <string>

#include "CLI/CLI.hpp"
#include "bench/bench_output.h"

int main(int argc, char** argv) {
  CLI::App app{"dsfl-bench-check: validates benchmark JSON lines"};
  std::vector<std::string> required;
  app.add_option("--require", required, "bench names that must appear")
      ->delimiter(',');
  CLI11_PARSE(app, argc, argv);
  std::set<std::string> seen;
  std::string line;
  int count = 0;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    auto record = dsfl::bench::ParseBenchLine(line);
    if (!record.ok()) {
      std::cerr << "dsfl-bench-check: " << record.status().message() << "\n";
      return 1;
    }
    seen.insert(record->bench);
    ++count;
  }
  for (const std::string& name : required) {
    if (seen.count(name) == 0) {
      std::cerr << "dsfl-bench-check: no '" << name << "' line\n";
      return 1;
    }
  }
  std::cerr << "dsfl-bench-check: " << count << " lines parse\n";
  return 0;
}
