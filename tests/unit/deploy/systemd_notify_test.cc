// Tests for common/systemd: sd_notify messages on a fake NOTIFY_SOCKET and
// the watchdog thread. No sleeping: waits are bounded polls and condition
// variables.
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/systemd/notify.h"
#include "common/systemd/watchdog.h"
#include "gtest/gtest.h"
#include "tests/unit/deploy/fake_notify_socket.h"

namespace dsfl::systemd {
namespace {

using deploy_test::FakeNotifySocket;

constexpr absl::Duration kPatience = absl::Seconds(30);

class SystemdTest : public ::testing::Test {
 protected:
  void SetUp() override { ClearEnvironment(); }
  void TearDown() override { ClearEnvironment(); }
  static void ClearEnvironment() {
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
  }
};

TEST_F(SystemdTest, WithoutNotifySocketEverythingIsAQuietNoOp) {
  EXPECT_FALSE(NotifyEnabled());
  EXPECT_TRUE(NotifyReady("x").ok());
  EXPECT_TRUE(NotifyStopping().ok());
  EXPECT_TRUE(NotifyWatchdog().ok());
  EXPECT_EQ(WatchdogTimeout(), absl::ZeroDuration());
  EXPECT_EQ(Watchdog::StartForSystemd(), nullptr);
}

TEST_F(SystemdTest, SendsReadyStatusStoppingAndWatchdog) {
  FakeNotifySocket socket;
  ASSERT_TRUE(socket.ok());
  socket.Export();
  EXPECT_TRUE(NotifyEnabled());
  ASSERT_TRUE(NotifyReady("serving on port 7443").ok());
  EXPECT_EQ(socket.Receive(kPatience), "READY=1\nSTATUS=serving on port 7443");
  ASSERT_TRUE(NotifyReady().ok());
  EXPECT_EQ(socket.Receive(kPatience), "READY=1");
  ASSERT_TRUE(NotifyStatus("round 3 of 20").ok());
  EXPECT_EQ(socket.Receive(kPatience), "STATUS=round 3 of 20");
  ASSERT_TRUE(NotifyWatchdog().ok());
  EXPECT_EQ(socket.Receive(kPatience), "WATCHDOG=1");
  ASSERT_TRUE(NotifyStopping("shutting down").ok());
  EXPECT_EQ(socket.Receive(kPatience), "STOPPING=1\nSTATUS=shutting down");
  // The environment is kept for later notifications.
  EXPECT_TRUE(NotifyEnabled());
}

TEST_F(SystemdTest, StatusIsKeptOnOneLine) {
  FakeNotifySocket socket;
  ASSERT_TRUE(socket.ok());
  socket.Export();
  // A newline would let a status text inject an assignment (READY=1).
  ASSERT_TRUE(NotifyStatus("bad\nREADY=1\r\nx").ok());
  EXPECT_EQ(socket.Receive(kPatience), "STATUS=bad READY=1  x");
}

TEST_F(SystemdTest, UnreachableSocketIsAnErrorThatNamesIt) {
  setenv("NOTIFY_SOCKET", "/nonexistent-dsfl-dir/notify", 1);
  Status status = NotifyReady();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(status.message().find("/nonexistent-dsfl-dir/notify"),
            absl::string_view::npos)
      << status;
}

TEST_F(SystemdTest, WatchdogTimeoutComesFromTheEnvironmentForThisPid) {
  setenv("WATCHDOG_USEC", "2500000", 1);
  EXPECT_EQ(WatchdogTimeout(), absl::Milliseconds(2500));
  setenv("WATCHDOG_PID", absl::StrCat(getpid()).c_str(), 1);
  EXPECT_EQ(WatchdogTimeout(), absl::Milliseconds(2500));
  // Meant for another process (e.g. inherited from a parent service).
  setenv("WATCHDOG_PID", absl::StrCat(getpid() + 1).c_str(), 1);
  EXPECT_EQ(WatchdogTimeout(), absl::ZeroDuration());
  unsetenv("WATCHDOG_PID");
  setenv("WATCHDOG_USEC", "not-a-number", 1);
  EXPECT_EQ(WatchdogTimeout(), absl::ZeroDuration());
}

// Counts calls and lets the test wait for a count without sleeping.
class Counter {
 public:
  void Increment() {
    std::lock_guard<std::mutex> lock(mu_);
    ++count_;
    changed_.notify_all();
  }
  bool WaitFor(int at_least, absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                             [&] { return count_ >= at_least; });
  }
  int count() {
    std::lock_guard<std::mutex> lock(mu_);
    return count_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int count_ = 0;
};

TEST_F(SystemdTest, WatchdogPingsRepeatedlyAndStops) {
  Counter pings;
  Watchdog watchdog(absl::Milliseconds(1), [&] {
    pings.Increment();
    return absl::OkStatus();
  });
  ASSERT_TRUE(pings.WaitFor(5, kPatience));
  watchdog.Stop();
  const int after_stop = pings.count();
  EXPECT_GE(watchdog.pings(), 5);
  watchdog.Stop();                       // idempotent
  EXPECT_EQ(pings.count(), after_stop);  // the thread has been joined
}

TEST_F(SystemdTest, WatchdogPingsAtOnceAndStopDoesNotWaitForThePeriod) {
  Counter pings;
  auto watchdog = std::make_unique<Watchdog>(absl::Hours(1), [&] {
    pings.Increment();
    return absl::OkStatus();
  });
  ASSERT_TRUE(pings.WaitFor(1, kPatience));
  const absl::Time start = absl::Now();
  watchdog.reset();  // the destructor stops and joins
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_EQ(pings.count(), 1);
}

TEST_F(SystemdTest, UnhealthyDaemonIsNotPinged) {
  Counter checks;
  std::atomic<bool> healthy{false};
  std::atomic<int> pinged{0};
  Watchdog watchdog(
      absl::Milliseconds(1),
      [&] {
        ++pinged;
        return absl::OkStatus();
      },
      [&] {
        checks.Increment();
        return healthy.load();
      });
  ASSERT_TRUE(checks.WaitFor(5, kPatience));
  EXPECT_EQ(pinged.load(), 0);
  healthy = true;
  const int checked = checks.count();
  ASSERT_TRUE(checks.WaitFor(checked + 3, kPatience));
  watchdog.Stop();
  EXPECT_GE(pinged.load(), 1);
}

TEST_F(SystemdTest, FailingPingsDoNotStopTheWatchdog) {
  Counter attempts;
  Watchdog watchdog(absl::Milliseconds(1), [&] {
    attempts.Increment();
    return attempts.count() <= 3 ? absl::UnavailableError("socket gone")
                                 : absl::OkStatus();
  });
  ASSERT_TRUE(attempts.WaitFor(6, kPatience));
  watchdog.Stop();
  EXPECT_GE(watchdog.pings(), 1);
  EXPECT_LE(watchdog.pings(), attempts.count() - 3);
}

TEST_F(SystemdTest, StartForSystemdPingsTheNotifySocketAtHalfTheTimeout) {
  FakeNotifySocket socket;
  ASSERT_TRUE(socket.ok());
  socket.Export();
  setenv("WATCHDOG_USEC", "20000", 1);  // 20 ms
  setenv("WATCHDOG_PID", absl::StrCat(getpid()).c_str(), 1);
  std::unique_ptr<Watchdog> watchdog = Watchdog::StartForSystemd();
  ASSERT_NE(watchdog, nullptr);
  EXPECT_EQ(watchdog->period(), absl::Milliseconds(10));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(socket.Receive(kPatience), "WATCHDOG=1");
  }
  watchdog->Stop();
  EXPECT_GE(watchdog->pings(), 3);
}

}  // namespace
}  // namespace dsfl::systemd
