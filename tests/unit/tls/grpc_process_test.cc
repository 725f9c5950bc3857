// The process-wide gRPC settings: the bounded read path (an environment
// variable) and release-mode mutexes (Abseil's global deadlock detection).
#include "common/tls/grpc_process.h"

#include <cstdlib>
#include <optional>
#include <string>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"

namespace dsfl::tls {
namespace {

// Restores GRPC_EXPERIMENTS after a test changed it.
class ExperimentsVariable {
 public:
  ExperimentsVariable() {
    const char* v = std::getenv("GRPC_EXPERIMENTS");
    if (v != nullptr) saved_ = v;
  }
  ~ExperimentsVariable() {
    if (saved_) {
      ::setenv("GRPC_EXPERIMENTS", saved_->c_str(), 1);
    } else {
      ::unsetenv("GRPC_EXPERIMENTS");
    }
  }
  void Set(const char* value) {
    if (value == nullptr) {
      ::unsetenv("GRPC_EXPERIMENTS");
    } else {
      ::setenv("GRPC_EXPERIMENTS", value, 1);
    }
  }
  std::string Get() const {
    const char* v = std::getenv("GRPC_EXPERIMENTS");
    return v == nullptr ? "<unset>" : v;
  }

 private:
  std::optional<std::string> saved_;
};

TEST(SelectBoundedGrpcReadPathTest, AddsTheOldReadPathToWhatIsThere) {
  ExperimentsVariable variable;
  variable.Set(nullptr);
  SelectBoundedGrpcReadPath();
  EXPECT_EQ(variable.Get(), "-tcp_read_chunks");
  SelectBoundedGrpcReadPath();  // idempotent
  EXPECT_EQ(variable.Get(), "-tcp_read_chunks");

  variable.Set("event_engine_client");
  SelectBoundedGrpcReadPath();
  EXPECT_EQ(variable.Get(), "event_engine_client,-tcp_read_chunks");
}

TEST(SelectBoundedGrpcReadPathTest, AnExplicitSettingWins) {
  ExperimentsVariable variable;
  variable.Set("tcp_read_chunks");
  SelectBoundedGrpcReadPath();
  EXPECT_EQ(variable.Get(), "tcp_read_chunks");
}

// Debian's Abseil (built without NDEBUG) kills the process when it sees
// two mutexes locked in both orders; without UseReleaseModeMutexes() this
// test dies.
TEST(PrepareProcessForGrpcTest, MutexesLockedInBothOrdersDoNotAbort) {
  ExperimentsVariable variable;
  PrepareProcessForGrpc();
  EXPECT_NE(variable.Get().find("-tcp_read_chunks"), std::string::npos);
  absl::Mutex first;
  absl::Mutex second;
  {
    absl::MutexLock a(&first);
    absl::MutexLock b(&second);
  }
  {
    absl::MutexLock b(&second);
    absl::MutexLock a(&first);
  }
  SUCCEED();
}

}  // namespace
}  // namespace dsfl::tls
