// dsfl-slave: the hospital daemon. See docs/operations.md.
#include <csignal>
#include <iostream>
#include <optional>
#include <thread>

#include "CLI/CLI.hpp"
#include "common/grpc_logging.h"
#include "common/logging.h"
#include "common/signals.h"
#include "common/systemd/notify.h"
#include "common/systemd/watchdog.h"
#include "common/tls/grpc_process.h"
#include "slave/server/slave_config.h"
#include "slave/server/slave_server.h"
#include "spdlog/spdlog.h"

namespace {

constexpr char kProgram[] = "dsfl-slave";

void LogIfError(const dsfl::Status& status) {
  if (!status.ok()) spdlog::warn("systemd: {}", status.ToString());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dsfl-slave: trains federated models next to a hospital's data"};
  std::string config_path;
  bool validate = false;
  bool insecure = false;
  std::string log_format_flag;
  app.add_option("-c,--config", config_path, "JSON config file")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_flag("--validate-config", validate,
               "run the whole start-up path (config, TLS, data) and exit");
  app.add_flag("--insecure", insecure,
               "serve plaintext gRPC without TLS (testing only)");
  app.add_option("--log-format", log_format_flag,
                 "text (default) or json (one JSON object per line); "
                 "overrides the config's log_format")
      ->check(CLI::IsMember({"text", "json"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; every usage error exits 2.
    return app.exit(e) == 0 ? 0 : 2;
  }

  dsfl::BlockTerminationSignals();  // before any thread starts
  dsfl::RouteGrpcLogsToSpdlog();
  dsfl::tls::PrepareProcessForGrpc();  // before gRPC starts
  // The flag wins; otherwise the config's log_format once it is read.
  dsfl::LogFormat log_format = dsfl::LogFormat::kText;
  if (!log_format_flag.empty()) {
    log_format = *dsfl::ParseLogFormat(log_format_flag);  // checked above
    dsfl::SetLogFormat(log_format, kProgram);
  }
  auto config = dsfl::slave::LoadSlaveConfig(config_path);
  if (!config.ok()) {
    dsfl::ReportStartupError(
        log_format, kProgram,
        config_path + ": " + std::string(config.status().message()));
    return 2;
  }
  if (log_format_flag.empty()) {
    log_format = *dsfl::ParseLogFormat(config->log_format);  // validated
    dsfl::SetLogFormat(log_format, kProgram);
  }
  dsfl::slave::StartOptions options;
  options.insecure = insecure;
  options.validate_only = validate;
  auto server = dsfl::slave::SlaveServer::Start(*config, options);
  if (!server.ok()) {
    dsfl::ReportStartupError(log_format, kProgram,
                             std::string(server.status().message()));
    return 1;
  }
  if (validate) {
    std::cout << "dsfl-slave: " << config_path << " is valid\n";
    return 0;
  }
  // systemd (Type=notify): ready once the server is serving; watchdog
  // pings until shutdown. No-ops when not started by systemd.
  LogIfError(dsfl::systemd::NotifyReady(
      "serving node '" + config->identity.node_id + "' on port " +
      std::to_string((*server)->port())));
  auto watchdog = dsfl::systemd::Watchdog::StartForSystemd();
  // SIGHUP (systemctl reload dsfl-slave): reload the policy and the
  // credentials of the "dataspace" section; the TLS files and everything
  // else need a restart.
  int signal = dsfl::WaitForTerminationSignal([&] {
    LogIfError(dsfl::systemd::Notify("RELOADING=1\nSTATUS=reloading"));
    spdlog::info("SIGHUP: reloading {}", config_path);
    (void)(*server)->Reload();  // logs, audits and counts its outcome
    LogIfError(dsfl::systemd::NotifyReady(
        "serving node '" + config->identity.node_id + "' on port " +
        std::to_string((*server)->port())));
  });
  spdlog::info("received signal {}, shutting down", signal);
  LogIfError(dsfl::systemd::NotifyStopping("shutting down"));
  (*server)->Shutdown();
  (*server)->Wait();
  watchdog.reset();  // stops and joins the thread
  spdlog::info("stopped");
  return 0;
}
