// CoreObserver: what a SlaveCore did, reported after each call, for
// monitoring (slave/server/slave_metrics.h counts it for /metrics). It sees
// sizes, durations and outcomes only, never data or model values.
//
// Model sizes are the models' payload (float32 parameters x 4 bytes): what
// the slave received from the master to train or evaluate, and the update
// or initial model it hands back to the transport.
//
// Threading: called on the worker thread that ran the call, from several
// at once; implementations must be thread-safe and must not block.
#ifndef DSFL_SLAVE_CORE_CORE_OBSERVER_H_
#define DSFL_SLAVE_CORE_CORE_OBSERVER_H_

#include <cstdint>

#include "absl/time/time.h"

namespace dsfl::slave {

struct TrainObservation {
  bool ok = false;  // trained and the update is ready
  uint64_t model_bytes_received = 0;
  uint64_t model_bytes_sent = 0;  // 0 when !ok
  absl::Duration duration;        // the whole call: data, checks, training
};

struct EvaluateObservation {
  bool ok = false;
  uint64_t model_bytes_received = 0;
};

struct InitializeObservation {
  bool ok = false;
  uint64_t model_bytes_sent = 0;  // 0 when !ok
};

class CoreObserver {
 public:
  virtual ~CoreObserver() = default;
  virtual void OnTrain(const TrainObservation& /*train*/) {}
  virtual void OnEvaluate(const EvaluateObservation& /*evaluate*/) {}
  virtual void OnInitialize(const InitializeObservation& /*initialize*/) {}
};

}  // namespace dsfl::slave

#endif  // DSFL_SLAVE_CORE_CORE_OBSERVER_H_
