// Counter: a Prometheus counter, optionally split by labels (e.g. RPCs by
// method and code). Values only grow; a negative amount is ignored.
// Without labels the single series is always rendered (0 before the first
// Add); with labels, every combination seen so far (or preset), sorted.
// Thread-safe.
#ifndef DSFL_COMMON_METRICS_COUNTER_H_
#define DSFL_COMMON_METRICS_COUNTER_H_

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/metrics/prometheus_text.h"

namespace dsfl::metrics {

class Counter {
 public:
  explicit Counter(std::vector<std::string> label_names = {});

  void Add(double amount = 1) { Add({}, amount); }
  // `label_values` in the order of the label names (missing ones are "").
  void Add(std::vector<std::string> label_values, double amount = 1);
  // Makes the series exist with 0 (so a rate over it is defined early).
  void Preset(std::vector<std::string> label_values) { Add(label_values, 0); }
  double Value(std::vector<std::string> label_values = {}) const;

  void Render(PrometheusText* out, std::string_view name,
              std::string_view help) const;

 private:
  std::vector<std::string> Normalize(std::vector<std::string> values) const;

  std::vector<std::string> names_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, double> values_;
};

}  // namespace dsfl::metrics

#endif  // DSFL_COMMON_METRICS_COUNTER_H_
