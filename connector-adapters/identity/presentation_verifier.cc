#include "connector-adapters/identity/presentation_verifier.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "connector-adapters/identity/credential.h"
#include "connector-adapters/identity/jws.h"
#include "connector-adapters/identity/jwt_claims.h"
#include "connector-adapters/identity/jwt_verifier.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::identity {
namespace {

bool IssuerTrustedFor(const PresentationPolicy& policy,
                      const std::string& issuer,
                      const std::vector<std::string>& types) {
  for (const TrustedIssuer& trusted : policy.trusted_issuers) {
    if (trusted.did != issuer) continue;
    if (trusted.types.empty()) return true;
    for (const std::string& allowed : trusted.types) {
      if (allowed == "*") return true;
      for (const std::string& type : types) {
        if (type != "VerifiableCredential" && type == allowed) return true;
      }
    }
  }
  return false;
}

Status CheckWindow(const Credential& credential, absl::Time now,
                   absl::Duration leeway) {
  if (credential.valid_until && now >= *credential.valid_until + leeway) {
    return Refuse(Reason::kExpired,
                  absl::StrCat("credential expired at ",
                               FormatInstant(*credential.valid_until),
                               "; now is ", FormatInstant(now)));
  }
  if (credential.valid_from && now + leeway < *credential.valid_from) {
    return Refuse(Reason::kNotYetValid,
                  absl::StrCat("credential is not valid before ",
                               FormatInstant(*credential.valid_from),
                               "; now is ", FormatInstant(now)));
  }
  return absl::OkStatus();
}

}  // namespace

nlohmann::json VerifiedPresentation::ToJson() const {
  nlohmann::json credentials_json = nlohmann::json::array();
  std::vector<std::string> issuers;
  std::vector<std::string> all_types;
  for (const VerifiedCredential& c : credentials) {
    nlohmann::json entry = {{"id", c.id},
                            {"issuer", c.issuer},
                            {"types", c.types},
                            {"subject", c.subject_id}};
    if (c.valid_from) entry["validFrom"] = absl::ToUnixSeconds(*c.valid_from);
    if (c.valid_until) {
      entry["validUntil"] = absl::ToUnixSeconds(*c.valid_until);
    }
    credentials_json.push_back(std::move(entry));
    if (std::find(issuers.begin(), issuers.end(), c.issuer) == issuers.end()) {
      issuers.push_back(c.issuer);
    }
    for (const std::string& t : c.types) {
      if (std::find(all_types.begin(), all_types.end(), t) == all_types.end()) {
        all_types.push_back(t);
      }
    }
  }
  nlohmann::json json = {
      {"valid", true},         {"holder", holder},
      {"audience", audiences}, {"issuers", issuers},
      {"types", all_types},    {"credentials", std::move(credentials_json)}};
  if (expires) json["expires"] = absl::ToUnixSeconds(*expires);
  return json;
}

StatusOr<VerifiedCredential> PresentationVerifier::VerifyCredential(
    std::string_view vc_jwt, std::string_view holder,
    const PresentationPolicy& policy) const {
  StatusOr<CompactJws> jws = ParseCompactJws(vc_jwt);
  if (!jws.ok()) return jws.status();
  DSFL_ASSIGN_OR_RETURN(nlohmann::json claims, JwsClaims(*jws));
  DSFL_ASSIGN_OR_RETURN(Credential credential, CredentialFromJwtClaims(claims));
  // 5a. Trust is decided before the issuer's DID is fetched.
  if (!IssuerTrustedFor(policy, credential.issuer, credential.types)) {
    return Refuse(
        Reason::kUntrustedIssuer,
        absl::StrCat("issuer ", credential.issuer, " is not trusted for [",
                     absl::StrJoin(credential.types, ", "), "]"));
  }
  // 5b.
  DSFL_ASSIGN_OR_RETURN(VerifiedJwt jwt,
                        VerifyIssuerSignedJwt(vc_jwt, *resolver_, "issuer"));
  if (policy.require_assertion_method_relationship &&
      !jwt.issuer_document.HasRelationship(Relationship::kAssertionMethod,
                                           jwt.method_id)) {
    return Refuse(Reason::kKeyRelationship,
                  absl::StrCat("issuer key ", jwt.method_id,
                               " is not listed under assertionMethod"));
  }
  // 5c.
  const absl::Time now = clock_->Now();
  TimeCheckOptions times;
  times.leeway = policy.leeway;
  DSFL_RETURN_IF_ERROR(CheckJwtTimes(claims, now, times, "credential"));
  DSFL_RETURN_IF_ERROR(CheckWindow(credential, now, policy.leeway));
  // 5d.
  if (policy.check_holder_binding) {
    for (const std::string& subject : credential.subject_ids) {
      if (subject != holder) {
        return Refuse(
            Reason::kHolderMismatch,
            absl::StrCat("credentialSubject.id '", subject,
                         "' is not the holder ", std::string(holder)));
      }
    }
  }
  // 5e.
  if (policy.check_revocation) {
    for (const StatusListEntry& entry : credential.status) {
      if (status_lists_ == nullptr) {
        return Refuse(Reason::kStatusUnavailable,
                      absl::StrCat("credential has a ", entry.type,
                                   " status but no status-list source is "
                                   "configured"));
      }
      DSFL_ASSIGN_OR_RETURN(StatusListCredential list,
                            status_lists_->Fetch(entry.list_credential));
      if (list.issuer != credential.issuer) {
        return Refuse(Reason::kStatusUnavailable,
                      absl::StrCat("status list ", entry.list_credential,
                                   " is issued by '", list.issuer,
                                   "', not by the credential's issuer"));
      }
      DSFL_RETURN_IF_ERROR(CheckStatusEntry(entry, list));
    }
  }
  VerifiedCredential verified;
  verified.id = credential.id;
  verified.issuer = credential.issuer;
  verified.types = credential.types;
  verified.subject_id =
      credential.subject_ids.empty() ? "" : credential.subject_ids.front();
  verified.valid_from = credential.valid_from;
  verified.valid_until = credential.valid_until;
  return verified;
}

