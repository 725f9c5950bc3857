// PrometheusText: builds a /metrics page in the Prometheus text exposition
// format, version 0.0.4 (https://prometheus.io/docs/instrumenting/
// exposition_formats/): per family a "# HELP" and a "# TYPE" line, then its
// samples, `name{label="value",...} value`.
//
// Label values are escaped as the format requires (backslash, double
// quote, newline); help texts escape backslash and newline. Values are
// printed exactly: integers without exponent, other numbers in their
// shortest round-trip form, and +Inf, -Inf, NaN. Metric and label names are
// the caller's constants and are not checked.
//
// Thread-compatibility: one builder per scrape.
#ifndef DSFL_COMMON_METRICS_PROMETHEUS_TEXT_H_
#define DSFL_COMMON_METRICS_PROMETHEUS_TEXT_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dsfl::metrics {

// The Content-Type of a page in this format.
inline constexpr char kPrometheusContentType[] =
    "text/plain; version=0.0.4; charset=utf-8";

using Labels = std::vector<std::pair<std::string, std::string>>;

std::string FormatValue(double value);
std::string EscapeLabelValue(std::string_view value);

class PrometheusText {
 public:
  // `type`: "counter", "gauge" or "histogram".
  void Family(std::string_view name, std::string_view type,
              std::string_view help);
  void Sample(std::string_view name, const Labels& labels, double value);
  void Sample(std::string_view name, double value) { Sample(name, {}, value); }

  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

}  // namespace dsfl::metrics

#endif  // DSFL_COMMON_METRICS_PROMETHEUS_TEXT_H_
