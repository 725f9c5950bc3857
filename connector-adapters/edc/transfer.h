// Transfer-process resources of the EDC Management API v3, read leniently:
// TransferProcess (and query arrays), TransferState and the EDR
// DataAddress. dsfl's master does not pull data, but a slave's connector
// may, and the Management API client must understand every resource its
// connector returns.
//
// Errors: InvalidArgument naming the missing member. Threading: values.
#ifndef DSFL_CONNECTOR_ADAPTERS_EDC_TRANSFER_H_
#define DSFL_CONNECTOR_ADAPTERS_EDC_TRANSFER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl::edc {

struct TransferProcess {
  std::string id;
  std::string state;  // e.g. "STARTED"
  std::string type;   // "CONSUMER" or "PROVIDER"
  std::string asset_id;
  std::string contract_id;
  std::string transfer_type;
  std::string correlation_id;
  std::string error_detail;
  std::optional<int64_t> state_timestamp;
};
StatusOr<TransferProcess> ParseTransferProcess(const nlohmann::json& json);
StatusOr<std::vector<TransferProcess>> ParseTransferProcessList(
    const nlohmann::json& json);
// {"@type":"TransferState","state":"STARTED"} -> "STARTED".
StatusOr<std::string> ParseTransferState(const nlohmann::json& json);

struct DataAddress {
  std::string type;
  std::string endpoint;
  std::string auth_type;
  std::string authorization;  // Sent as-is, without "Bearer ".
  std::string endpoint_type;
};
StatusOr<DataAddress> ParseDataAddress(const nlohmann::json& json);

}  // namespace dsfl::edc

#endif  // DSFL_CONNECTOR_ADAPTERS_EDC_TRANSFER_H_
