// sd_notify for dsfl's daemons: tells systemd (Type=notify units) that the
// service is ready, is stopping, or is alive (watchdog), through libsystemd.
//
// Every function is a no-op returning OK when the process was not started
// by systemd (NOTIFY_SOCKET unset), so the daemons call them
// unconditionally. A send that fails (socket gone, bad address) returns an
// Unavailable status naming the errno; callers log it and carry on: a lost
// notification must never stop a daemon.
//
// The environment is left as it is (sd_notify's unset_environment = 0), so
// later notifications and the watchdog keep working. Thread-safe: each
// call opens, sends one datagram and closes.
#ifndef DSFL_COMMON_SYSTEMD_NOTIFY_H_
#define DSFL_COMMON_SYSTEMD_NOTIFY_H_

#include <string>

#include "absl/time/time.h"
#include "common/status.h"

namespace dsfl::systemd {

// True when NOTIFY_SOCKET is set (started by systemd as Type=notify).
bool NotifyEnabled();

// Sends `state`: newline-separated assignments such as "READY=1\nSTATUS=x".
Status Notify(const std::string& state);

// READY=1 (plus STATUS=<status> when non-empty): the service is serving.
Status NotifyReady(const std::string& status = "");
// STOPPING=1 (plus STATUS=<status>): shutdown has begun.
Status NotifyStopping(const std::string& status = "");
// STATUS=<status>: a one-line status for `systemctl status`.
Status NotifyStatus(const std::string& status);
// WATCHDOG=1: the service is alive.
Status NotifyWatchdog();

// The watchdog timeout systemd enforces for this process (WatchdogSec=, via
// WATCHDOG_USEC and WATCHDOG_PID), or absl::ZeroDuration() when off.
absl::Duration WatchdogTimeout();

}  // namespace dsfl::systemd

#endif  // DSFL_COMMON_SYSTEMD_NOTIFY_H_
