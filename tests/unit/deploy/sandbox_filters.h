// Seccomp filters that reproduce, for tests, what systemd 252 installs for
// a unit's sandbox settings, so that tests can run the real binaries under
// them without a running systemd (tests/unit/deploy/sandbox_emulation_test.sh,
// mdwe_training_test.sh). x86-64 only; every function returns false (errno
// set) when the filter cannot be installed. A filter applies to the calling
// thread, to threads and processes it creates afterwards, and across
// execve(); it cannot be removed. Each sets no_new_privs first, as systemd
// does for an unprivileged service.
#ifndef DSFL_TESTS_UNIT_DEPLOY_SANDBOX_FILTERS_H_
#define DSFL_TESTS_UNIT_DEPLOY_SANDBOX_FILTERS_H_

#include <string>
#include <vector>

namespace dsfl::deploy_test {

// MemoryDenyWriteExecute=yes (seccomp-util.c,
// seccomp_memory_deny_write_execute): mmap() with both PROT_WRITE and
// PROT_EXEC, mprotect()/pkey_mprotect() adding PROT_EXEC and shmat() with
// SHM_EXEC fail with EPERM.
bool InstallMemoryDenyWriteExecute();

// RestrictAddressFamilies=<families>: socket() with any other address family
// fails with EAFNOSUPPORT (socketpair() is not filtered, as in systemd).
bool InstallAddressFamilyFilter(const std::vector<int>& allowed_families);

// SystemCallFilter=<allow list> with SystemCallErrorNumber=<error>: every
// system call whose number is not in `allowed` fails with `error`.
bool InstallSystemCallAllowList(const std::vector<int>& allowed, int error);

// The x86-64 number of a system call by name ("openat"), or -1 when this
// architecture has no such call (systemd's sets name calls of every
// architecture).
int SystemCallNumber(const std::string& name);

// True when mmap(PROT_WRITE|PROT_EXEC) is refused with EPERM (the
// MemoryDenyWriteExecute filter is in force).
bool WriteExecuteMappingRefused();

}  // namespace dsfl::deploy_test

#endif  // DSFL_TESTS_UNIT_DEPLOY_SANDBOX_FILTERS_H_
