#include "common/grpc_logging.h"

#include <grpc/support/log.h>

#include <memory>

#include "spdlog/spdlog.h"

namespace dsfl {
namespace {

std::shared_ptr<spdlog::logger>& GrpcLogger() {
  static auto* logger = new std::shared_ptr<spdlog::logger>();
  return *logger;
}

void LogToSpdlog(gpr_log_func_args* args) {
  const std::shared_ptr<spdlog::logger>& logger = GrpcLogger();
  if (logger == nullptr) return;
  spdlog::level::level_enum level = spdlog::level::err;
  if (args->severity == GPR_LOG_SEVERITY_DEBUG) level = spdlog::level::debug;
  if (args->severity == GPR_LOG_SEVERITY_INFO) level = spdlog::level::info;
  logger->log(level, "{} ({}:{})", args->message,
              args->file != nullptr ? args->file : "?", args->line);
}

}  // namespace

void RouteGrpcLogsToSpdlog() {
  // Shares the default logger's sinks: a later SetLogFormat() applies here.
  GrpcLogger() = spdlog::default_logger()->clone("grpc");
  gpr_set_log_function(LogToSpdlog);
}

}  // namespace dsfl
