#include "connector-adapters/edc/negotiator.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::edc {
namespace {

using identity::Reason;
using identity::Refuse;

class RealSleeperImpl final : public Sleeper {
 public:
  void SleepFor(absl::Duration duration) override { absl::SleepFor(duration); }
};

}  // namespace

Sleeper& RealSleeper() {
  static RealSleeperImpl* sleeper = new RealSleeperImpl();
  return *sleeper;
}

StatusOr<NegotiationOutcome> AwaitAgreement(ManagementApiClient& client,
                                            const std::string& negotiation_id,
                                            const NegotiationOptions& options,
                                            const Clock& clock,
                                            Sleeper& sleeper) {
  NegotiationOutcome outcome;
  outcome.negotiation_id = negotiation_id;
  const absl::Time deadline = clock.Now() + options.timeout;
  absl::Duration backoff = options.initial_backoff;
  NegotiationState state = NegotiationState::kInitial;
  while (true) {
    DSFL_ASSIGN_OR_RETURN(state, client.GetNegotiationState(negotiation_id));
    if (outcome.states_seen.empty() || outcome.states_seen.back() != state) {
      outcome.states_seen.push_back(state);
      if (options.on_state) options.on_state(negotiation_id, state);
    }
    if (IsFinal(state)) break;
    const absl::Time now = clock.Now();
    if (now >= deadline) {
      return Refuse(
          Reason::kAgreementPending,
          absl::StrCat("negotiation ", negotiation_id, " is still ",
                       std::string(NegotiationStateName(state)), " after ",
                       absl::FormatDuration(options.timeout)));
    }
    sleeper.SleepFor(std::min(backoff, deadline - now));
    backoff = std::min(options.max_backoff, backoff * options.multiplier);
  }
  if (state == NegotiationState::kTerminated) {
    std::string detail;
    StatusOr<ContractNegotiation> negotiation =
        client.GetNegotiation(negotiation_id);
    if (negotiation.ok()) detail = negotiation->error_detail;
    return Refuse(
        Reason::kAgreementTerminated,
        absl::StrCat("negotiation ", negotiation_id, " was TERMINATED",
                     detail.empty() ? "" : ": ", detail));
  }
  DSFL_ASSIGN_OR_RETURN(outcome.agreement,
                        client.GetNegotiationAgreement(negotiation_id));
  return outcome;
}

StatusOr<NegotiationOutcome> NegotiateContract(
    ManagementApiClient& client, const ContractRequest& request,
    const NegotiationOptions& options, const Clock& clock, Sleeper& sleeper) {
  DSFL_ASSIGN_OR_RETURN(IdResponse initiated,
                        client.InitiateNegotiation(request));
  return AwaitAgreement(client, initiated.id, options, clock, sleeper);
}

}  // namespace dsfl::edc
