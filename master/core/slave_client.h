// SlaveClient: how the master's round engine talks to one slave, whatever
// the transport. Implementations: GrpcSlaveClient (master/transport, gRPC
// over mutual TLS) and InProcessSlaveClient (master/inprocess, the same
// slave code in this process, for simulation and tests). Nothing in the
// round engine, strategies or aggregation includes gRPC headers.
//
// Every call blocks the calling thread (the engine's own worker threads,
// never an RPC handler) until it completes, `options.deadline` passes
// (DeadlineExceeded) or `options.cancel` fires (Cancelled). Errors carry the
// slave's reason, e.g. a refused disclosure limit or a training failure.
//
// Thread-safety: implementations allow concurrent calls.
#ifndef DSFL_MASTER_CORE_SLAVE_CLIENT_H_
#define DSFL_MASTER_CORE_SLAVE_CLIENT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/cancellation.h"
#include "common/flat_model.h"
#include "common/model_stream.h"
#include "common/status.h"
#include "master/core/job_types.h"

namespace dsfl::master {

struct CallOptions {
  absl::Time deadline = absl::InfiniteFuture();
  CancellationToken* cancel = nullptr;  // not owned; may be null
};

struct NodeInfo {
  std::string node_id;
  std::string display_name;
  std::string version;
  std::string dataset_source;
  int64_t num_rows = 0;
  std::vector<std::string> columns;
};

struct TrainSummary {
  int64_t num_examples = 0;
  double loss_before = 0.0;
  double loss_after = 0.0;
  double train_seconds = 0.0;
};

struct EvalSummary {
  int64_t num_examples = 0;
  double loss = 0.0;
  std::optional<double> c_index;
  std::optional<double> auc;
};

// Receives one slave's update as it streams in. The client calls OnProgress
// any number of times, then OnResult, OnHeader, OnChunk for each chunk and
// OnEnd, on the thread that called Train. A non-OK return aborts the call
// (the client cancels the RPC) and Train returns that status.
class UpdateSink {
 public:
  virtual ~UpdateSink() = default;
  virtual void OnProgress(int64_t epoch, double loss) = 0;
  virtual Status OnResult(const TrainSummary& summary) = 0;
  virtual Status OnHeader(StreamHeader header) = 0;
  // A chunk as the transport delivered it: the concatenation of `pieces`.
  virtual Status OnChunk(uint64_t offset,
                         absl::Span<const std::string_view> pieces) = 0;
  Status OnChunk(uint64_t offset, std::string_view bytes) {
    return OnChunk(offset, absl::MakeConstSpan(&bytes, 1));
  }
  virtual Status OnEnd() = 0;
};

class SlaveClient {
 public:
  virtual ~SlaveClient() = default;

  virtual StatusOr<NodeInfo> GetInfo(const CallOptions& options) = 0;
  virtual StatusOr<ColumnMoments> ComputeMoments(const JobContext& job,
                                                 const DataSpec& data,
                                                 const CallOptions& options) = 0;
  virtual StatusOr<FlatModel> InitializeModel(const JobContext& job,
                                              const ModelDefinition& model,
                                              const DataSpec& data,
                                              uint64_t seed,
                                              const CallOptions& options) = 0;
  // Streams `global` to the slave and the update into `sink`. The digest
  // travels with the model (one model is sent to every slave of a round and
  // hashed once, by its owner).
  virtual Status Train(const TrainCall& call, const HashedModel& global,
                       UpdateSink* sink, const CallOptions& options) = 0;
  virtual StatusOr<EvalSummary> Evaluate(const EvaluateCall& call,
                                         const HashedModel& model,
                                         const CallOptions& options) = 0;
};

}  // namespace dsfl::master

#endif  // DSFL_MASTER_CORE_SLAVE_CLIENT_H_
