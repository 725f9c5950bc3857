// GrpcSlaveClient: SlaveClient over the dsfl.v1.Slave gRPC service.
//
// Uses the synchronous client API on the round engine's worker threads (the
// master serves no RPCs here, so blocking these threads is by design). Each
// call sets the gRPC deadline from CallOptions and maps cancellation of the
// CallOptions token to ClientContext::TryCancel. Models stream in chunks on
// the job's grid; updates are handed to the UpdateSink chunk by chunk as
// they are read, never assembled.
//
// Performance (docs/performance.md): Train and Evaluate run as raw-bytes
// calls carrying the same dsfl.v1 messages; outgoing chunks alias the
// model's buffer (no protobuf copy), incoming chunks are decoded in place
// from one reusable buffer. The global model's digest comes with it
// (HashedModel: computed once per round, not once per slave). At most 2 x cores
// model transfers run at once across all clients of the process (slaves
// still train in parallel), which bounds the master's buffers however many
// slaves there are; waiting for a turn honours deadline and cancellation.
//
// Dataspace admission (master/transport/dataspace_admission.h) uses two
// more calls on the same channel: GetInfo with the server's certificate
// (read from the call's auth context, for the TLS key binding) and
// Authorize. A client constructed with the session id Authorize returned
// puts it in the JobContext of every job call (ComputeMoments,
// InitializeModel, Train, Evaluate), whatever the caller's context says.
//
// Errors: the slave's gRPC status converted to absl (its message kept), or
// the sink's error (the RPC is then cancelled). Thread-safe: concurrent
// calls share one channel.
#ifndef DSFL_MASTER_TRANSPORT_GRPC_SLAVE_CLIENT_H_
#define DSFL_MASTER_TRANSPORT_GRPC_SLAVE_CLIENT_H_

#include <map>
#include <memory>
#include <string>

#include "dsfl/v1/slave.grpc.pb.h"
#include "common/tls/grpc_credentials.h"
#include "grpcpp/channel.h"
#include "master/core/job_spec.h"
#include "master/core/slave_client.h"

namespace dsfl::master {

// What the master asks in Authorize (dsfl.v1.AuthorizeRequest).
struct AuthorizeCall {
  std::string job_id;
  std::string master_did;
  std::string agreement_id;
  std::string model_sha256;  // training::ModelDefinitionSha256, hex
  TrainingPlan plan;
  std::map<std::string, std::string> privacy;
  std::string master_presentation;  // VP-JWT for the slave, or ""
  std::string master_access_token;  // for the master's DCP service, or ""
};

// The slave's answer (dsfl.v1.AuthorizeResponse).
struct AuthorizeAnswer {
  bool admitted = false;
  std::string reason;   // identity::ReasonName of a refusal
  std::string message;  // human-readable detail
  std::string session_id;
};

class GrpcSlaveClient : public SlaveClient {
 public:
  // `session_id`: the admitted session every job call carries ("" outside
  // the dataspace).
  GrpcSlaveClient(std::shared_ptr<grpc::Channel> channel, uint32_t chunk_bytes,
                  std::string session_id = "");

  StatusOr<NodeInfo> GetInfo(const CallOptions& options) override;
  // GetInfo, also returning the certificate the server presented on this
  // call (Unauthenticated on a plaintext channel).
  StatusOr<NodeInfo> GetInfo(const CallOptions& options,
                             StatusOr<tls::PeerIdentity>* server);
  // A refusal is an answer (admitted = false); errors are the RPC's (e.g.
  // FailedPrecondition from a slave without a dataspace configuration).
  StatusOr<AuthorizeAnswer> Authorize(const AuthorizeCall& call,
                                      const CallOptions& options);

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  const std::string& session_id() const { return session_id_; }
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
  std::shared_ptr<grpc::Channel> channel_;  // shared with gRPC internals
  std::unique_ptr<v1::Slave::Stub> stub_;
  uint32_t chunk_bytes_;
  const std::string session_id_;

  JobContext WithSession(const JobContext& job) const;
};

// Opens a channel to `endpoint`: mutual TLS with the job's certificates
// (the slave's certificate must name endpoint.tls_name), or plaintext when
// `insecure`. Errors name the file that could not be read. The first call
// caps glibc's malloc arenas at 2 for the process (mallopt M_ARENA_MAX):
// with one arena per thread, a master serving many slaves keeps ~2 MiB per
// slave of freed chunk buffers (docs/performance.md).
StatusOr<std::unique_ptr<GrpcSlaveClient>> ConnectSlave(
    const SlaveEndpoint& endpoint, const TlsPaths& tls, bool insecure,
    uint32_t chunk_bytes);
// The same channel setup from already loaded TLS material (mutual TLS).
std::shared_ptr<grpc::Channel> OpenSlaveChannel(const SlaveEndpoint& endpoint,
                                                const tls::TlsFiles& files);

}  // namespace dsfl::master

#endif  // DSFL_MASTER_TRANSPORT_GRPC_SLAVE_CLIENT_H_
