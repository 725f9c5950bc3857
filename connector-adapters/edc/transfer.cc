#include "connector-adapters/edc/transfer.h"

#include "absl/strings/str_cat.h"
#include "connector-adapters/edc/jsonld.h"

namespace dsfl::edc {

using jsonld::Find;
using jsonld::TextOf;

StatusOr<TransferProcess> ParseTransferProcess(const nlohmann::json& json) {
  if (!json.is_object()) {
    return absl::InvalidArgumentError("TransferProcess: not an object");
  }
  TransferProcess process;
  process.id = jsonld::Id(json);
  process.state = TextOf(json, "state");
  if (process.id.empty() || process.state.empty()) {
    return absl::InvalidArgumentError(
        "TransferProcess: '@id' and 'state' are required");
  }
  process.type = TextOf(json, "type");
  process.asset_id = TextOf(json, "assetId");
  process.contract_id = TextOf(json, "contractId");
  process.transfer_type = TextOf(json, "transferType");
  process.correlation_id = TextOf(json, "correlationId");
  process.error_detail = TextOf(json, "errorDetail");
  process.state_timestamp = jsonld::Integer(Find(json, "stateTimestamp"));
  return process;
}

StatusOr<std::vector<TransferProcess>> ParseTransferProcessList(
    const nlohmann::json& json) {
  if (!json.is_array()) {
    return absl::InvalidArgumentError("transfer process query: not an array");
  }
  std::vector<TransferProcess> processes;
  for (const auto& item : json) {
    DSFL_ASSIGN_OR_RETURN(TransferProcess process, ParseTransferProcess(item));
    processes.push_back(std::move(process));
  }
  return processes;
}

StatusOr<std::string> ParseTransferState(const nlohmann::json& json) {
  std::string state = json.is_object() ? TextOf(json, "state") : "";
  if (state.empty()) {
    return absl::InvalidArgumentError("TransferState: 'state' is missing");
  }
  return state;
}

StatusOr<DataAddress> ParseDataAddress(const nlohmann::json& json) {
  if (!json.is_object()) {
    return absl::InvalidArgumentError("DataAddress: not an object");
  }
  DataAddress address;
  address.type = TextOf(json, "type");
  address.endpoint = TextOf(json, "endpoint");
  address.auth_type = TextOf(json, "authType");
  address.authorization = TextOf(json, "authorization");
  address.endpoint_type = TextOf(json, "endpointType");
  if (address.endpoint.empty()) {
    return absl::InvalidArgumentError("DataAddress: 'endpoint' is missing");
  }
  return address;
}

}  // namespace dsfl::edc
