#include "common/signals.h"

#include <pthread.h>
#include <signal.h>

namespace dsfl {
namespace {

sigset_t DaemonSignalSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void BlockTerminationSignals() {
  sigset_t set = DaemonSignalSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

DaemonSignal WaitForSignal(int* number) {
  sigset_t set = DaemonSignalSet();
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  if (number != nullptr) *number = signal;
  return signal == SIGHUP ? DaemonSignal::kReload : DaemonSignal::kTerminate;
}

int WaitForTerminationSignal(const std::function<void()>& on_reload) {
  for (;;) {
    int number = 0;
    if (WaitForSignal(&number) == DaemonSignal::kTerminate) return number;
    if (on_reload) on_reload();
  }
}

}  // namespace dsfl

