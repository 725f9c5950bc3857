// LastError: the last error a daemon met, for /metrics as two gauges:
//   <prefix>_info{error="<text>"} 1      (0 and error="" before any)
//   <prefix>_timestamp_seconds <unix time of that error>  (0 before any)
// The text is cut to 300 bytes (it is a label value), never at a UTF-8
// continuation byte. Thread-safe.
#ifndef DSFL_COMMON_METRICS_LAST_ERROR_H_
#define DSFL_COMMON_METRICS_LAST_ERROR_H_

#include <mutex>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "common/metrics/prometheus_text.h"

namespace dsfl::metrics {

class LastError {
 public:
  static constexpr size_t kMaxBytes = 300;

  void Set(std::string_view text, absl::Time when);
  std::string text() const;
  absl::Time time() const;

  void Render(PrometheusText* out, std::string_view prefix,
              std::string_view help) const;

 private:
  mutable std::mutex mu_;
  std::string text_;
  absl::Time time_ = absl::UnixEpoch();
  bool set_ = false;
};

}  // namespace dsfl::metrics

#endif  // DSFL_COMMON_METRICS_LAST_ERROR_H_
