#include "common/systemd/notify.h"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace dsfl::systemd {
namespace {

// Keeps STATUS= on one line: systemd splits assignments at newlines.
std::string OneLine(const std::string& text) {
  std::string line = text;
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return line;
}

std::string WithStatus(const char* assignment, const std::string& status) {
  if (status.empty()) return assignment;
  return absl::StrCat(assignment, "\nSTATUS=", OneLine(status));
}

}  // namespace

bool NotifyEnabled() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  return socket != nullptr && socket[0] != '\0';
}

Status Notify(const std::string& state) {
  if (!NotifyEnabled()) return absl::OkStatus();
  const int result = sd_notify(/*unset_environment=*/0, state.c_str());
  if (result < 0) {
    return absl::UnavailableError(absl::StrCat(
        "sd_notify(", OneLine(state), ") to NOTIFY_SOCKET=",
        std::getenv("NOTIFY_SOCKET"), " failed: ", std::strerror(-result)));
  }
  return absl::OkStatus();
}

Status NotifyReady(const std::string& status) {
  return Notify(WithStatus("READY=1", status));
}

Status NotifyStopping(const std::string& status) {
  return Notify(WithStatus("STOPPING=1", status));
}

Status NotifyStatus(const std::string& status) {
  return Notify(absl::StrCat("STATUS=", OneLine(status)));
}

Status NotifyWatchdog() { return Notify("WATCHDOG=1"); }

absl::Duration WatchdogTimeout() {
  uint64_t usec = 0;
  // > 0: enabled for this process; 0: off or meant for another PID.
  if (sd_watchdog_enabled(/*unset_environment=*/0, &usec) <= 0 || usec == 0) {
    return absl::ZeroDuration();
  }
  return absl::Microseconds(static_cast<int64_t>(usec));
}

}  // namespace dsfl::systemd
