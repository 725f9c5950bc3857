// dsfl demo: see cli/demo.h.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/demo.h"

namespace dsfl::cli {

void AddDemoCommand(CLI::App* app, CommandContext* context) {
  auto options = std::make_shared<DemoOptions>();
  options->workdir = "dsfl-demo";
  CLI::App* demo = app->add_subcommand(
      "demo",
      "run a whole federation on this machine on the lung data, its "
      "hospitals admitted through a dev dataspace");
  demo->add_option("--workdir", options->workdir,
                   "keeps configs, certificates, logs and models")
      ->capture_default_str();
  demo->add_option("--data", options->data_path,
                   "lung.csv to split (default: the shipped copy)");
  demo->add_option("--rounds", options->rounds, "FedAvg rounds")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  demo->callback([options, context] {
    Status status = RunDemo(*options);
    if (!status.ok()) std::cerr << "dsfl demo: " << status.message() << "\n";
    context->exit_code = status.ok() ? 0 : 1;
  });
}

}  // namespace dsfl::cli
