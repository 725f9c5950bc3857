// The dev dataspace's contract negotiation state machine: the state a
// consumer-side EDC negotiation shows `elapsed` after it was initiated,
// one state per `step` along the path EDC logs show:
//   agree:     INITIAL, REQUESTING, REQUESTED, AGREED, VERIFYING, VERIFIED,
//              FINALIZED
//   terminate: INITIAL, REQUESTING, REQUESTED, TERMINATED
//   stall:     INITIAL, REQUESTING, REQUESTED (forever)
// A zero step jumps straight to the end of the path. Pure; thread-safe.
#ifndef DSFL_CONNECTOR_ADAPTERS_DEVSPACE_NEGOTIATION_MACHINE_H_
#define DSFL_CONNECTOR_ADAPTERS_DEVSPACE_NEGOTIATION_MACHINE_H_

#include "absl/time/time.h"
#include "connector-adapters/devspace/devspace_config.h"
#include "connector-adapters/edc/negotiation.h"

namespace dsfl::devspace {

edc::NegotiationState NegotiationStateAt(NegotiationBehaviour behaviour,
                                         absl::Duration elapsed,
                                         absl::Duration step);

}  // namespace dsfl::devspace

#endif  // DSFL_CONNECTOR_ADAPTERS_DEVSPACE_NEGOTIATION_MACHINE_H_
