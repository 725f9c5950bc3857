#include "common/metrics/last_error.h"

namespace dsfl::metrics {

void LastError::Set(std::string_view text, absl::Time when) {
  if (text.size() > kMaxBytes) {
    size_t cut = kMaxBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
      --cut;  // do not split a UTF-8 sequence
    }
    text = text.substr(0, cut);
  }
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
