#include "tests/unit/deploy/sandbox_filters.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

namespace dsfl::deploy_test {
namespace {

#if defined(__x86_64__)
constexpr unsigned kArchOffset = offsetof(struct seccomp_data, arch);
constexpr unsigned kNrOffset = offsetof(struct seccomp_data, nr);
// Flag arguments are ints: only the low 32 bits are compared, as libseccomp
// does for systemd's masked-equality rules.
constexpr unsigned kArg0 = offsetof(struct seccomp_data, args[0]);
constexpr unsigned kArg2 = offsetof(struct seccomp_data, args[2]);

sock_filter Load(unsigned offset) {
  return BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset);
}
sock_filter Return(unsigned action) {
  return BPF_STMT(BPF_RET | BPF_K, action);
}
sock_filter JumpIfEqual(unsigned value, unsigned char if_true,
                        unsigned char if_false) {
  return BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, value, if_true, if_false);
}
sock_filter And(unsigned mask) {
  return BPF_STMT(BPF_ALU | BPF_AND | BPF_K, mask);
}
unsigned Errno(int error) {
  return SECCOMP_RET_ERRNO | (static_cast<unsigned>(error) & SECCOMP_RET_DATA);
}

// Other architectures (i386 via int 0x80) are left alone here; the units'
// SystemCallArchitectures=native refuses them.
void AppendArchCheck(std::vector<sock_filter>* program) {
  program->push_back(Load(kArchOffset));
  program->push_back(JumpIfEqual(AUDIT_ARCH_X86_64, 1, 0));
  program->push_back(Return(SECCOMP_RET_ALLOW));
}

bool Install(std::vector<sock_filter> program) {
  sock_fprog fprog = {static_cast<unsigned short>(program.size()),
                      program.data()};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return false;
  // TSYNC: threads already running get the filter too.
  return syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER,
                 SECCOMP_FILTER_FLAG_TSYNC, &fprog) == 0;
}

// Refuses system call `nr` with `error` when (argument & mask) == mask.
void AppendMaskedRule(std::vector<sock_filter>* program, int nr,
                      unsigned argument, unsigned mask, int error) {
  program->push_back(Load(kNrOffset));
  program->push_back(JumpIfEqual(static_cast<unsigned>(nr), 0, 4));
  program->push_back(Load(argument));
  program->push_back(And(mask));
  program->push_back(JumpIfEqual(mask, 0, 1));
  program->push_back(Return(Errno(error)));
}

struct NamedCall {
  const char* name;
  int nr;
};

// Every __NR_* of <sys/syscall.h>, generated at configure time.
constexpr NamedCall kSystemCalls[] = {
#include "syscall_names.inc"
};
#endif  // __x86_64__

}  // namespace

bool InstallMemoryDenyWriteExecute() {
#if defined(__x86_64__)
  std::vector<sock_filter> program;
  AppendArchCheck(&program);
  AppendMaskedRule(&program, __NR_mmap, kArg2, PROT_WRITE | PROT_EXEC, EPERM);
  AppendMaskedRule(&program, __NR_mprotect, kArg2, PROT_EXEC, EPERM);
  AppendMaskedRule(&program, __NR_pkey_mprotect, kArg2, PROT_EXEC, EPERM);
  AppendMaskedRule(&program, __NR_shmat, kArg2, SHM_EXEC, EPERM);
  program.push_back(Return(SECCOMP_RET_ALLOW));
  return Install(std::move(program));
#else
  errno = ENOSYS;
  return false;
#endif
}

bool InstallAddressFamilyFilter(const std::vector<int>& allowed_families) {
#if defined(__x86_64__)
  std::vector<sock_filter> program;
  AppendArchCheck(&program);
  program.push_back(Load(kNrOffset));
  program.push_back(JumpIfEqual(__NR_socket, 1, 0));
  program.push_back(Return(SECCOMP_RET_ALLOW));
  program.push_back(Load(kArg0));
  for (int family : allowed_families) {
    // Equal: fall through to ALLOW; else skip it.
    program.push_back(JumpIfEqual(static_cast<unsigned>(family), 0, 1));
    program.push_back(Return(SECCOMP_RET_ALLOW));
  }
  program.push_back(Return(Errno(EAFNOSUPPORT)));
  return Install(std::move(program));
#else
  (void)allowed_families;
  errno = ENOSYS;
  return false;
#endif
}

bool InstallSystemCallAllowList(const std::vector<int>& allowed, int error) {
#if defined(__x86_64__)
  std::vector<sock_filter> program;
  AppendArchCheck(&program);
  program.push_back(Load(kNrOffset));
  for (int nr : allowed) {
    program.push_back(JumpIfEqual(static_cast<unsigned>(nr), 0, 1));
    program.push_back(Return(SECCOMP_RET_ALLOW));
  }
  program.push_back(Return(Errno(error)));
  if (program.size() > BPF_MAXINSNS) {
    errno = E2BIG;
    return false;
  }
  return Install(std::move(program));
#else
  (void)allowed;
  (void)error;
  errno = ENOSYS;
  return false;
#endif
}

int SystemCallNumber(const std::string& name) {
#if defined(__x86_64__)
  for (const NamedCall& call : kSystemCalls) {
    if (name == call.name) return call.nr;
  }
#else
  (void)name;
#endif
  return -1;
}

bool WriteExecuteMappingRefused() {
  void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p != MAP_FAILED) {
    munmap(p, 4096);
    return false;
  }
  return errno == EPERM;
}

}  // namespace dsfl::deploy_test
