// The slave's check of a contract agreement with ITS OWN connector (Flow 1
// step 5): the agreement exists, its consumer is the master's DID, its
// provider is this node, and its asset is this node's dataset. Both the
// agreement's top-level ids (consumerId/providerId/assetId) and the
// policy's assignee/assigner/target are compared when present.
//
// Errors (identity/refusal.h): kAgreementNotFound, kAgreementWrongConsumer,
// kAgreementWrongProvider, kAgreementWrongAsset; the client's transport
// errors otherwise. Threading: as the client.
#ifndef DSFL_CONNECTOR_ADAPTERS_EDC_AGREEMENT_CHECK_H_
#define DSFL_CONNECTOR_ADAPTERS_EDC_AGREEMENT_CHECK_H_

#include <string>

#include "common/status.h"
#include "connector-adapters/edc/management_client.h"
#include "connector-adapters/edc/negotiation.h"

namespace dsfl::edc {

struct AgreementExpectation {
  std::string consumer_did;  // The master.
  std::string provider_did;  // This node; "" skips the check.
  std::string asset_id;      // This node's dataset.
};

Status CheckAgreement(const ContractAgreement& agreement,
                      const AgreementExpectation& expected);

// GET {own mgmt}/{v}/contractagreements/{id}, then CheckAgreement.
StatusOr<ContractAgreement> VerifyAgreementWithOwnConnector(
    ManagementApiClient& own_connector, const std::string& agreement_id,
    const AgreementExpectation& expected);

}  // namespace dsfl::edc

#endif  // DSFL_CONNECTOR_ADAPTERS_EDC_AGREEMENT_CHECK_H_
