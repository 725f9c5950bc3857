// VerifyIssuerSignedJwt: the signature half of every JWT check in dsfl
// (VP, VC, status-list credential, self-issued ID token). It parses the
// compact JWS, reads `iss`, resolves that DID, picks the key named by the
// header's `kid` and verifies the signature with the algorithm the key
// dictates (jws.h). It checks no claims besides `iss`.
//
// The kid must name a method of the issuer's own DID: "<iss>#frag",
// "#frag" or "frag"; a kid of another DID is kWrongKey (a holder cannot
// sign with someone else's key, and vice versa). Without a kid, the
// document must hold exactly one method.
//
// Errors: refusals from parsing (kMalformed), resolution (kUnknownDid,
// kDidDocumentIdMismatch, kInvalidDid), key selection (kWrongKey,
// kUnsupportedKey) and verification (kAlgorithmRefused, kBadSignature),
// each prefixed with `what`.
// Ownership: `resolver` is borrowed for the call. Threading: as resolver.
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_JWT_VERIFIER_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_JWT_VERIFIER_H_

#include <string>
#include <string_view>

#include "common/status.h"
#include "connector-adapters/identity/did_document.h"
#include "connector-adapters/identity/did_resolver.h"
#include "nlohmann/json.hpp"

namespace dsfl::identity {

struct VerifiedJwt {
  nlohmann::json header;
  nlohmann::json claims;
  std::string issuer;     // `iss`
  std::string method_id;  // Absolute id of the verification method used.
  DidDocument issuer_document;
};

StatusOr<VerifiedJwt> VerifyIssuerSignedJwt(std::string_view compact,
                                            DidResolver& resolver,
                                            std::string_view what);

}  // namespace dsfl::identity

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_JWT_VERIFIER_H_
