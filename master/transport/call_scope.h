// CallScope: applies the master's CallOptions (deadline, cancellation) to a
// gRPC ClientContext for the lifetime of one call. Cancelling the options'
// token calls ClientContext::TryCancel. Used by every gRPC client of the
// master (training and analytics). Not copyable; one per call.
#ifndef DSFL_MASTER_TRANSPORT_CALL_SCOPE_H_
#define DSFL_MASTER_TRANSPORT_CALL_SCOPE_H_

#include "grpcpp/client_context.h"
#include "master/core/slave_client.h"

namespace dsfl::master {

class CallScope {
 public:
  CallScope(grpc::ClientContext* context, const CallOptions& options)
      : cancel_(options.cancel) {
    if (options.deadline != absl::InfiniteFuture()) {
      context->set_deadline(absl::ToChronoTime(options.deadline));
    }
    if (cancel_ != nullptr) {
      id_ = cancel_->Register([context] { context->TryCancel(); });
    }
  }
  ~CallScope() {
    if (cancel_ != nullptr && id_ != 0) cancel_->Unregister(id_);
  }
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

 private:
  CancellationToken* cancel_;
  uint64_t id_ = 0;
};

}  // namespace dsfl::master

#endif  // DSFL_MASTER_TRANSPORT_CALL_SCOPE_H_
