// Metrics every dsfl daemon keeps beside its own, shared so each daemon's
// metrics class only declares what is specific to it:
//
//   DecisionCounter: a counter labelled {decision, reason} for admission
//     decisions: "admitted" (reason "") or "refused" with the reason's name
//     ("unknown" when none was given). The admitted series is preset.
//   DaemonHealth: SIGHUP reloads by result (ok|failed, both preset) and the
//     last error (LastError, stamped by the injected clock); a failed reload
//     also becomes the last error, as "reload: <error>".
//
// Rendering takes the family names from the caller (each daemon keeps its
// own metric names). Thread-safe.
#ifndef DSFL_COMMON_METRICS_DAEMON_HEALTH_H_
#define DSFL_COMMON_METRICS_DAEMON_HEALTH_H_

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/metrics/counter.h"
#include "common/metrics/last_error.h"
#include "common/metrics/prometheus_text.h"

namespace dsfl::metrics {

class DecisionCounter {
 public:
  DecisionCounter();

  void Record(bool admitted, const std::string& reason);
  double Value(const std::string& decision, const std::string& reason) const {
    return counter_.Value({decision, reason});
  }
  void Render(PrometheusText* out, std::string_view name,
              std::string_view help) const {
    counter_.Render(out, name, help);
  }

 private:
  Counter counter_{{"decision", "reason"}};
};

class DaemonHealth {
 public:
  // `clock` (not owned) stamps the last error; it must outlive this.
  explicit DaemonHealth(const Clock* clock);

  void RecordReload(bool ok, const std::string& error);
  void SetLastError(const std::string& text);
  const LastError& last_error() const { return last_error_; }

  // `<reloads_name>` (counter) and `<last_error_prefix>_info` /
  // `_timestamp_seconds` (gauges).
  void Render(PrometheusText* out, std::string_view reloads_name,
              std::string_view reloads_help,
              std::string_view last_error_prefix) const;

 private:
  const Clock* clock_;
  Counter reloads_{{"result"}};
  LastError last_error_;
};

}  // namespace dsfl::metrics

#endif  // DSFL_COMMON_METRICS_DAEMON_HEALTH_H_
