#include "common/metrics/daemon_health.h"

namespace dsfl::metrics {

DecisionCounter::DecisionCounter() { counter_.Preset({"admitted", ""}); }

void DecisionCounter::Record(bool admitted, const std::string& reason) {
  counter_.Add({admitted ? "admitted" : "refused",
                admitted ? "" : (reason.empty() ? "unknown" : reason)});
}

DaemonHealth::DaemonHealth(const Clock* clock) : clock_(clock) {
  reloads_.Preset({"ok"});
  reloads_.Preset({"failed"});
}

void DaemonHealth::RecordReload(bool ok, const std::string& error) {
  reloads_.Add({ok ? "ok" : "failed"});
  if (!ok) SetLastError("reload: " + error);
}

void DaemonHealth::SetLastError(const std::string& text) {
  last_error_.Set(text, clock_->Now());
}

void DaemonHealth::Render(PrometheusText* out, std::string_view reloads_name,
                          std::string_view reloads_help,
                          std::string_view last_error_prefix) const {
  reloads_.Render(out, reloads_name, reloads_help);
  last_error_.Render(out, last_error_prefix,
                     "The last error (1 when there was one).");
}

}  // namespace dsfl::metrics
