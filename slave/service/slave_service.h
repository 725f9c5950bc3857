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
// Ownership: `core` and `pool` are not owned and must outlive the gRPC
// server. Thread-safe.
#ifndef DSFL_SLAVE_SERVICE_SLAVE_SERVICE_H_
#define DSFL_SLAVE_SERVICE_SLAVE_SERVICE_H_

#include <mutex>
#include <set>

#include "common/cancellation.h"
#include "dsfl/v1/slave.grpc.pb.h"
#include "slave/core/slave_core.h"
#include "slave/core/worker_pool.h"

namespace dsfl::slave {

class SlaveService final : public v1::Slave::CallbackService {
 public:
  SlaveService(SlaveCore* core, WorkerPool* pool);

  grpc::ServerUnaryReactor* GetInfo(grpc::CallbackServerContext* context,
                                    const v1::GetInfoRequest* request,
                                    v1::NodeInfo* response) override;
  grpc::ServerUnaryReactor* ComputeMoments(
      grpc::CallbackServerContext* context, const v1::MomentsRequest* request,
      v1::MomentsResponse* response) override;
  grpc::ServerWriteReactor<v1::ModelMessage>* InitializeModel(
      grpc::CallbackServerContext* context,
      const v1::InitializeRequest* request) override;
  grpc::ServerBidiReactor<v1::TrainRequest, v1::TrainResponse>* Train(
      grpc::CallbackServerContext* context) override;
  grpc::ServerReadReactor<v1::EvaluateRequest>* Evaluate(
      grpc::CallbackServerContext* context,
      v1::EvaluateResponse* response) override;

  // Cancels every call in progress; new calls fail with UNAVAILABLE.
  void Shutdown();

  // For reactors: cancellation of in-flight work.
  bool Track(CancellationToken* token);
  void Untrack(CancellationToken* token);

  SlaveCore* core() const { return core_; }
  WorkerPool* pool() const { return pool_; }

 private:
  SlaveCore* core_;
  WorkerPool* pool_;
  std::mutex mu_;
  bool shutting_down_ = false;
  std::set<CancellationToken*> active_;
};

}  // namespace dsfl::slave

#endif  // DSFL_SLAVE_SERVICE_SLAVE_SERVICE_H_
