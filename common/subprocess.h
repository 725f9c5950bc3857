// Subprocess: starts and stops child processes (the demo's slaves and
// master, the end-to-end tests' real binaries).
//
// Spawn() uses posix_spawn; stdout and stderr go to `log_path` (appended)
// or are inherited when it is empty. The child gets its own process group
// only if requested. Signal() sends a signal; Wait() reaps the child and
// returns its exit status (128 + signal number when killed). The destructor
// kills (SIGKILL) and reaps a child that is still running, so a failing test
// never leaks processes. Thread-compatibility: one owner.
#ifndef DSFL_COMMON_SUBPROCESS_H_
#define DSFL_COMMON_SUBPROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/status.h"

namespace dsfl {

class Subprocess {
 public:
  static StatusOr<std::unique_ptr<Subprocess>> Spawn(
      const std::vector<std::string>& argv, const std::string& log_path = "");
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  Status Signal(int signal);
  // Blocks until the child exits.
  int Wait();
  // Sends SIGTERM, waits up to `grace`, then SIGKILL. Returns the status.
  int Stop(absl::Duration grace);

 private:
  explicit Subprocess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  bool reaped_ = false;
  int exit_status_ = -1;
};

// Directory holding the running executable (for finding sibling binaries).
std::string ExecutableDir();

// Polls (every 20 ms) until `path` exists and is non-empty, or `timeout`
// passes; returns its contents without surrounding white space. For reading port files of started daemons.
StatusOr<std::string> WaitForFile(const std::string& path,
                                  absl::Duration timeout,
                                  Subprocess* must_stay_alive = nullptr);

}  // namespace dsfl

#endif  // DSFL_COMMON_SUBPROCESS_H_
