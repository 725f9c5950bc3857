// FakeNotifySocket: what systemd listens on for a Type=notify service, for
// tests: a unix datagram socket bound in a fresh temporary directory. Set
// NOTIFY_SOCKET to path() (Export() does) and read what the process sent
// with Receive(), which waits at most `timeout` (poll, no sleeping).
// Thread-compatible.
#ifndef DSFL_TESTS_UNIT_DEPLOY_FAKE_NOTIFY_SOCKET_H_
#define DSFL_TESTS_UNIT_DEPLOY_FAKE_NOTIFY_SOCKET_H_

#include <optional>
#include <string>

#include "absl/time/time.h"

namespace dsfl::deploy_test {

class FakeNotifySocket {
 public:
  FakeNotifySocket();  // binds; ok() tells whether it worked
  ~FakeNotifySocket();
  FakeNotifySocket(const FakeNotifySocket&) = delete;
  FakeNotifySocket& operator=(const FakeNotifySocket&) = delete;

  bool ok() const { return fd_ >= 0; }
  const std::string& path() const { return path_; }
  // Sets NOTIFY_SOCKET=path() in this process (children inherit it).
  void Export() const;

  // The next datagram, or nullopt when none arrives within `timeout`.
  std::optional<std::string> Receive(absl::Duration timeout);
  // Receives until a datagram contains `needle`; returns it, or nullopt at
  // `timeout`. Datagrams skipped on the way are appended to *skipped.
  std::optional<std::string> ReceiveContaining(const std::string& needle,
                                               absl::Duration timeout,
                                               std::string* skipped = nullptr);

 private:
  std::string dir_;
  std::string path_;
  int fd_ = -1;
};

}  // namespace dsfl::deploy_test

#endif  // DSFL_TESTS_UNIT_DEPLOY_FAKE_NOTIFY_SOCKET_H_
