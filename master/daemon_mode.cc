#include "master/daemon_mode.h"

#include <iostream>

#include "common/grpc_logging.h"
#include "common/logging.h"
#include "common/signals.h"
#include "common/systemd/notify.h"
#include "common/systemd/watchdog.h"
#include "common/tls/grpc_process.h"
#include "common/tls/tls_policy.h"
#include "master/daemon/master_daemon.h"
#include "master/transport/connect_nodes.h"
#include "spdlog/spdlog.h"

namespace dsfl::master {
namespace {

constexpr char kProgram[] = "dsfl-master";

}  // namespace

int RunMasterDaemon(const std::string& config_path, bool validate_only,
                    const std::string& log_format_flag) {
  BlockTerminationSignals();  // before any thread starts
  RouteGrpcLogsToSpdlog();
  tls::PrepareProcessForGrpc();  // before gRPC starts
  // The flag wins; otherwise the config's log_format once it is read.
  LogFormat log_format = LogFormat::kText;
  if (!log_format_flag.empty()) {
    auto parsed = ParseLogFormat(log_format_flag);
    if (!parsed.ok()) {
      std::cerr << kProgram << ": --log-format: " << parsed.status().message()
                << "\n";
      return 2;
    }
    log_format = *parsed;
    SetLogFormat(log_format, kProgram);
  }
  auto config = LoadMasterDaemonConfig(config_path);
  if (!config.ok()) {
    ReportStartupError(log_format, kProgram,
                       config_path + ": " +
                           std::string(config.status().message()));
    return 2;
  }
  if (log_format_flag.empty()) {
    log_format = *ParseLogFormat(config->log_format);  // validated
    SetLogFormat(log_format, kProgram);
  }
  Status tls = tls::RequireTls13ProcessWide();
  if (!tls.ok()) {
    ReportStartupError(log_format, kProgram, std::string(tls.message()));
    return 1;
  }
  auto daemon = MasterDaemon::Start(*config, ConnectGrpcNodes, validate_only);
  if (!daemon.ok()) {
    ReportStartupError(log_format, kProgram,
                       std::string(daemon.status().message()));
    return 1;
  }
  if (validate_only) {
    std::cout << kProgram << ": " << config_path << " is valid\n";
    return 0;
  }
  (void)systemd::NotifyReady("serving the admin API");
  auto watchdog = systemd::Watchdog::StartForSystemd();
  // SIGHUP (systemctl reload dsfl-master): new TLS files for new jobs.
  int signal = WaitForTerminationSignal([&] {
    (void)systemd::Notify("RELOADING=1\nSTATUS=reloading the TLS files");
    (void)(*daemon)->Reload();  // logs and counts its outcome
    (void)systemd::NotifyReady("serving the admin API");
  });
  spdlog::info("received signal {}, shutting down", signal);
  (void)systemd::NotifyStopping("interrupting running jobs");
  (*daemon)->Shutdown();
  watchdog.reset();
  spdlog::info("stopped");
  return 0;
}

}  // namespace dsfl::master
