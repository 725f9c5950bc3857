// dsfl: the command line for coordinators, hospital IT and auditors.
#include "CLI/CLI.hpp"
#include "cli/commands.h"
#include "common/tls/grpc_process.h"

int main(int argc, char** argv) {
  // `dsfl job run` is a master in this process (before any thread starts).
  dsfl::tls::PrepareProcessForGrpc();
  CLI::App app{"dsfl: federated learning for health dataspaces"};
  app.require_subcommand(1);
  dsfl::cli::CommandContext context;
  dsfl::cli::AddDemoCommand(&app, &context);
  dsfl::cli::AddJobCommands(&app, &context);
  dsfl::cli::AddSimulateCommands(&app, &context);
  dsfl::cli::AddDidCommands(&app, &context);
  dsfl::cli::AddVcCommands(&app, &context);
  dsfl::cli::AddAuditCommands(&app, &context);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help exits 0; every usage error exits 2.
    return app.exit(e) == 0 ? 0 : 2;
  }
  return context.exit_code;
}
