#include "common/metrics/histogram.h"

#include <algorithm>

namespace dsfl::metrics {

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  std::vector<double> bounds;
  double bound = start;
  for (int i = 0; i < count; ++i, bound *= factor) bounds.push_back(bound);
  return bounds;
}

Histogram::Histogram(std::vector<double> upper_bounds,
                     std::vector<std::string> label_names)
    : bounds_(std::move(upper_bounds)), names_(std::move(label_names)) {
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
}

void Histogram::Observe(std::vector<std::string> label_values, double value) {
  label_values.resize(names_.size());
  // The first bucket whose bound is >= value (le = "less or equal").
  const size_t bucket =
      std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  std::lock_guard<std::mutex> lock(mu_);
  Series& series = series_[std::move(label_values)];
  if (series.buckets.empty()) series.buckets.assign(bounds_.size(), 0);
  if (bucket < bounds_.size()) ++series.buckets[bucket];
  ++series.count;
  series.sum += value;
}

Histogram::Series Histogram::Get(std::vector<std::string> label_values) const {
  label_values.resize(names_.size());
  std::lock_guard<std::mutex> lock(mu_);
  auto it = series_.find(label_values);
  if (it != series_.end()) return it->second;
  Series empty;
  empty.buckets.assign(bounds_.size(), 0);
  return empty;
}

void Histogram::Render(PrometheusText* out, std::string_view name,
                       std::string_view help) const {
  out->Family(name, "histogram", help);
  std::map<std::vector<std::string>, Series> series;
  {
    std::lock_guard<std::mutex> lock(mu_);
    series = series_;
  }
  if (names_.empty() && series.empty()) {
    series[{}].buckets.assign(bounds_.size(), 0);
  }
  const std::string bucket_name = std::string(name) + "_bucket";
  for (const auto& [values, s] : series) {
    Labels labels;
    for (size_t i = 0; i < names_.size(); ++i) {
      labels.emplace_back(names_[i], values[i]);
    }
    uint64_t cumulative = 0;
    for (size_t b = 0; b < bounds_.size(); ++b) {
      cumulative += s.buckets[b];
      Labels with_le = labels;
      with_le.emplace_back("le", FormatValue(bounds_[b]));
      out->Sample(bucket_name, with_le, static_cast<double>(cumulative));
    }
    Labels inf = labels;
    inf.emplace_back("le", "+Inf");
    out->Sample(bucket_name, inf, static_cast<double>(s.count));
    out->Sample(std::string(name) + "_sum", labels, s.sum);
    out->Sample(std::string(name) + "_count", labels,
                static_cast<double>(s.count));
  }
}

}  // namespace dsfl::metrics
