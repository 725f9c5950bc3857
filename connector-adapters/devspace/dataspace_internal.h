// Internal types of Dataspace shared by its .cc files. Not a public API.
#ifndef DSFL_CONNECTOR_ADAPTERS_DEVSPACE_DATASPACE_INTERNAL_H_
#define DSFL_CONNECTOR_ADAPTERS_DEVSPACE_DATASPACE_INTERNAL_H_

#include <map>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "connector-adapters/devspace/dataspace.h"
#include "nlohmann/json.hpp"

namespace dsfl::devspace {

struct Dataspace::Party {
  DevParticipant config;
  std::string key_pem;
  std::unique_ptr<identity::SigningKey> key;  // kid set by Publish().
  std::string did;
  nlohmann::json did_document;
  std::map<std::string, std::string> credentials;  // type -> VC-JWT
};

struct Dataspace::Negotiation {
  std::string id;
  std::string consumer;
  std::string provider;  // "" when no connector answered.
  std::string provider_did;
  std::string dsp_address;
  std::string dataset_id;
  nlohmann::json offer;
  NegotiationBehaviour behaviour = NegotiationBehaviour::kAgree;
  std::string error_detail;  // For TERMINATED.
  absl::Time created;
  bool terminated_by_request = false;
  std::string agreement_id;
  absl::Time signed_at;
};

namespace internal {

// EDC's v3 response context.
nlohmann::json ResponseContext();
// An EDC error reply: [{"message","type","path","invalidValue"}].
HttpReply ApiError(int status, const std::string& message,
                   const std::string& type = "ValidationFailure",
                   const std::string& path = "");
HttpReply Json(const nlohmann::json& body, int status = 200);
// Parses a JSON request body or returns a 400 reply in `error`.
bool ParseBody(const std::string& body, nlohmann::json* json, HttpReply* error);

}  // namespace internal
}  // namespace dsfl::devspace

#endif  // DSFL_CONNECTOR_ADAPTERS_DEVSPACE_DATASPACE_INTERNAL_H_
