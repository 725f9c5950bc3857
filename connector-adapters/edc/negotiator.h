// NegotiateContract: Flow 1 step 2 — send the offer, poll the negotiation
// state with exponential back-off until FINALIZED or TERMINATED under an
// overall timeout, then read the agreement.
//
// Time is injected: `clock` says when the deadline passes and `sleeper`
// waits between polls, so tests advance a fake clock instead of sleeping.
// The first poll happens right after the initiation; waits grow from
// initial_backoff by `multiplier` up to max_backoff and never past the
// deadline. One last poll is made at the deadline.
//
// Errors (refusals, identity/refusal.h): kAgreementTerminated with EDC's
// errorDetail when the negotiation ends TERMINATED; kAgreementPending
// (DeadlineExceeded) naming the last state when the timeout passes;
// transport and API errors of the client as they are.
// Ownership: borrows client, clock and sleeper. Threading: one call per
// thread; the collaborators must be thread-safe if shared.
#ifndef DSFL_CONNECTOR_ADAPTERS_EDC_NEGOTIATOR_H_
#define DSFL_CONNECTOR_ADAPTERS_EDC_NEGOTIATOR_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/clock.h"
#include "common/status.h"
#include "connector-adapters/edc/management_client.h"

namespace dsfl::edc {

// Waits; the production one sleeps, tests advance a fake clock.
class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual void SleepFor(absl::Duration duration) = 0;
};
// absl::SleepFor; process-wide, never destroyed.
Sleeper& RealSleeper();

struct NegotiationOptions {
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
  double multiplier = 2.0;
  absl::Duration timeout = absl::Minutes(2);
  // Called with every distinct state as it is seen, also when the
  // negotiation then fails (the caller's record of states_seen); may be
  // empty.
  std::function<void(const std::string& negotiation_id, NegotiationState)>
      on_state;
};

struct NegotiationOutcome {
  std::string negotiation_id;
  ContractAgreement agreement;
  std::vector<NegotiationState> states_seen;  // Distinct, in order.
};

StatusOr<NegotiationOutcome> NegotiateContract(
    ManagementApiClient& client, const ContractRequest& request,
    const NegotiationOptions& options, const Clock& clock, Sleeper& sleeper);

// Polls an already initiated negotiation (same rules as above).
StatusOr<NegotiationOutcome> AwaitAgreement(ManagementApiClient& client,
                                            const std::string& negotiation_id,
                                            const NegotiationOptions& options,
                                            const Clock& clock,
                                            Sleeper& sleeper);

}  // namespace dsfl::edc

#endif  // DSFL_CONNECTOR_ADAPTERS_EDC_NEGOTIATOR_H_
