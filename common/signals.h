// Termination signals for daemons: block SIGTERM and SIGINT in every
// thread (call before starting any), then wait for one synchronously on the
// main thread, which then shuts the daemon down in order. No async signal
// handlers, so shutdown code may lock and allocate freely.
#ifndef DSFL_COMMON_SIGNALS_H_
#define DSFL_COMMON_SIGNALS_H_

namespace dsfl {

void BlockTerminationSignals();
// Returns the signal number received (SIGTERM or SIGINT).
int WaitForTerminationSignal();

}  // namespace dsfl

#endif  // DSFL_COMMON_SIGNALS_H_
