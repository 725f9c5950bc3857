// dsfl-master: runs one federated job against the slaves its spec lists
// (--job), or the persistent daemon with its job store and admin API
// (--config, master/daemon_mode.h). Both on the same JobRunner.
#include <cstdio>
#include <iostream>
#include <thread>

#include "CLI/CLI.hpp"
#include "common/grpc_logging.h"
#include "common/logging.h"
#include "common/signals.h"
#include "common/systemd/notify.h"
#include "common/systemd/watchdog.h"
#include "common/tls/grpc_process.h"
#include "master/console_progress.h"
#include "master/core/job_spec.h"
#include "master/daemon_mode.h"
#include "master/transport/run_job.h"

namespace {

void LogIfError(const dsfl::Status& status) {
  if (!status.ok()) std::cerr << "dsfl-master: systemd: " << status << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dsfl-master: runs federated training jobs"};
  std::string job_path;
  bool json = false;
  bool validate = false;
  std::string config_path;
  auto* job = app.add_option("-j,--job", job_path,
                             "run this job spec (JSON) and exit")
                  ->check(CLI::ExistingFile);
  auto* config = app.add_option("-c,--config", config_path,
                                "run as a daemon with this config (JSON): "
                                "job store and admin API")
                     ->check(CLI::ExistingFile);
  job->excludes(config);
  config->excludes(job);
  app.add_flag("--json", json, "print progress as JSON lines");
  app.add_flag("--validate-config", validate,
               "validate the job spec or daemon config and exit");
  std::string log_format;
  app.add_option("--log-format", log_format,
                 "text (default) or json: log lines as JSON objects; "
                 "overrides the daemon config's log_format")
      ->check(CLI::IsMember({"text", "json"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; every usage error exits 2.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (!config_path.empty()) {
    return dsfl::master::RunMasterDaemon(config_path, validate, log_format);
  }
  if (job_path.empty()) {
    std::cerr << "dsfl-master: give --job JOB.json or --config master.json\n";
    return 2;
  }

  dsfl::BlockTerminationSignals();
  dsfl::RouteGrpcLogsToSpdlog();
  dsfl::tls::PrepareProcessForGrpc();  // before gRPC starts
  if (log_format == "json") {
    dsfl::SetLogFormat(dsfl::LogFormat::kJson, "dsfl-master");
  }
  auto spec = dsfl::master::LoadJobSpec(job_path);
  if (!spec.ok()) {
    std::cerr << "dsfl-master: " << job_path << ": " << spec.status().message()
              << "\n";
    return 2;
  }
  if (validate) {
    std::cout << "dsfl-master: " << job_path << " is valid\n";
    return 0;
  }
  dsfl::CancellationToken cancel;
  std::thread signals([&cancel] {
    dsfl::WaitForTerminationSignal();
    LogIfError(dsfl::systemd::NotifyStopping("cancelling the job"));
    cancel.Cancel();
  });
  signals.detach();  // the process exits when the job ends either way
  // systemd (Type=notify): ready once the job has started; watchdog pings
  // while it runs. No-ops when not started by systemd.
  LogIfError(dsfl::systemd::NotifyReady("running job '" + spec->job_id + "'"));
  auto watchdog = dsfl::systemd::Watchdog::StartForSystemd();
  dsfl::master::ConsoleProgress progress(stdout, json);
  auto result = dsfl::master::RunJob(*spec, &progress, &cancel);
  LogIfError(dsfl::systemd::NotifyStopping(
      "job '" + spec->job_id + (result.ok() ? "' finished" : "' failed")));
  watchdog.reset();  // stops and joins the thread
  if (!result.ok()) {
    std::cerr << "dsfl-master: job '" << spec->job_id
              << "' failed: " << result.status().message() << "\n";
    return 1;
  }
  progress.PrintResult(*result);
  return 0;
}
