// dsfl: the command line for coordinators, hospital IT and auditors.
#include <cstdio>
#include <iostream>
#include <thread>

#include "CLI/CLI.hpp"
#include "cli/demo.h"
#include "common/signals.h"
#include "master/console_progress.h"
#include "master/core/job_spec.h"
#include "master/transport/run_job.h"

namespace {

int RunJobCommand(const std::string& path, bool json) {
  auto spec = dsfl::master::LoadJobSpec(path);
  if (!spec.ok()) {
    std::cerr << "dsfl job run: " << path << ": " << spec.status().message()
              << "\n";
    return 2;
  }
  dsfl::BlockTerminationSignals();
  dsfl::CancellationToken cancel;
  std::thread([&cancel] {
    dsfl::WaitForTerminationSignal();
    cancel.Cancel();
  }).detach();
  dsfl::master::ConsoleProgress progress(stdout, json);
  auto result = dsfl::master::RunJob(*spec, &progress, &cancel);
  if (!result.ok()) {
    std::cerr << "dsfl job run: job '" << spec->job_id
              << "' failed: " << result.status().message() << "\n";
    return 1;
  }
  progress.PrintResult(*result);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dsfl: federated learning for health dataspaces"};
  app.require_subcommand(1);

  dsfl::cli::DemoOptions demo_options;
  demo_options.workdir = "dsfl-demo";
  CLI::App* demo = app.add_subcommand(
      "demo", "run a whole federation on this machine on the lung data");
  demo->add_option("--workdir", demo_options.workdir,
                   "keeps configs, certificates, logs and models")
      ->capture_default_str();
  demo->add_option("--data", demo_options.data_path,
                   "lung.csv to split (default: the shipped copy)");
  demo->add_option("--rounds", demo_options.rounds, "FedAvg rounds")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();

  CLI::App* job = app.add_subcommand("job", "run and manage training jobs");
  job->require_subcommand(1);
  std::string job_path;
  bool job_json = false;
  CLI::App* job_run =
      job->add_subcommand("run", "run a job against running slaves");
  job_run->add_option("JOB", job_path, "job spec (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  job_run->add_flag("--json", job_json, "progress as JSON lines");

  CLI11_PARSE(app, argc, argv);

  if (demo->parsed()) {
    auto status = dsfl::cli::RunDemo(demo_options);
    if (!status.ok()) {
      std::cerr << "dsfl demo: " << status.message() << "\n";
      return 1;
    }
    return 0;
  }
  if (job_run->parsed()) return RunJobCommand(job_path, job_json);
  return 2;
}
