#include "common/metrics/last_error.h"

#include "common/utf8.h"

namespace dsfl::metrics {

void LastError::Set(std::string_view text, absl::Time when) {
  text = Utf8Prefix(text, kMaxBytes);
  std::lock_guard<std::mutex> lock(mu_);
  text_ = std::string(text);
  time_ = when;
  set_ = true;
}

std::string LastError::text() const {
  std::lock_guard<std::mutex> lock(mu_);
  return text_;
}

absl::Time LastError::time() const {
  std::lock_guard<std::mutex> lock(mu_);
  return time_;
}

void LastError::Render(PrometheusText* out, std::string_view prefix,
                       std::string_view help) const {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string info = std::string(prefix) + "_info";
  out->Family(info, "gauge", help);
  out->Sample(info, {{"error", text_}}, set_ ? 1 : 0);
  const std::string timestamp = std::string(prefix) + "_timestamp_seconds";
  out->Family(timestamp, "gauge",
              "Unix time of the last error (0 before any).");
  out->Sample(timestamp,
              set_ ? static_cast<double>(absl::ToUnixMillis(time_)) / 1000 : 0);
}

}  // namespace dsfl::metrics
