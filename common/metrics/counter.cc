#include "common/metrics/counter.h"

namespace dsfl::metrics {

Counter::Counter(std::vector<std::string> label_names)
    : names_(std::move(label_names)) {}

std::vector<std::string> Counter::Normalize(
    std::vector<std::string> values) const {
  values.resize(names_.size());
  return values;
}

void Counter::Add(std::vector<std::string> label_values, double amount) {
  if (!(amount >= 0)) return;  // also NaN
  std::vector<std::string> key = Normalize(std::move(label_values));
  std::lock_guard<std::mutex> lock(mu_);
  values_[std::move(key)] += amount;
}

double Counter::Value(std::vector<std::string> label_values) const {
  std::vector<std::string> key = Normalize(std::move(label_values));
  std::lock_guard<std::mutex> lock(mu_);
  auto it = values_.find(key);
  return it == values_.end() ? 0 : it->second;
}

void Counter::Render(PrometheusText* out, std::string_view name,
                     std::string_view help) const {
  out->Family(name, "counter", help);
  std::lock_guard<std::mutex> lock(mu_);
  if (names_.empty()) {
    auto it = values_.find({});
    out->Sample(name, it == values_.end() ? 0 : it->second);
    return;
  }
  for (const auto& [values, value] : values_) {
    Labels labels;
    for (size_t i = 0; i < names_.size(); ++i) {
      labels.emplace_back(names_[i], values[i]);
    }
    out->Sample(name, labels, value);
  }
}

}  // namespace dsfl::metrics
