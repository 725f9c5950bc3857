// Watchdog: a thread that sends systemd watchdog pings (WATCHDOG=1) while
// the daemon is healthy, so that systemd restarts a daemon that hangs.
//
// Every `period` the thread asks `healthy` (when given); if it answers true
// it calls `ping`. An unhealthy daemon is not pinged, so systemd kills and
// restarts it after WatchdogSec=. A failing ping is logged (once until a
// ping succeeds again) and never stops the thread.
//
// StartForSystemd() reads WatchdogSec= from the environment (WATCHDOG_USEC
// for this PID) and pings at half of it, as sd_watchdog_enabled(3)
// recommends; it returns nullptr when the watchdog is off.
//
// Stop() wakes the thread at once (no waiting for the period to elapse),
// joins it, and is idempotent; the destructor calls it. `ping` and
// `healthy` run on the watchdog thread and must be thread-safe. Start it
// after dsfl::BlockTerminationSignals() so it inherits the blocked mask.
#ifndef DSFL_COMMON_SYSTEMD_WATCHDOG_H_
#define DSFL_COMMON_SYSTEMD_WATCHDOG_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "absl/time/time.h"
#include "common/status.h"

namespace dsfl::systemd {

class Watchdog {
 public:
  using PingFn = std::function<Status()>;
  using HealthFn = std::function<bool()>;

  // Starts the thread. `period` must be positive; `healthy` may be null
  // (always healthy). The first ping is sent at once.
  Watchdog(absl::Duration period, PingFn ping, HealthFn healthy = nullptr);
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // A watchdog pinging systemd (NotifyWatchdog) at half of WatchdogSec=,
  // or nullptr when systemd's watchdog is off for this process.
  static std::unique_ptr<Watchdog> StartForSystemd(HealthFn healthy = nullptr);

  void Stop();

  absl::Duration period() const { return period_; }
  // Successful pings so far.
  int64_t pings() const;

 private:
  void Run();

  const absl::Duration period_;
  const PingFn ping_;
  const HealthFn healthy_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  int64_t pings_ = 0;
  std::thread thread_;
};

}  // namespace dsfl::systemd

#endif  // DSFL_COMMON_SYSTEMD_WATCHDOG_H_
