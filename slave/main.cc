// dsfl-slave: the hospital daemon. See docs/operations.md.
#include <csignal>
#include <iostream>
#include <thread>

#include "CLI/CLI.hpp"
#include "common/signals.h"
#include "common/systemd/notify.h"
#include "common/systemd/watchdog.h"
#include "slave/server/slave_config.h"
#include "slave/server/slave_server.h"
#include "spdlog/spdlog.h"

namespace {

void LogIfError(const dsfl::Status& status) {
  if (!status.ok()) spdlog::warn("systemd: {}", status.ToString());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dsfl-slave: trains federated models next to a hospital's data"};
  std::string config_path;
  bool validate = false;
  bool insecure = false;
  app.add_option("-c,--config", config_path, "JSON config file")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_flag("--validate-config", validate,
               "run the whole start-up path (config, TLS, data) and exit");
  app.add_flag("--insecure", insecure,
               "serve plaintext gRPC without TLS (testing only)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; every usage error exits 2.
    return app.exit(e) == 0 ? 0 : 2;
  }

  dsfl::BlockTerminationSignals();  // before any thread starts
  auto config = dsfl::slave::LoadSlaveConfig(config_path);
  if (!config.ok()) {
    std::cerr << "dsfl-slave: " << config_path << ": "
              << config.status().message() << "\n";
    return 2;
  }
  dsfl::slave::StartOptions options;
  options.insecure = insecure;
  options.validate_only = validate;
  auto server = dsfl::slave::SlaveServer::Start(*config, options);
  if (!server.ok()) {
    std::cerr << "dsfl-slave: " << server.status().message() << "\n";
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
  int signal = dsfl::WaitForTerminationSignal();
  spdlog::info("received signal {}, shutting down", signal);
  LogIfError(dsfl::systemd::NotifyStopping("shutting down"));
  (*server)->Shutdown();
  (*server)->Wait();
  watchdog.reset();  // stops and joins the thread
  spdlog::info("stopped");
  return 0;
}