StatusOr<VerifiedPresentation> PresentationVerifier::VerifyPresentation(
    std::string_view vp_jwt, const PresentationPolicy& policy) const {
  // 1.
  StatusOr<CompactJws> jws = ParseCompactJws(vp_jwt);
  if (!jws.ok()) return WithContext(jws.status(), "VP: ");
  StatusOr<nlohmann::json> peek = JwsClaims(*jws);
  if (!peek.ok()) return WithContext(peek.status(), "VP: ");
  const std::string holder = StringClaim(*peek, "iss");
  if (holder.empty())
    return Refuse(Reason::kMalformed, "VP: no 'iss' (holder)");
  if (policy.expected_holder && holder != *policy.expected_holder) {
    return Refuse(Reason::kParticipantMismatch,
                  absl::StrCat("VP holder ", holder, " is not the participant ",
                               *policy.expected_holder));
  }
  // 2.
  DSFL_ASSIGN_OR_RETURN(VerifiedJwt jwt,
                        VerifyIssuerSignedJwt(vp_jwt, *resolver_, "VP"));
  if (policy.require_authentication_relationship &&
      !jwt.issuer_document.HasRelationship(Relationship::kAuthentication,
                                           jwt.method_id)) {
    return Refuse(Reason::kKeyRelationship,
                  absl::StrCat("VP: holder key ", jwt.method_id,
                               " is not listed under authentication"));
  }
  // 3.
  TimeCheckOptions times;
  times.leeway = policy.leeway;
  times.require_exp = policy.require_vp_expiry;
  DSFL_RETURN_IF_ERROR(CheckJwtTimes(jwt.claims, clock_->Now(), times, "VP"));
  // 4.
  if (policy.audience) {
    DSFL_RETURN_IF_ERROR(CheckAudience(jwt.claims, *policy.audience, "VP"));
  }
  // 5.
  auto vp = jwt.claims.find("vp");
  if (vp == jwt.claims.end() || !vp->is_object()) {
    return Refuse(Reason::kMalformed, "VP: no 'vp' object claim");
  }
  auto list = vp->find("verifiableCredential");
  if (list == vp->end() || list->is_null()) {
    return Refuse(Reason::kMalformed, "VP: vp.verifiableCredential missing");
  }
  std::vector<const nlohmann::json*> items;
  if (list->is_array()) {
    for (const auto& item : *list) items.push_back(&item);
  } else {
    items.push_back(&*list);
  }
  VerifiedPresentation result;
  result.holder = holder;
  result.audiences = Audiences(jwt.claims);
  StatusOr<std::optional<absl::Time>> exp =
      NumericDate(jwt.claims, "exp", "VP");
  if (exp.ok()) result.expires = *exp;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string context = absl::StrCat("VP vc[", i, "]: ");
    if (!items[i]->is_string()) {
      return Refuse(Reason::kMalformed,
                    context +
                        "not a VC-JWT string (JSON-LD credentials are "
                        "not supported)");
    }
    StatusOr<VerifiedCredential> credential = VerifyCredential(
        items[i]->get_ref<const std::string&>(), holder, policy);
    if (!credential.ok()) return WithContext(credential.status(), context);
    result.credentials.push_back(*std::move(credential));
  }
  // 6.
  for (const std::string& required : policy.required_types) {
    bool found = false;
    for (const VerifiedCredential& c : result.credentials) {
      if (std::find(c.types.begin(), c.types.end(), required) !=
          c.types.end()) {
        found = true;
      }
    }
    if (!found) {
      return Refuse(
          Reason::kMissingCredential,
          absl::StrCat("VP of ", holder, " holds no verified ", required));
    }
  }
  return result;
}

}  // namespace dsfl::identity
