// SlaveAuthorizer: the slave's decision on the master's Authorize request
// (Flow 1 step 5, docs/dataspace.md). Nothing of the job runs before it
// admits. Three checks, in order, the first failure refusing with its
// reason (identity/refusal.h):
//   1. the master's credential: its VP — presented in the request, or
//      fetched from the master's CredentialService over DCP with the
//      access token the request carries — verifies with audience = this
//      slave's DID, holder = the master's DID, and the required types
//      (e.g. FederatedModelCreatorCredential) from trusted issuers;
//   2. the agreement, asked of THIS node's own connector: it exists, its
//      consumer is the master's DID, its provider this node and its asset
//      this node's dataset;
//   3. local policy: the model's SHA-256 is allowed, the cohort meets the
//      minimum size, and every required privacy setting is present.
// (The TLS binding of the master's client certificate to its DID is
// checked by the gRPC layer with identity::CheckTlsKeyBinding before this.)
//
// Ownership: borrows the connector client, DCP client and verifier.
// Threading: Authorize() is thread-safe if the collaborators are.
#ifndef DSFL_CONNECTOR_ADAPTERS_EDC_SLAVE_AUTHORIZER_H_
#define DSFL_CONNECTOR_ADAPTERS_EDC_SLAVE_AUTHORIZER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "connector-adapters/edc/management_client.h"
#include "connector-adapters/identity/dcp_client.h"
#include "connector-adapters/identity/presentation_verifier.h"

namespace dsfl::edc {

// What the master sends in Authorize (see the proto sketch in
// docs/dataspace.md).
struct AuthorizationRequest {
  std::string job_id;
  std::string master_did;
  std::string agreement_id;
  std::string model_sha256;                    // Lower-case hex.
  std::string master_presentation;             // VP-JWT for this slave, or "".
  std::string master_access_token;             // For a DCP query, or "".
  std::map<std::string, std::string> privacy;  // e.g. "dp.noise_multiplier".
};

struct SlaveAdmissionPolicy {
  std::string own_did;     // This slave (= its hospital's participant id).
  std::string dataset_id;  // The asset its agreements must name.
  std::vector<identity::TrustedIssuer> trusted_issuers;
  std::vector<std::string> required_master_types = {
      "FederatedModelCreatorCredential"};
  std::vector<std::string> allowed_model_sha256;  // Empty = any model.
  int64_t min_cohort = 0;
  std::vector<std::string> required_privacy_settings;
};

struct AuthorizationDecision {
  ContractAgreement agreement;
  identity::VerifiedPresentation master;
};

class SlaveAuthorizer {
 public:
  SlaveAuthorizer(ManagementApiClient* own_connector,
                  identity::PresentationQueryClient* dcp,
                  identity::PresentationVerifier* verifier,
                  SlaveAdmissionPolicy policy)
      : connector_(own_connector),
        dcp_(dcp),
        verifier_(verifier),
        policy_(std::move(policy)) {}

  // `cohort_size`: this slave's number of usable records for the job.
  StatusOr<AuthorizationDecision> Authorize(const AuthorizationRequest& request,
                                            int64_t cohort_size) const;

 private:
  ManagementApiClient* connector_;
  identity::PresentationQueryClient* dcp_;  // May be null: presented VPs only.
  identity::PresentationVerifier* verifier_;
  SlaveAdmissionPolicy policy_;
};

}  // namespace dsfl::edc

#endif  // DSFL_CONNECTOR_ADAPTERS_EDC_SLAVE_AUTHORIZER_H_
