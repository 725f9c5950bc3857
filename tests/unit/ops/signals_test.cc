// Signals are sent to this thread only (pthread_kill), with the daemon set
// blocked first, so they stay pending until the wait takes them: no race,
// no sleep, and no other thread of the test binary can be hit.
#include "common/signals.h"

#include <pthread.h>
#include <signal.h>

#include "gtest/gtest.h"

namespace dsfl {
namespace {

class SignalsTest : public ::testing::Test {
 protected:
  void SetUp() override { BlockTerminationSignals(); }
};

TEST_F(SignalsTest, BlocksTerminateInterruptAndHangup) {
  sigset_t blocked;
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, nullptr, &blocked), 0);
  EXPECT_TRUE(sigismember(&blocked, SIGTERM));
  EXPECT_TRUE(sigismember(&blocked, SIGINT));
  EXPECT_TRUE(sigismember(&blocked, SIGHUP));
}

TEST_F(SignalsTest, HangupIsAReloadTerminateAndInterruptStop) {
  for (int signal : {SIGHUP, SIGTERM, SIGINT}) {
    ASSERT_EQ(pthread_kill(pthread_self(), signal), 0);
    int number = 0;
    DaemonSignal kind = WaitForSignal(&number);
    EXPECT_EQ(number, signal);
    EXPECT_EQ(kind, signal == SIGHUP ? DaemonSignal::kReload
                                     : DaemonSignal::kTerminate);
  }
}

TEST_F(SignalsTest, WaitForTerminationReloadsOnEachHangupUntilTerminated) {
  ASSERT_EQ(pthread_kill(pthread_self(), SIGHUP), 0);
  int reloads = 0;
  int signal = WaitForTerminationSignal([&reloads] {
    ++reloads;
    // The next signal arrives while the daemon keeps waiting.
    pthread_kill(pthread_self(), reloads < 3 ? SIGHUP : SIGTERM);
  });
  EXPECT_EQ(signal, SIGTERM);
  EXPECT_EQ(reloads, 3);
}

TEST_F(SignalsTest, HangupWithoutReloadCallbackIsIgnored) {
  ASSERT_EQ(pthread_kill(pthread_self(), SIGHUP), 0);
  ASSERT_EQ(pthread_kill(pthread_self(), SIGINT), 0);
  EXPECT_EQ(WaitForTerminationSignal(), SIGINT);  // still alive, then stops
  sigset_t pending;
  ASSERT_EQ(sigpending(&pending), 0);
  EXPECT_FALSE(sigismember(&pending, SIGHUP));  // taken and ignored
}

}  // namespace
}  // namespace dsfl
