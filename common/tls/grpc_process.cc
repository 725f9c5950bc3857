#include "common/tls/grpc_process.h"

#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace dsfl::tls {

void PrepareProcessForGrpc() {
  SelectBoundedGrpcReadPath();
  UseReleaseModeMutexes();
}

void SelectBoundedGrpcReadPath() {
  constexpr const char* kVariable = "GRPC_EXPERIMENTS";
  constexpr const char* kExperiment = "tcp_read_chunks";
  const char* current = std::getenv(kVariable);
  const std::string value = current == nullptr ? "" : current;
  if (value.find(kExperiment) != std::string::npos) return;  // user's choice
  const std::string updated =
      absl::StrCat(value, value.empty() ? "" : ",", "-", kExperiment);
  ::setenv(kVariable, updated.c_str(), /*overwrite=*/1);
}

void UseReleaseModeMutexes() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::EnableMutexInvariantDebugging(false);
}

}  // namespace dsfl::tls
