#include "master/daemon_mode.h"

#include <iostream>

#include "common/signals.h"
#include "common/systemd/notify.h"
#include "common/systemd/watchdog.h"
#include "common/tls/tls_policy.h"
#include "master/daemon/master_daemon.h"
#include "master/transport/connect_nodes.h"
#include "spdlog/spdlog.h"

namespace dsfl::master {

int RunMasterDaemon(const std::string& config_path, bool validate_only) {
  BlockTerminationSignals();  // before any thread starts
  auto config = LoadMasterDaemonConfig(config_path);
  if (!config.ok()) {
    std::cerr << "dsfl-master: " << config_path << ": "
              << config.status().message() << "\n";
    return 2;
  }
  Status tls = tls::RequireTls13ProcessWide();
  if (!tls.ok()) {
    std::cerr << "dsfl-master: " << tls.message() << "\n";
    return 1;
  }
  auto daemon = MasterDaemon::Start(*config, ConnectGrpcNodes, validate_only);
  if (!daemon.ok()) {
    std::cerr << "dsfl-master: " << daemon.status().message() << "\n";
    return 1;
  }
  if (validate_only) {
    std::cout << "dsfl-master: " << config_path << " is valid\n";
    return 0;
  }
  (void)systemd::NotifyReady("serving the admin API");
  auto watchdog = systemd::Watchdog::StartForSystemd();
  int signal = WaitForTerminationSignal();
  spdlog::info("received signal {}, shutting down", signal);
  (void)systemd::NotifyStopping("interrupting running jobs");
  (*daemon)->Shutdown();
  watchdog.reset();
  spdlog::info("stopped");
  return 0;
}

}  // namespace dsfl::master
