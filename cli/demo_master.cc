#include "cli/demo_master.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

extern char** environ;

namespace dsfl::cli {

StatusOr<int> RunMasterJob(const std::string& master_binary,
                           const std::string& job_path,
                           const std::function<void()>& after_admission) {
  int fds[2];
  if (pipe(fds) != 0) {
    return absl::InternalError(
        absl::StrCat("pipe for dsfl-master: ", std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  std::vector<std::string> argv = {master_binary, "--job", job_path};
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  std::fflush(stdout);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, master_binary.c_str(), &actions,
                                  nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (spawned != 0) {
    close(fds[0]);
    return absl::InternalError(absl::StrCat("cannot start ", master_binary,
                                            ": ", std::strerror(spawned)));
  }
  std::FILE* out = fdopen(fds[0], "r");
  bool announced = false;
  if (out != nullptr) {
    std::vector<char> line(8192);
    while (std::fgets(line.data(), static_cast<int>(line.size()), out)) {
      if (!announced && absl::StartsWith(line.data(), "round ")) {
        announced = true;
        after_admission();
      }
      std::fputs(line.data(), stdout);
      std::fflush(stdout);
      if (!announced &&
          absl::StartsWith(line.data(), "  dataspace admission: ") &&
          absl::StrContains(line.data(), " admitted")) {
        announced = true;
        after_admission();
      }
    }
    std::fclose(out);
  } else {
    close(fds[0]);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!announced) after_admission();
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace dsfl::cli
