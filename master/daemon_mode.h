// `dsfl-master --config master.json`: runs the master as a persistent daemon
// (MasterDaemon) until SIGTERM/SIGINT, with systemd readiness and watchdog
// notifications; SIGHUP reloads the TLS files new jobs use
// (MasterDaemon::Reload). `log_format` is the --log-format flag ("" = the
// config's log_format). Returns the process exit code: 0 after a clean stop
// (or a valid config with `validate_only`), 1 when start-up fails, 2 for an
// invalid config.
#ifndef DSFL_MASTER_DAEMON_MODE_H_
#define DSFL_MASTER_DAEMON_MODE_H_

#include <string>

namespace dsfl::master {

int RunMasterDaemon(const std::string& config_path, bool validate_only,
                    const std::string& log_format = "");

}  // namespace dsfl::master

#endif  // DSFL_MASTER_DAEMON_MODE_H_
