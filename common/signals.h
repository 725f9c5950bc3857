// Signals for daemons, handled synchronously: block SIGTERM, SIGINT and
// SIGHUP in every thread (call BlockTerminationSignals() before starting
// any thread, which inherit the mask), then wait for them on the main
// thread. No async signal handlers, so shutdown and reload code may lock
// and allocate freely, and no thread can die of a SIGHUP (its default
// action is to terminate the process).
//
// A daemon's main thread:
//
//   BlockTerminationSignals();               // first thing in main()
//   ... start the daemon ...
//   int signal = WaitForTerminationSignal([&] { daemon->Reload(); });
//   ... shut down in order ...
//
// SIGHUP means "reload" (systemd's ExecReload sends it): the callback runs
// on the waiting thread, one reload at a time, and must log its outcome.
// SIGTERM and SIGINT mean "stop".
//
// Threading: call the Wait functions from one thread only (the main one).
#ifndef DSFL_COMMON_SIGNALS_H_
#define DSFL_COMMON_SIGNALS_H_

#include <functional>

namespace dsfl {

enum class DaemonSignal { kTerminate, kReload };

// Blocks SIGTERM, SIGINT and SIGHUP in the calling thread.
void BlockTerminationSignals();

// Waits for the next SIGTERM or SIGINT (kTerminate) or SIGHUP (kReload);
// `number`, when not null, receives the signal's number.
DaemonSignal WaitForSignal(int* number = nullptr);

// Waits until SIGTERM or SIGINT and returns its number. A SIGHUP meanwhile
// calls `on_reload` (when set) and the wait goes on; without `on_reload`
// a SIGHUP is ignored.
int WaitForTerminationSignal(const std::function<void()>& on_reload = {});

}  // namespace dsfl

#endif  // DSFL_COMMON_SIGNALS_H_
