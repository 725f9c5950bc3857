// Refusal reasons of dataspace admission, carried inside a dsfl::Status.
//
// Every check of Flow 1 (docs/dataspace.md) that refuses a peer says why
// with one machine-readable reason, so callers can audit it, tests can
// assert it, and operators get a stable name next to the human message.
// Refuse() builds a Status with the reason as a payload and the message
// "<message> [reason: <name>]"; ReasonOf() reads it back from any Status
// (std::nullopt for statuses that are not refusals, e.g. I/O errors).
//
// Threading: pure functions, thread-safe.
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_REFUSAL_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_REFUSAL_H_

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace dsfl::identity {

enum class Reason {
  kMalformed,               // Not a well-formed JWT/VC/VP/DID document.
  kBadSignature,            // The signature does not verify (forged).
  kWrongKey,                // kid names no key of the issuer's DID.
  kAlgorithmRefused,        // alg none, HMAC, or alg not matching the key.
  kUnsupportedKey,          // Key type/curve we do not verify with.
  kKeyRelationship,         // Key lacks the required DID relationship.
  kExpired,                 // exp / expirationDate passed.
  kNotYetValid,             // nbf / iat / issuanceDate in the future.
  kRevoked,                 // Status-list bit set.
  kStatusUnavailable,       // Status list missing, unverifiable, too short.
  kUntrustedIssuer,         // Issuer not trusted (for this type).
  kHolderMismatch,          // credentialSubject.id != VP holder.
  kParticipantMismatch,     // VP holder != the expected participant.
  kWrongAudience,           // aud does not name us.
  kMissingCredential,       // A required credential type is absent.
  kUnknownDid,              // DID cannot be resolved (no document).
  kDidDocumentIdMismatch,   // Resolved document's id != the DID.
  kInvalidDid,              // Not a valid did:web identifier.
  kTokenReplay,             // jti seen before.
  kTlsKeyNotBound,          // Peer TLS key not bound to its DID.
  kAgreementTerminated,     // Negotiation ended TERMINATED.
  kAgreementPending,        // Negotiation not final before the timeout.
  kAgreementNotFound,       // No such agreement at the connector.
  kAgreementWrongConsumer,  // Agreement's consumer is not the master.
  kAgreementWrongAsset,     // Agreement's asset is not this dataset.
  kAgreementWrongProvider,  // Agreement's provider is not this node.
  kModelNotAllowed,         // Model hash not in the slave's allowlist.
  kCohortTooSmall,          // Local cohort below the minimum size.
  kPrivacySettingMissing,   // A required privacy setting is absent.
};

// Stable snake_case name, e.g. "bad_signature".
std::string_view ReasonName(Reason reason);
// Inverse of ReasonName; std::nullopt for unknown names.
std::optional<Reason> ReasonFromName(std::string_view name);

// A Status with code PermissionDenied (or Unauthenticated for signature and
// key failures, NotFound for kUnknownDid, DeadlineExceeded for
// kAgreementPending), message "<message> [reason: <name>]" and the reason
// as payload.
Status Refuse(Reason reason, std::string_view message);

// The reason carried by `status`, if it was made by Refuse().
std::optional<Reason> ReasonOf(const Status& status);

// The message of `status` without the " [reason: ...]" suffix.
std::string MessageWithoutReason(const Status& status);

// Prefixes a refusal's message with `context` ("vc[0]: "), keeping its
// code and reason; other statuses get the prefix too.
Status WithContext(const Status& status, std::string_view context);

}  // namespace dsfl::identity

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_REFUSAL_H_
