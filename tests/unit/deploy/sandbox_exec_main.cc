// dsfl_sandbox_exec [OPTIONS] -- PROGRAM [ARGS...]: runs PROGRAM under the
// seccomp filters systemd installs for a unit's sandbox (sandbox_filters.h),
// inherited by every process PROGRAM starts. For tests only.
//
//   --mdwe                   MemoryDenyWriteExecute=yes
//   --address-families=N,..  RestrictAddressFamilies= (numbers: 1 AF_UNIX,
//                            2 AF_INET, 10 AF_INET6)
//   --syscalls=FILE          SystemCallFilter= allow list: system call names,
//                            one per line (names this architecture lacks are
//                            ignored)
//   --errno=N                SystemCallErrorNumber= (default 1, EPERM)
//
// Exits 125 when a filter cannot be installed or does not work, 127 when
// PROGRAM cannot be executed; otherwise PROGRAM's exit status.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "tests/unit/deploy/sandbox_filters.h"

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "dsfl_sandbox_exec: %s\n", message.c_str());
  return 125;
}

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dsfl::deploy_test;
  bool mdwe = false;
  std::vector<int> families;
  std::string syscalls_file;
  int error = EPERM;
  int i = 1;
  for (; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") {
      ++i;
      break;
    } else if (arg == "--mdwe") {
      mdwe = true;
    } else if (StartsWith(arg, "--address-families=")) {
      std::string list = arg.substr(std::strlen("--address-families="));
      for (size_t pos = 0; pos <= list.size();) {
        size_t comma = list.find(',', pos);
        if (comma == std::string::npos) comma = list.size();
        families.push_back(std::atoi(list.substr(pos, comma - pos).c_str()));
        pos = comma + 1;
      }
    } else if (StartsWith(arg, "--syscalls=")) {
      syscalls_file = arg.substr(std::strlen("--syscalls="));
    } else if (StartsWith(arg, "--errno=")) {
      error = std::atoi(arg.c_str() + std::strlen("--errno="));
    } else {
      std::fprintf(stderr,
                   "usage: dsfl_sandbox_exec [--mdwe] "
                   "[--address-families=N,...] [--syscalls=FILE] "
                   "[--errno=N] -- PROGRAM [ARGS...]\n");
      return 2;
    }
  }
  if (i >= argc) return Fail("no PROGRAM given");

  std::vector<int> allowed;
  if (!syscalls_file.empty()) {
    std::ifstream in(syscalls_file);
    if (!in) return Fail("cannot read " + syscalls_file);
    for (std::string name; std::getline(in, name);) {
      if (name.empty()) continue;
      const int nr = SystemCallNumber(name);
      if (nr >= 0) allowed.push_back(nr);
    }
    if (allowed.empty()) return Fail(syscalls_file + ": no known system call");
  }

  if (mdwe) {
    if (!InstallMemoryDenyWriteExecute()) {
      return Fail(std::string("MemoryDenyWriteExecute: ") +
                  std::strerror(errno));
    }
    if (!WriteExecuteMappingRefused()) {
      return Fail("MemoryDenyWriteExecute filter installed but not in force");
    }
  }
  if (!families.empty() && !InstallAddressFamilyFilter(families)) {
    return Fail(std::string("RestrictAddressFamilies: ") +
                std::strerror(errno));
  }
  // Last: the allow list might not contain seccomp() and prctl().
  if (!allowed.empty() && !InstallSystemCallAllowList(allowed, error)) {
    return Fail(std::string("SystemCallFilter: ") + std::strerror(errno));
  }
  execvp(argv[i], argv + i);
  std::fprintf(stderr, "dsfl_sandbox_exec: %s: %s\n", argv[i],
               std::strerror(errno));
  return 127;
}
