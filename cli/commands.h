// The dsfl CLI's command groups. Each Add*Commands() registers its
// subcommands on `app`; the subcommand that runs stores its exit code in
// `context->exit_code` (0 ok, 1 failure, 2 usage). To add a group: write
// cli/<group>_command.cc with its Add function, declare it here and call it
// from cli/main.cc.
#ifndef DSFL_CLI_COMMANDS_H_
#define DSFL_CLI_COMMANDS_H_

#include "CLI/CLI.hpp"

namespace dsfl::cli {

struct CommandContext {
  int exit_code = 0;
};

void AddDemoCommand(CLI::App* app, CommandContext* context);
void AddJobCommands(CLI::App* app, CommandContext* context);
void AddSimulateCommands(CLI::App* app, CommandContext* context);
void AddDidCommands(CLI::App* app, CommandContext* context);
void AddVcCommands(CLI::App* app, CommandContext* context);
void AddAuditCommands(CLI::App* app, CommandContext* context);

}  // namespace dsfl::cli

#endif  // DSFL_CLI_COMMANDS_H_
