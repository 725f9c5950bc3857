// dsfl-master: runs a federated job against the slaves its spec lists.
// (The persistent daemon with a job API is built on the same JobRunner.)
#include <cstdio>
#include <iostream>
#include <thread>

#include "CLI/CLI.hpp"
#include "common/signals.h"
#include "master/console_progress.h"
#include "master/core/job_spec.h"
#include "master/transport/run_job.h"

int main(int argc, char** argv) {
  CLI::App app{"dsfl-master: runs federated training jobs"};
  std::string job_path;
  bool json = false;
  bool validate = false;
  app.add_option("-j,--job", job_path, "job spec (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_flag("--json", json, "print progress as JSON lines");
  app.add_flag("--validate-config", validate, "validate the job spec and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; every usage error exits 2.
    return app.exit(e) == 0 ? 0 : 2;
  }

  dsfl::BlockTerminationSignals();
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
    cancel.Cancel();
  });
  signals.detach();  // the process exits when the job ends either way
  dsfl::master::ConsoleProgress progress(stdout, json);
  auto result = dsfl::master::RunJob(*spec, &progress, &cancel);
  if (!result.ok()) {
    std::cerr << "dsfl-master: job '" << spec->job_id
              << "' failed: " << result.status().message() << "\n";
    return 1;
  }
  progress.PrintResult(*result);
  return 0;
}
