// MintMasterAccessToken: asks the master's own Secure Token Service for an
// access token that lets one slave (the audience) query the master's DCP
// CredentialService for the given credential types, so that the slave can
// fetch and verify the master's credential itself during Authorize
// (docs/dataspace.md, "Wiring admission into jobs").
//
// Request, as IdentityHub's STS and the dev dataspace's
// (connector-adapters/devspace/credential_service.cc) take it:
//   POST {sts_url}  X-Api-Key: <api_key>
//   {"audience": "<slave DID>",
//    "scope": "org.eclipse.dspace.dcp.vc.type:<Type>:read ..."}
// -> {"jwt": "<self-issued token>", "access_token": "<token>"}
// Only `access_token` is used: it is what the slave puts in the `token`
// claim of its own self-issued token to the master's CredentialService.
//
// Errors: Unavailable (transport), PermissionDenied (HTTP 401/403: the API
// key), FailedPrecondition (other HTTP errors, or no access_token in the
// answer), each naming the URL. Threading: thread-safe if `fetcher` is.
#ifndef DSFL_MASTER_TRANSPORT_STS_CLIENT_H_
#define DSFL_MASTER_TRANSPORT_STS_CLIENT_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "connector-adapters/identity/http_fetcher.h"

namespace dsfl::master {

StatusOr<std::string> MintMasterAccessToken(
    identity::HttpFetcher& fetcher, const std::string& sts_url,
    const std::string& api_key, const std::string& audience_did,
    const std::vector<std::string>& credential_types);

}  // namespace dsfl::master

#endif  // DSFL_MASTER_TRANSPORT_STS_CLIENT_H_
