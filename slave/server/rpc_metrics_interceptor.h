// RpcMetricsInterceptorFactory: a gRPC server interceptor that counts every
// RPC the slave answers, by method and status code, into SlaveMetrics, and
// records a failed one (except CANCELLED: the client went away or gave up)
// as the last error, "Slave/Train: PERMISSION_DENIED: <message>". It sees
// the final status only, never messages. Covers every service registered
// on the server (dsfl.v1.Slave, dsfl.v1.Analytics) without touching their
// handlers.
//
// Install with ServerBuilder::experimental().SetInterceptorCreators before
// BuildAndStart. `metrics` is not owned and must outlive the server.
// Thread-safe (gRPC creates one interceptor per call).
#ifndef DSFL_SLAVE_SERVER_RPC_METRICS_INTERCEPTOR_H_
#define DSFL_SLAVE_SERVER_RPC_METRICS_INTERCEPTOR_H_

#include <grpcpp/support/server_interceptor.h>

#include <string>

#include "slave/server/slave_metrics.h"

namespace dsfl::slave {

// "/dsfl.v1.Slave/Train" -> "Slave/Train".
std::string ShortMethodName(const std::string& full_method);

class RpcMetricsInterceptorFactory
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RpcMetricsInterceptorFactory(SlaveMetrics* metrics)
      : metrics_(metrics) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  SlaveMetrics* metrics_;
};

}  // namespace dsfl::slave

#endif  // DSFL_SLAVE_SERVER_RPC_METRICS_INTERCEPTOR_H_
