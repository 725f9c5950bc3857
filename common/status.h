// Status and result types used between all dsfl modules.
//
// dsfl returns errors as values (absl::Status / absl::StatusOr<T>) across
// module boundaries. Exceptions thrown by third-party libraries (libtorch,
// nlohmann_json, OpenSSL wrappers) are caught at the boundary of the module
// that calls them and converted into a Status whose message names the field,
// value or file involved.
#ifndef DSFL_COMMON_STATUS_H_
#define DSFL_COMMON_STATUS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dsfl {

using Status = absl::Status;
template <typename T>
using StatusOr = absl::StatusOr<T>;

}  // namespace dsfl

#define DSFL_STATUS_CONCAT_INNER_(a, b) a##b
#define DSFL_STATUS_CONCAT_(a, b) DSFL_STATUS_CONCAT_INNER_(a, b)

// Returns from the current function if `expr` yields a non-OK status.
#define DSFL_RETURN_IF_ERROR(expr)                  \
  do {                                              \
    ::absl::Status dsfl_status_ = (expr);           \
    if (!dsfl_status_.ok()) return dsfl_status_;    \
  } while (false)

// Evaluates `rexpr` (a StatusOr), returns its status on error, otherwise
// move-assigns the value to `lhs` (which may be a declaration).
#define DSFL_ASSIGN_OR_RETURN(lhs, rexpr)                                    \
  DSFL_ASSIGN_OR_RETURN_IMPL_(DSFL_STATUS_CONCAT_(dsfl_statusor_, __LINE__), \
                              lhs, rexpr)
#define DSFL_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                \
  if (!statusor.ok()) return statusor.status();           \
  lhs = std::move(statusor).value()

#endif  // DSFL_COMMON_STATUS_H_
