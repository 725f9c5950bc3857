#include "common/systemd/watchdog.h"

#include <chrono>
#include <utility>

#include "common/systemd/notify.h"
#include "spdlog/spdlog.h"

namespace dsfl::systemd {

Watchdog::Watchdog(absl::Duration period, PingFn ping, HealthFn healthy)
    : period_(period > absl::ZeroDuration() ? period : absl::Seconds(1)),
      ping_(std::move(ping)),
      healthy_(std::move(healthy)) {
  thread_ = std::thread([this] { Run(); });
}

Watchdog::~Watchdog() { Stop(); }

std::unique_ptr<Watchdog> Watchdog::StartForSystemd(HealthFn healthy) {
  const absl::Duration timeout = WatchdogTimeout();
  if (timeout <= absl::ZeroDuration()) return nullptr;
  // Debug only: dsfl-master --json keeps stdout for JSON lines.
  spdlog::debug("systemd watchdog: timeout {}, pinging every {}",
                absl::FormatDuration(timeout),
                absl::FormatDuration(timeout / 2));
  return std::make_unique<Watchdog>(timeout / 2, NotifyWatchdog,
                                    std::move(healthy));
}

void Watchdog::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) {
    thread_.join();
  }
}

int64_t Watchdog::pings() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pings_;
}

void Watchdog::Run() {
  const auto period = absl::ToChronoNanoseconds(period_);
  bool failing = false;    // log a failing ping once, not every period
  bool unhealthy = false;  // likewise for an unhealthy daemon
  auto next = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    const bool healthy = !healthy_ || healthy_();
    Status status = absl::OkStatus();
    if (healthy) status = ping_();
    lock.lock();
    if (!healthy) {
      if (!unhealthy) spdlog::warn("watchdog: unhealthy, not pinging systemd");
      unhealthy = true;
    } else {
      unhealthy = false;
      if (status.ok()) {
        ++pings_;
        failing = false;
      } else if (!failing) {
        spdlog::warn("watchdog: {}", status.ToString());
        failing = true;
      }
    }
    // Fixed-rate schedule; after a stall, ping at once and resynchronise.
    next += period;
    const auto now = std::chrono::steady_clock::now();
    if (next < now) next = now;
    wake_.wait_until(lock, next, [this] { return stop_; });
  }
}

}  // namespace dsfl::systemd
