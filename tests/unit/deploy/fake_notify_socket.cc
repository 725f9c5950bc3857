#include "tests/unit/deploy/fake_notify_socket.h"

#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "absl/time/clock.h"

namespace dsfl::deploy_test {

FakeNotifySocket::FakeNotifySocket() {
  char pattern[] = "/tmp/dsfl_notify_XXXXXX";
  if (mkdtemp(pattern) == nullptr) return;
  dir_ = pattern;
  path_ = dir_ + "/notify";
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path_.size() >= sizeof(address.sun_path)) return;
  std::memcpy(address.sun_path, path_.c_str(), path_.size() + 1);
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return;
  }
  fd_ = fd;
}

FakeNotifySocket::~FakeNotifySocket() {
  if (fd_ >= 0) close(fd_);
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

void FakeNotifySocket::Export() const {
  setenv("NOTIFY_SOCKET", path_.c_str(), /*overwrite=*/1);
}

std::optional<std::string> FakeNotifySocket::Receive(absl::Duration timeout) {
  if (fd_ < 0) return std::nullopt;
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const int64_t left_ms =
        absl::ToInt64Milliseconds(deadline - absl::Now()) + 1;
    if (left_ms <= 0) return std::nullopt;
    pollfd pfd{fd_, POLLIN, 0};
    const int ready = poll(&pfd, 1, static_cast<int>(left_ms));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return std::nullopt;
    std::vector<char> buffer(4096);
    const ssize_t n = recv(fd_, buffer.data(), buffer.size(), 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return std::nullopt;
    }
    return std::string(buffer.data(), static_cast<size_t>(n));
  }
}

std::optional<std::string> FakeNotifySocket::ReceiveContaining(
    const std::string& needle, absl::Duration timeout, std::string* skipped) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    std::optional<std::string> message = Receive(deadline - absl::Now());
    if (!message) return std::nullopt;
    if (message->find(needle) != std::string::npos) return message;
    if (skipped != nullptr) skipped->append(*message).append("\n");
  }
}

}  // namespace dsfl::deploy_test
