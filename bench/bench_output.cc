#include "bench/bench_output.h"

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>

#include "absl/strings/str_cat.h"

namespace dsfl::bench {

std::string FormatBenchLine(const BenchRecord& record) {
  nlohmann::ordered_json j;
  j["bench"] = record.bench;
  j["params"] = record.params;
  j["nodes"] = record.nodes;
  j["value"] = record.value;
  j["unit"] = record.unit;
  if (record.ratio) j["ratio"] = *record.ratio;
  for (const auto& [key, value] : record.extra.items()) j[key] = value;
  return j.dump();
}

namespace {
std::atomic<bool> stdout_failed{false};
}  // namespace

void EmitBenchLine(const BenchRecord& record) {
  if (std::printf("%s\n", FormatBenchLine(record).c_str()) < 0 ||
      std::fflush(stdout) != 0) {
    stdout_failed = true;
  }
}

void KeepRunningWithoutStdout() { std::signal(SIGPIPE, SIG_IGN); }

bool StdoutFailed() { return stdout_failed; }

StatusOr<BenchRecord> ParseBenchLine(const std::string& line) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a JSON object: ", line));
  }
  auto missing = [&](const char* key, const char* type) {
    return absl::InvalidArgumentError(
        absl::StrCat("key '", key, "' missing or not ", type, " in ", line));
  };
  BenchRecord r;
  if (!j.contains("bench") || !j["bench"].is_string()) {
    return missing("bench", "a string");
  }
  if (!j.contains("unit") || !j["unit"].is_string()) {
    return missing("unit", "a string");
  }
  for (const char* key : {"params", "nodes"}) {
    if (!j.contains(key) || !j[key].is_number_integer() ||
        j[key].get<int64_t>() < 0) {
      return missing(key, "an integer >= 0");
    }
  }
  if (!j.contains("value") || !j["value"].is_number() ||
      !std::isfinite(j["value"].get<double>())) {
    return missing("value", "a finite number");
  }
  if (j.contains("ratio") &&
      (!j["ratio"].is_number() || !std::isfinite(j["ratio"].get<double>()))) {
    return missing("ratio", "a finite number");
  }
  r.bench = j["bench"].get<std::string>();
  r.unit = j["unit"].get<std::string>();
  r.params = j["params"].get<int64_t>();
  r.nodes = j["nodes"].get<int64_t>();
  r.value = j["value"].get<double>();
  if (j.contains("ratio")) r.ratio = j["ratio"].get<double>();
  for (const auto& [key, value] : j.items()) {
    if (key != "bench" && key != "unit" && key != "params" && key != "nodes" &&
        key != "value" && key != "ratio") {
      r.extra[key] = value;
    }
  }
  if (r.bench.empty()) return missing("bench", "a non-empty string");
  return r;
}

}  // namespace dsfl::bench
