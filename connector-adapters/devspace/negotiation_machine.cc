#include "connector-adapters/devspace/negotiation_machine.h"

#include <vector>

namespace dsfl::devspace {

using edc::NegotiationState;

edc::NegotiationState NegotiationStateAt(NegotiationBehaviour behaviour,
                                         absl::Duration elapsed,
                                         absl::Duration step) {
  static const std::vector<NegotiationState> kAgree = {
      NegotiationState::kInitial,   NegotiationState::kRequesting,
      NegotiationState::kRequested, NegotiationState::kAgreed,
      NegotiationState::kVerifying, NegotiationState::kVerified,
      NegotiationState::kFinalized};
  static const std::vector<NegotiationState> kTerminate = {
      NegotiationState::kInitial, NegotiationState::kRequesting,
      NegotiationState::kRequested, NegotiationState::kTerminated};
  static const std::vector<NegotiationState> kStall = {
      NegotiationState::kInitial, NegotiationState::kRequesting,
      NegotiationState::kRequested};
  const std::vector<NegotiationState>& path =
      behaviour == NegotiationBehaviour::kAgree
          ? kAgree
          : (behaviour == NegotiationBehaviour::kTerminate ? kTerminate
                                                           : kStall);
  if (step <= absl::ZeroDuration()) return path.back();
  if (elapsed < absl::ZeroDuration()) return path.front();
  const int64_t index = absl::IDivDuration(elapsed, step, &elapsed);
  if (index >= static_cast<int64_t>(path.size())) return path.back();
  return path[static_cast<size_t>(index)];
}

}  // namespace dsfl::devspace
