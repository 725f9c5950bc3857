// Helpers for the dev dataspace tests: a dev PKI for "localhost", the demo
// participants, a started in-process server, and child processes whose
// output is read through a pipe (no polling, no sleeps).
#ifndef DSFL_TESTS_UNIT_DEVSPACE_TEST_SUPPORT_H_
#define DSFL_TESTS_UNIT_DEVSPACE_TEST_SUPPORT_H_

#include <sys/types.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "connector-adapters/devspace/dev_dataspace_server.h"
#include "connector-adapters/edc/negotiator.h"
#include "tests/unit/identity/test_util.h"

namespace dsfl::devspace::testing {

struct Pki {
  std::string ca_pem;
  std::string server_cert_pem;
  std::string server_key_pem;
};
// A fresh dev CA and a server certificate for localhost / 127.0.0.1.
Pki MakePki();

constexpr char kLungProfile[] =
    "https://w3id.org/dsfl/profiles/lung-survival/v1";

// master (Membership + FederatedModelCreator), hospital-a (agrees),
// hospital-b (its Membership revoked), hospital-c (stalls),
// hospital-d (terminates), outsider (no credentials).
DevspaceConfig DemoConfig();

// Starts a server on 127.0.0.1:0 or fails the test.
std::unique_ptr<DevDataspaceServer> StartServer(const Pki& pki,
                                                DevspaceConfig config,
                                                const Clock* clock);

// Advances a fake clock instead of sleeping.
class ClockSleeper final : public edc::Sleeper {
 public:
  explicit ClockSleeper(identity::testing::FakeClock* clock) : clock_(clock) {}
  void SleepFor(absl::Duration d) override { clock_->Advance(d); }

 private:
  identity::testing::FakeClock* clock_;
};

// Runs argv to completion; stdout and stderr are captured together.
struct CommandResult {
  int exit_code = -1;  // 128 + signal when killed.
  std::string output;
};
CommandResult RunCommand(const std::vector<std::string>& argv);

// A long-running child whose stdout (and stderr) is a pipe.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv);
  ~Child();
  bool started() const { return pid_ > 0 && out_ != nullptr; }
  std::string ReadLine();  // "" at end of file.
  void Signal(int signal_number);
  int Wait();  // Exit code (128 + signal when killed).

 private:
  pid_t pid_ = -1;
  std::FILE* out_ = nullptr;
};

// A fresh directory under the test temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string WriteTempFile(const std::string& dir, const std::string& name,
                          const std::string& content);

}  // namespace dsfl::devspace::testing

#endif  // DSFL_TESTS_UNIT_DEVSPACE_TEST_SUPPORT_H_
