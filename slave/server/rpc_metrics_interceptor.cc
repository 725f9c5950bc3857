#include "slave/server/rpc_metrics_interceptor.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace dsfl::slave {
namespace {

using grpc::experimental::InterceptionHookPoints;

class RpcMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  RpcMetricsInterceptor(std::string method, SlaveMetrics* metrics)
      : method_(std::move(method)), metrics_(metrics) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      // gRPC's status codes are absl's, number for number.
      const std::string code = absl::StatusCodeToString(
          static_cast<absl::StatusCode>(status.error_code()));
      metrics_->RecordRpc(method_, code);
      if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
        metrics_->SetLastError(
            absl::StrCat(method_, ": ", code, ": ", status.error_message()));
      }
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  SlaveMetrics* metrics_;
};

}  // namespace

std::string ShortMethodName(const std::string& full_method) {
  std::string name = full_method;
  if (!name.empty() && name.front() == '/') name.erase(0, 1);
  const size_t slash = name.find('/');
  const size_t dot = name.rfind('.', slash);
  if (slash != std::string::npos && dot != std::string::npos) {
    name.erase(0, dot + 1);  // the package: "dsfl.v1."
  }
  return name;
}

grpc::experimental::Interceptor*
RpcMetricsInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  // The label comes from the caller's request line: only our own services'
  // methods get their name, so a caller cannot grow the label set.
  const std::string full_method = info->method() ? info->method() : "";
  const bool ours = full_method.rfind("/dsfl.v1.", 0) == 0;
  return new RpcMetricsInterceptor(ours ? ShortMethodName(full_method) : "other",
                                   metrics_);
}

}  // namespace dsfl::slave
