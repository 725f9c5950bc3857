#include "connector-adapters/identity/refusal.h"

#include <array>
#include <utility>

#include "absl/strings/cord.h"

namespace dsfl::identity {
namespace {

constexpr char kPayloadUrl[] = "type.dsfl.dev/dsfl.identity.Refusal";

constexpr std::array<std::pair<Reason, std::string_view>, 29> kNames = {{
    {Reason::kMalformed, "malformed"},
    {Reason::kBadSignature, "bad_signature"},
    {Reason::kWrongKey, "wrong_key"},
    {Reason::kAlgorithmRefused, "algorithm_refused"},
    {Reason::kUnsupportedKey, "unsupported_key"},
    {Reason::kKeyRelationship, "key_relationship"},
    {Reason::kExpired, "expired"},
    {Reason::kNotYetValid, "not_yet_valid"},
    {Reason::kRevoked, "revoked"},
    {Reason::kStatusUnavailable, "status_unavailable"},
    {Reason::kUntrustedIssuer, "untrusted_issuer"},
    {Reason::kHolderMismatch, "holder_mismatch"},
    {Reason::kParticipantMismatch, "participant_mismatch"},
    {Reason::kWrongAudience, "wrong_audience"},
    {Reason::kMissingCredential, "missing_credential"},
    {Reason::kUnknownDid, "unknown_did"},
    {Reason::kDidDocumentIdMismatch, "did_document_id_mismatch"},
    {Reason::kInvalidDid, "invalid_did"},
    {Reason::kTokenReplay, "token_replay"},
    {Reason::kTlsKeyNotBound, "tls_key_not_bound"},
    {Reason::kAgreementTerminated, "agreement_terminated"},
    {Reason::kAgreementPending, "agreement_pending"},
    {Reason::kAgreementNotFound, "agreement_not_found"},
    {Reason::kAgreementWrongConsumer, "agreement_wrong_consumer"},
    {Reason::kAgreementWrongAsset, "agreement_wrong_asset"},
    {Reason::kAgreementWrongProvider, "agreement_wrong_provider"},
    {Reason::kModelNotAllowed, "model_not_allowed"},
    {Reason::kCohortTooSmall, "cohort_too_small"},
    {Reason::kPrivacySettingMissing, "privacy_setting_missing"},
}};

absl::StatusCode CodeFor(Reason reason) {
  switch (reason) {
    case Reason::kBadSignature:
    case Reason::kWrongKey:
    case Reason::kAlgorithmRefused:
    case Reason::kUnsupportedKey:
    case Reason::kTlsKeyNotBound:
      return absl::StatusCode::kUnauthenticated;
    case Reason::kUnknownDid:
    case Reason::kAgreementNotFound:
      return absl::StatusCode::kNotFound;
    case Reason::kAgreementPending:
      return absl::StatusCode::kDeadlineExceeded;
    default:
      return absl::StatusCode::kPermissionDenied;
  }
}

}  // namespace

std::string_view ReasonName(Reason reason) {
  for (const auto& [r, name] : kNames) {
    if (r == reason) return name;
  }
  return "unknown";
}

std::optional<Reason> ReasonFromName(std::string_view name) {
  for (const auto& [r, n] : kNames) {
    if (n == name) return r;
  }
  return std::nullopt;
}

Status Refuse(Reason reason, std::string_view message) {
  std::string text(message);
  text += " [reason: ";
  text += std::string(ReasonName(reason));
  text += "]";
  Status status(CodeFor(reason), text);
  status.SetPayload(kPayloadUrl, absl::Cord(std::string(ReasonName(reason))));
  return status;
}

std::optional<Reason> ReasonOf(const Status& status) {
  if (status.ok()) return std::nullopt;
  absl::optional<absl::Cord> payload = status.GetPayload(kPayloadUrl);
  if (!payload.has_value()) return std::nullopt;
  return ReasonFromName(std::string(*payload));
}

std::string MessageWithoutReason(const Status& status) {
  std::string message(status.message());
  std::optional<Reason> reason = ReasonOf(status);
  if (!reason) return message;
  const std::string suffix =
      " [reason: " + std::string(ReasonName(*reason)) + "]";
  if (message.size() >= suffix.size() &&
      message.compare(message.size() - suffix.size(), suffix.size(), suffix) ==
          0) {
    message.resize(message.size() - suffix.size());
  }
  return message;
}

Status WithContext(const Status& status, std::string_view context) {
  if (status.ok()) return status;
  std::string text(context);
  text += std::string(status.message());
  Status result(status.code(), text);
  status.ForEachPayload(
      [&result](absl::string_view url, const absl::Cord& payload) {
        result.SetPayload(url, payload);
      });
  return result;
}

}  // namespace dsfl::identity
