// SlaveService: the dsfl.v1.Slave gRPC service on the callback API.
//
// Handlers never block: each RPC's reactor collects the request stream,
// hands the work to the WorkerPool, and streams results back from the
// worker's completion. Training progress is forwarded as it happens (only
// the latest progress is kept while a write is in flight). A cancelled RPC
// (client gone, deadline) cancels its training through a
// CancellationToken; Shutdown() cancels every running call.
//
// Incoming models are validated chunk by chunk (ModelStreamReceiver) before
// any training starts; a bad header, chunk, digest or config ends the call
// with INVALID_ARGUMENT / DATA_LOSS and a message saying what was wrong.
//
// Dataspace admission (docs/dataspace.md): with a SlaveAdmission, Authorize
// runs its checks on a worker and answers admitted (with a session id) or
// refused (reason, message); without one it fails FAILED_PRECONDITION (a
// static federation). With an enabled SessionGate, ComputeMoments,
// InitializeModel, Train and Evaluate are refused PERMISSION_DENIED (and
// audited) unless their JobContext carries a session admitted for that job
// to the same TLS peer, and InitializeModel/Train/Evaluate unless the model
// is the admitted one; the check comes before any data is read, any model
// is received or any training starts.
//
// Ownership: `core`, `pool` and the DataspaceHooks are not owned and must
// outlive the gRPC server. Thread-safe.
#ifndef DSFL_SLAVE_SERVICE_SLAVE_SERVICE_H_
#define DSFL_SLAVE_SERVICE_SLAVE_SERVICE_H_

#include <mutex>
#include <set>

#include "common/cancellation.h"
#include "dsfl/v1/slave.grpc.pb.h"
#include "slave/core/slave_core.h"
#include "slave/core/worker_pool.h"
#include "slave/server/slave_metrics.h"
#include "slave/service/session_gate.h"
#include "slave/service/slave_admission.h"

namespace dsfl::slave {

// The dataspace parts of the service; all null = a static federation.
struct DataspaceHooks {
  SlaveAdmission* admission = nullptr;  // answers Authorize
  const SessionGate* gate = nullptr;    // checks every job call
  SlaveMetrics* metrics = nullptr;      // counts Authorize decisions
};

// The callback service with Train and Evaluate as raw-bytes methods (the
// same dsfl.v1 messages on the wire; model chunks skip protobuf,
// proto/model_wire.h).
using SlaveServiceBase = v1::Slave::WithCallbackMethod_GetInfo<
    v1::Slave::WithCallbackMethod_Authorize<
        v1::Slave::WithCallbackMethod_ComputeMoments<
            v1::Slave::WithCallbackMethod_InitializeModel<
                v1::Slave::WithRawCallbackMethod_Train<
                    v1::Slave::WithRawCallbackMethod_Evaluate<
                        v1::Slave::Service>>>>>>;

class SlaveService final : public SlaveServiceBase {
 public:
  SlaveService(SlaveCore* core, WorkerPool* pool, DataspaceHooks hooks = {});

  grpc::ServerUnaryReactor* GetInfo(grpc::CallbackServerContext* context,
                                    const v1::GetInfoRequest* request,
                                    v1::NodeInfo* response) override;
  grpc::ServerUnaryReactor* Authorize(grpc::CallbackServerContext* context,
                                      const v1::AuthorizeRequest* request,
                                      v1::AuthorizeResponse* response) override;
  grpc::ServerUnaryReactor* ComputeMoments(
      grpc::CallbackServerContext* context, const v1::MomentsRequest* request,
      v1::MomentsResponse* response) override;
  grpc::ServerWriteReactor<v1::ModelMessage>* InitializeModel(
      grpc::CallbackServerContext* context,
      const v1::InitializeRequest* request) override;
  grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>* Train(
      grpc::CallbackServerContext* context) override;
  grpc::ServerReadReactor<grpc::ByteBuffer>* Evaluate(
      grpc::CallbackServerContext* context,
      grpc::ByteBuffer* response) override;

  // Cancels every call in progress; new calls fail with UNAVAILABLE.
  void Shutdown();

  // For reactors: cancellation of in-flight work.
  bool Track(CancellationToken* token);
  void Untrack(CancellationToken* token);

  SlaveCore* core() const { return core_; }
  WorkerPool* pool() const { return pool_; }
  const SessionGate& gate() const { return *gate_; }

 private:
  void AnswerAuthorize(const grpc::AuthContext* auth,
                       const v1::AuthorizeRequest& request,
                       v1::AuthorizeResponse* response,
                       grpc::ServerUnaryReactor* reactor);

  SlaveCore* core_;
  WorkerPool* pool_;
  DataspaceHooks hooks_;
  const SessionGate* gate_;  // hooks_.gate, or a disabled gate
  std::mutex mu_;
  bool shutting_down_ = false;
  std::set<CancellationToken*> active_;
};

}  // namespace dsfl::slave

#endif  // DSFL_SLAVE_SERVICE_SLAVE_SERVICE_H_
