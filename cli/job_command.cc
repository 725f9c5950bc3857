// dsfl job run JOB.json: runs a job against running slaves.
#include <iostream>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "common/signals.h"
#include "master/console_progress.h"
#include "master/core/job_spec.h"
#include "master/transport/run_job.h"

namespace dsfl::cli {
namespace {

struct JobRunOptions {
  std::string path;
  bool json = false;
};

int RunJobCommand(const JobRunOptions& options) {
  auto spec = master::LoadJobSpec(options.path);
  if (!spec.ok()) {
    std::cerr << "dsfl job run: " << options.path << ": "
              << spec.status().message() << "\n";
    return 2;
  }
  BlockTerminationSignals();
  CancellationToken cancel;
  std::thread([&cancel] {
    WaitForTerminationSignal();
    cancel.Cancel();
  }).detach();
  master::ConsoleProgress progress(stdout, options.json);
  auto result = master::RunJob(*spec, &progress, &cancel);
  if (!result.ok()) {
    std::cerr << "dsfl job run: job '" << spec->job_id
              << "' failed: " << result.status().message() << "\n";
    return 1;
  }
  progress.PrintResult(*result);
  return 0;
}

}  // namespace

void AddJobCommands(CLI::App* app, CommandContext* context) {
  CLI::App* job = app->add_subcommand("job", "run and manage training jobs");
  job->require_subcommand(1);
  auto options = std::make_shared<JobRunOptions>();
  CLI::App* run =
      job->add_subcommand("run", "run a job against running slaves");
  run->add_option("JOB", options->path, "job spec (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  run->add_flag("--json", options->json, "progress as JSON lines");
  run->callback(
      [options, context] { context->exit_code = RunJobCommand(*options); });
}

}  // namespace dsfl::cli
