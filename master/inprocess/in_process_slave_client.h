// InProcessSlaveClient: a SlaveClient that calls a SlaveCore in this
// process. Simulations (`dsfl simulate`) and the federation tests use it to
// run the real slave code (data limits, training) without a network. The
// update still reaches the engine as header + grid-aligned chunks, so
// aggregation sees exactly what it sees over gRPC.
//
// Cancellation is honoured by the training loop (through the token's flag);
// a call whose deadline has passed returns DeadlineExceeded.
// Thread-safe (SlaveCore is). `core` is not owned.
#ifndef DSFL_MASTER_INPROCESS_IN_PROCESS_SLAVE_CLIENT_H_
#define DSFL_MASTER_INPROCESS_IN_PROCESS_SLAVE_CLIENT_H_

#include "master/core/slave_client.h"
#include "slave/core/slave_core.h"

namespace dsfl::master {

class InProcessSlaveClient : public SlaveClient {
 public:
  InProcessSlaveClient(slave::SlaveCore* core, uint32_t chunk_bytes)
      : core_(core), chunk_bytes_(chunk_bytes) {}

  StatusOr<NodeInfo> GetInfo(const CallOptions& options) override;
  StatusOr<ColumnMoments> ComputeMoments(const JobContext& job,
                                         const DataSpec& data,
                                         const CallOptions& options) override;
  StatusOr<FlatModel> InitializeModel(const JobContext& job,
                                      const ModelDefinition& model,
                                      const DataSpec& data, uint64_t seed,
                                      const CallOptions& options) override;
  Status Train(const TrainCall& call, const HashedModel& global,
               UpdateSink* sink, const CallOptions& options) override;
  StatusOr<EvalSummary> Evaluate(const EvaluateCall& call,
                                 const HashedModel& model,
                                 const CallOptions& options) override;

 private:
  slave::SlaveCore* core_;
  uint32_t chunk_bytes_;
};

}  // namespace dsfl::master

#endif  // DSFL_MASTER_INPROCESS_IN_PROCESS_SLAVE_CLIENT_H_
