// GrpcSlaveClient: SlaveClient over the dsfl.v1.Slave gRPC service.
//
// Uses the synchronous client API on the round engine's worker threads (the
// master serves no RPCs here, so blocking these threads is by design). Each
// call sets the gRPC deadline from CallOptions and maps cancellation of the
// CallOptions token to ClientContext::TryCancel. Models stream in chunks on
// the job's grid; updates are handed to the UpdateSink chunk by chunk as
// they are read, never assembled.
//
// Errors: the slave's gRPC status converted to absl (its message kept), or
// the sink's error (the RPC is then cancelled). Thread-safe: concurrent
// calls share one channel.
#ifndef DSFL_MASTER_TRANSPORT_GRPC_SLAVE_CLIENT_H_
#define DSFL_MASTER_TRANSPORT_GRPC_SLAVE_CLIENT_H_

#include <memory>
#include <string>

#include "dsfl/v1/slave.grpc.pb.h"
#include "grpcpp/channel.h"
#include "master/core/job_spec.h"
#include "master/core/slave_client.h"

namespace dsfl::master {

class GrpcSlaveClient : public SlaveClient {
 public:
  GrpcSlaveClient(std::shared_ptr<grpc::Channel> channel,
                  uint32_t chunk_bytes);

  StatusOr<NodeInfo> GetInfo(const CallOptions& options) override;
  StatusOr<ColumnMoments> ComputeMoments(const JobContext& job,
                                         const DataSpec& data,
                                         const CallOptions& options) override;
  StatusOr<FlatModel> InitializeModel(const JobContext& job,
                                      const ModelDefinition& model,
                                      const DataSpec& data, uint64_t seed,
                                      const CallOptions& options) override;
  Status Train(const TrainCall& call, const FlatModel& global,
               UpdateSink* sink, const CallOptions& options) override;
  StatusOr<EvalSummary> Evaluate(const EvaluateCall& call,
                                 const FlatModel& model,
                                 const CallOptions& options) override;

 private:
  std::shared_ptr<grpc::Channel> channel_;  // shared with gRPC internals
  std::unique_ptr<v1::Slave::Stub> stub_;
  uint32_t chunk_bytes_;
};

// Opens a channel to `endpoint`: mutual TLS with the job's certificates
// (the slave's certificate must name endpoint.tls_name), or plaintext when
// `insecure`. Errors name the file that could not be read.
StatusOr<std::unique_ptr<GrpcSlaveClient>> ConnectSlave(
    const SlaveEndpoint& endpoint, const TlsPaths& tls, bool insecure,
    uint32_t chunk_bytes);

}  // namespace dsfl::master

#endif  // DSFL_MASTER_TRANSPORT_GRPC_SLAVE_CLIENT_H_
