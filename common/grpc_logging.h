// Routes gRPC's own log messages (gpr_log: handshake failures, connection
// errors, at the severity GRPC_VERBOSITY allows, ERROR by default) through
// spdlog, as logger "grpc", so that they follow the daemon's log format
// (common/logging.h): with `--log-format json` every line on the daemon's
// output is then a JSON object, gRPC's included.
//
// Call once in main(), before gRPC starts threads. The sink is spdlog's
// default logger at call time (its sinks, hence its format).
// Threading: gRPC calls the hook from any of its threads; spdlog is
// thread-safe.
#ifndef DSFL_COMMON_GRPC_LOGGING_H_
#define DSFL_COMMON_GRPC_LOGGING_H_

namespace dsfl {

void RouteGrpcLogsToSpdlog();

}  // namespace dsfl

#endif  // DSFL_COMMON_GRPC_LOGGING_H_
