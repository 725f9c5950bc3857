// sd_notify from the real daemons: dsfl-slave and dsfl-master started the
// way systemd starts a Type=notify service with WatchdogSec= (NOTIFY_SOCKET,
// WATCHDOG_USEC, WATCHDOG_PID unset), against a fake notify socket. Checks
// READY only once serving (slave) or once the job runs (master), watchdog
// pings, STOPPING on SIGTERM or at the end of the job, and a clean exit.
#include <signal.h>
#include <stdlib.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_env.h"
#include "tests/unit/deploy/fake_notify_socket.h"

namespace dsfl::deploy_test {
namespace {

using ::testing::StartsWith;

constexpr absl::Duration kPatience = absl::Seconds(60);

// NOTIFY_SOCKET and a 200 ms watchdog for the children started while it
// lives; restores a clean environment afterwards.
class SystemdEnvironment {
 public:
  explicit SystemdEnvironment(const FakeNotifySocket& socket) {
    socket.Export();
    setenv("WATCHDOG_USEC", "200000", 1);
    unsetenv("WATCHDOG_PID");  // as for a main process started by systemd
  }
  ~SystemdEnvironment() {
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
  }
};

TEST(SdNotifyBinariesTest, SlaveIsReadyWhenServingPingsAndStopsOnSigterm) {
  e2e::E2eEnv env;
  env.Issue("hospital-a");
  FakeNotifySocket socket;
  ASSERT_TRUE(socket.ok());
  int port = 0;
  {
    SystemdEnvironment systemd(socket);
    port = env.StartSlave("hospital-a", 0);  // returns once the port is known
  }
  ASSERT_GT(port, 0);
  Subprocess* slave = env.slave("hospital-a");

  // The first message is READY, and it names the port the server bound.
  std::optional<std::string> ready = socket.Receive(kPatience);
  ASSERT_TRUE(ready.has_value()) << env.SlaveLog("hospital-a");
  EXPECT_EQ(*ready, absl::StrCat("READY=1\nSTATUS=serving node 'hospital-a' "
                                 "on port ",
                                 port));
  // Watchdog pings every 100 ms (half of WATCHDOG_USEC).
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(socket.Receive(kPatience), "WATCHDOG=1")
        << env.SlaveLog("hospital-a");
  }

  ASSERT_TRUE(slave->Signal(SIGTERM).ok());
  std::string skipped;
  std::optional<std::string> stopping =
      socket.ReceiveContaining("STOPPING=1", kPatience, &skipped);
  ASSERT_TRUE(stopping.has_value()) << skipped;
  EXPECT_THAT(*stopping, StartsWith("STOPPING=1"));
  EXPECT_EQ(slave->Wait(), 0) << env.SlaveLog("hospital-a");
  // After STOPPING, only watchdog pings (sent before the thread was joined).
  while (std::optional<std::string> late =
             socket.Receive(absl::ZeroDuration())) {
    EXPECT_EQ(*late, "WATCHDOG=1");
  }
}

TEST(SdNotifyBinariesTest, SlaveWithoutSystemdSendsNothing) {
  e2e::E2eEnv env;
  env.Issue("hospital-a");
  FakeNotifySocket socket;  // bound, but not exported
  ASSERT_TRUE(socket.ok());
  ASSERT_GT(env.StartSlave("hospital-a", 0), 0);
  ASSERT_TRUE(env.slave("hospital-a")->Signal(SIGTERM).ok());
  EXPECT_EQ(env.slave("hospital-a")->Wait(), 0);
  EXPECT_EQ(socket.Receive(absl::ZeroDuration()), std::nullopt);
}

TEST(SdNotifyBinariesTest, ValidateConfigIsNeverReady) {
  e2e::E2eEnv env;
  env.Issue("hospital-a");
  ASSERT_GT(env.StartSlave("hospital-a", 0), 0);  // writes the config
  FakeNotifySocket socket;
  ASSERT_TRUE(socket.ok());
  std::unique_ptr<Subprocess> validate;
  {
    SystemdEnvironment systemd(socket);
    auto process = Subprocess::Spawn(
        {env.Bin("dsfl-slave"), "--config", env.Path("hospital-a/slave.json"),
         "--validate-config"},
        env.Path("validate.log"));
    ASSERT_TRUE(process.ok()) << process.status();
    validate = *std::move(process);
  }
  EXPECT_EQ(validate->Wait(), 0)
      << e2e::E2eEnv::ReadFile(env.Path("validate.log"));
  EXPECT_EQ(socket.Receive(absl::ZeroDuration()), std::nullopt);
}

TEST(SdNotifyBinariesTest, MasterIsReadyWhileTheJobRunsAndStopsAtItsEnd) {
  e2e::E2eEnv env;
  env.Issue("hospital-a");
  ASSERT_GT(env.StartSlave("hospital-a", 0), 0);
  FakeNotifySocket socket;
  ASSERT_TRUE(socket.ok());
  std::unique_ptr<Subprocess> master;
  {
    SystemdEnvironment systemd(socket);
    master = env.StartMaster(env.Job({"hospital-a"}, 2, 1, 1));
  }
  ASSERT_NE(master, nullptr);
  std::optional<std::string> ready = socket.Receive(kPatience);
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(*ready, "READY=1\nSTATUS=running job 'e2e-deepsurv'");
  std::string skipped;
  std::optional<std::string> stopping =
      socket.ReceiveContaining("STOPPING=1", kPatience, &skipped);
  ASSERT_TRUE(stopping.has_value()) << skipped;
  EXPECT_EQ(*stopping, "STOPPING=1\nSTATUS=job 'e2e-deepsurv' finished");
  EXPECT_EQ(master->Wait(), 0) << e2e::E2eEnv::ReadFile(env.Path("master.log"));
  // Only watchdog pings came between READY and STOPPING.
  EXPECT_EQ(skipped.find("READY"), std::string::npos) << skipped;
}

TEST(SdNotifyBinariesTest, MasterSaysStoppingWhenCancelledBySigterm) {
  e2e::E2eEnv env;
  env.Issue("hospital-a");
  ASSERT_GT(env.StartSlave("hospital-a", 0), 0);
  FakeNotifySocket socket;
  ASSERT_TRUE(socket.ok());
  std::unique_ptr<Subprocess> master;
  {
    SystemdEnvironment systemd(socket);
    // Long enough that SIGTERM arrives mid-job.
    master = env.StartMaster(env.Job({"hospital-a"}, 10000, 1, 1));
  }
  ASSERT_NE(master, nullptr);
  ASSERT_TRUE(socket.ReceiveContaining("READY=1", kPatience).has_value());
  // A watchdog ping proves the job is under way before the signal.
  ASSERT_TRUE(socket.ReceiveContaining("WATCHDOG=1", kPatience).has_value());
  ASSERT_TRUE(master->Signal(SIGTERM).ok());
  std::optional<std::string> stopping =
      socket.ReceiveContaining("STOPPING=1", kPatience);
  ASSERT_TRUE(stopping.has_value());
  EXPECT_EQ(*stopping, "STOPPING=1\nSTATUS=cancelling the job");
  EXPECT_EQ(master->Wait(), 1) << e2e::E2eEnv::ReadFile(env.Path("master.log"));
}

}  // namespace
}  // namespace dsfl::deploy_test
