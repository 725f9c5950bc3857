// The seccomp filters of sandbox_filters.h refuse what systemd's filters
// refuse and allow the rest. Each check runs in a forked child, since a
// filter cannot be removed from a process.
#include "tests/unit/deploy/sandbox_filters.h"

#include <errno.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "gtest/gtest.h"

namespace dsfl::deploy_test {
namespace {

// Runs `check` in a child after `install`; returns the child's exit code
// (0 = ok, 100 = the filter could not be installed).
template <typename Install, typename Check>
int InChild(Install install, Check check) {
  pid_t pid = fork();
  if (pid == 0) {
    if (!install()) _exit(100);
    _exit(check());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

template <typename Check>
int InChildUnderFilter(Check check) {
  return InChild(InstallMemoryDenyWriteExecute, check);
}

void* Map(int prot) {
  return mmap(nullptr, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

TEST(MdweFilterTest, WithoutTheFilterWriteExecuteMappingsWork) {
  void* p = Map(PROT_READ | PROT_WRITE | PROT_EXEC);
  if (p == MAP_FAILED) GTEST_SKIP() << "this kernel refuses W+X anyway";
  munmap(p, 4096);
  EXPECT_FALSE(WriteExecuteMappingRefused());
}

TEST(MdweFilterTest, RefusesWritableExecutableMappings) {
  EXPECT_EQ(InChildUnderFilter([] {
              if (Map(PROT_READ | PROT_WRITE | PROT_EXEC) != MAP_FAILED)
                return 1;
              if (errno != EPERM) return 2;
              if (Map(PROT_WRITE | PROT_EXEC) != MAP_FAILED) return 3;
              return WriteExecuteMappingRefused() ? 0 : 4;
            }),
            0);
}

TEST(MdweFilterTest, RefusesMakingMemoryExecutable) {
  EXPECT_EQ(InChildUnderFilter([] {
              void* p = Map(PROT_READ | PROT_WRITE);
              if (p == MAP_FAILED) return 1;
              if (mprotect(p, 4096, PROT_READ | PROT_EXEC) == 0) return 2;
              if (errno != EPERM) return 3;
              if (mprotect(p, 4096, PROT_EXEC) == 0) return 4;
              return 0;
            }),
            0);
}

TEST(MdweFilterTest, RefusesExecutableSharedMemory) {
  EXPECT_EQ(InChildUnderFilter([] {
              int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
              if (id < 0) return 0;  // no SysV IPC here: nothing to check
              void* p = shmat(id, nullptr, SHM_EXEC);
              shmctl(id, IPC_RMID, nullptr);
              if (p != reinterpret_cast<void*>(-1)) return 1;
              return errno == EPERM ? 0 : 2;
            }),
            0);
}

TEST(MdweFilterTest, AllowsOrdinaryMemory) {
  EXPECT_EQ(InChildUnderFilter([] {
              void* rw = Map(PROT_READ | PROT_WRITE);
              if (rw == MAP_FAILED) return 1;
              if (mprotect(rw, 4096, PROT_READ) != 0) return 2;
              // Executable but never writable: how libraries are mapped.
              void* rx = Map(PROT_READ | PROT_EXEC);
              if (rx == MAP_FAILED) return 3;
              if (mprotect(rx, 4096, PROT_READ) != 0) return 4;
              return 0;
            }),
            0);
}

TEST(AddressFamilyFilterTest, RefusesOtherFamiliesWithEafnosupport) {
  EXPECT_EQ(InChild(
                [] {
                  return InstallAddressFamilyFilter({AF_UNIX, AF_INET});
                },
                [] {
                  int ok = socket(AF_INET, SOCK_STREAM, 0);
                  if (ok < 0) return 1;
                  close(ok);
                  if (socket(AF_INET6, SOCK_STREAM, 0) >= 0) return 2;
                  if (errno != EAFNOSUPPORT) return 3;
                  if (socket(AF_NETLINK, SOCK_RAW, 0) >= 0) return 4;
                  int pair[2];  // socketpair is not filtered
                  if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) return 5;
                  return 0;
                }),
            0);
}

TEST(SystemCallAllowListTest, RefusesWhatIsNotListedWithTheGivenErrno) {
  EXPECT_EQ(InChild(
                [] {
                  std::vector<int> allowed;
                  for (const char* name : {"exit", "exit_group", "getpid",
                                           "write", "rt_sigreturn"}) {
                    allowed.push_back(SystemCallNumber(name));
                  }
                  return InstallSystemCallAllowList(allowed, EPERM);
                },
                [] {
                  if (syscall(__NR_getpid) <= 0) return 1;
                  if (syscall(__NR_getppid) != -1) return 2;
                  return errno == EPERM ? 0 : 3;
                }),
            0);
}

TEST(SystemCallNumberTest, KnowsThisArchitecturesCalls) {
  EXPECT_EQ(SystemCallNumber("openat"), __NR_openat);
  EXPECT_EQ(SystemCallNumber("getpid"), __NR_getpid);
  EXPECT_EQ(SystemCallNumber("arm_fadvise64_64"), -1);  // not on x86-64
  EXPECT_EQ(SystemCallNumber("no_such_call"), -1);
}

}  // namespace
}  // namespace dsfl::deploy_test
