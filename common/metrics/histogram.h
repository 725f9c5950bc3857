// Histogram: a Prometheus histogram (cumulative buckets by upper bound, plus
// _sum and _count), optionally split by labels (e.g. training seconds per
// node). The +Inf bucket is implicit. With labels, only the combinations
// seen so far are rendered; without, the empty histogram is rendered too.
// Thread-safe.
#ifndef DSFL_COMMON_METRICS_HISTOGRAM_H_
#define DSFL_COMMON_METRICS_HISTOGRAM_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/metrics/prometheus_text.h"

namespace dsfl::metrics {

// `count` bounds start, start*factor, ... (for durations, sizes).
std::vector<double> ExponentialBuckets(double start, double factor, int count);

class Histogram {
 public:
  // `upper_bounds` are sorted and deduplicated.
  explicit Histogram(std::vector<double> upper_bounds,
                     std::vector<std::string> label_names = {});

  void Observe(double value) { Observe({}, value); }
  void Observe(std::vector<std::string> label_values, double value);

  struct Series {
    std::vector<uint64_t> buckets;  // per bound, not cumulative
    uint64_t count = 0;
    double sum = 0;
  };
  Series Get(std::vector<std::string> label_values = {}) const;
  const std::vector<double>& upper_bounds() const { return bounds_; }

  void Render(PrometheusText* out, std::string_view name,
              std::string_view help) const;

 private:
  std::vector<double> bounds_;
  std::vector<std::string> names_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, Series> series_;
};

}  // namespace dsfl::metrics

#endif  // DSFL_COMMON_METRICS_HISTOGRAM_H_
