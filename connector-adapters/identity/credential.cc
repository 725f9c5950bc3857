#include "connector-adapters/identity/credential.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "connector-adapters/identity/jwt_claims.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::identity {
namespace {

std::string StringOr(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

Status MergeDate(const nlohmann::json& vc, const char* name, bool later,
                 std::optional<absl::Time>* into) {
  auto it = vc.find(name);
  if (it == vc.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_string()) {
    return Refuse(Reason::kMalformed,
                  absl::StrCat("credential: '", name, "' is not a string"));
  }
  DSFL_ASSIGN_OR_RETURN(absl::Time t,
                        ParseRfc3339(it->get_ref<const std::string&>(),
                                     absl::StrCat("credential ", name)));
  if (!into->has_value()) {
    *into = t;
  } else {
    *into = later ? std::max(**into, t) : std::min(**into, t);
  }
  return absl::OkStatus();
}

}  // namespace

bool Credential::HasType(std::string_view type) const {
  return std::find(types.begin(), types.end(), type) != types.end();
}

StatusOr<Credential> ParseCredentialObject(const nlohmann::json& vc) {
  if (!vc.is_object()) {
    return Refuse(Reason::kMalformed, "credential: not a JSON object");
  }
  Credential credential;
  credential.vc = vc;
  credential.id = StringOr(vc, "id");
  for (const char* name : {"type", "@type"}) {
    auto it = vc.find(name);
    if (it == vc.end()) continue;
    if (it->is_string()) credential.types.push_back(it->get<std::string>());
    if (it->is_array()) {
      for (const auto& t : *it) {
        if (t.is_string()) credential.types.push_back(t.get<std::string>());
      }
    }
  }
  auto issuer = vc.find("issuer");
  if (issuer != vc.end()) {
    if (issuer->is_string()) {
      credential.issuer = issuer->get<std::string>();
    } else if (issuer->is_object()) {
      credential.issuer = StringOr(*issuer, "id");
    }
  }
  auto subject = vc.find("credentialSubject");
  if (subject != vc.end()) {
    std::vector<const nlohmann::json*> subjects;
    if (subject->is_array()) {
      for (const auto& s : *subject) subjects.push_back(&s);
    } else {
      subjects.push_back(&*subject);
    }
    for (const nlohmann::json* s : subjects) {
      if (!s->is_object()) {
        return Refuse(Reason::kMalformed,
                      "credential: credentialSubject is not an object");
      }
      credential.subject_ids.push_back(StringOr(*s, "id"));
    }
  }
  DSFL_RETURN_IF_ERROR(
      MergeDate(vc, "issuanceDate", /*later=*/true, &credential.valid_from));
  DSFL_RETURN_IF_ERROR(
      MergeDate(vc, "validFrom", /*later=*/true, &credential.valid_from));
  DSFL_RETURN_IF_ERROR(MergeDate(vc, "expirationDate", /*later=*/false,
                                 &credential.valid_until));
  DSFL_RETURN_IF_ERROR(
      MergeDate(vc, "validUntil", /*later=*/false, &credential.valid_until));
  DSFL_ASSIGN_OR_RETURN(credential.status, ParseCredentialStatus(vc));
  return credential;
}

StatusOr<Credential> CredentialFromJwtClaims(const nlohmann::json& claims) {
  auto vc = claims.find("vc");
  if (vc == claims.end() || !vc->is_object()) {
    return Refuse(Reason::kMalformed, "VC-JWT has no 'vc' object claim");
  }
  DSFL_ASSIGN_OR_RETURN(Credential credential, ParseCredentialObject(*vc));
  const std::string iss = StringClaim(claims, "iss");
  if (iss.empty()) return Refuse(Reason::kMalformed, "VC-JWT has no 'iss'");
  if (!credential.issuer.empty() && credential.issuer != iss) {
    return Refuse(Reason::kMalformed, absl::StrCat("VC-JWT iss '", iss,
                                                   "' differs from vc.issuer '",
                                                   credential.issuer, "'"));
  }
  credential.issuer = iss;
  if (credential.id.empty()) credential.id = StringClaim(claims, "jti");
  if (credential.subject_ids.empty()) {
    credential.subject_ids.push_back(StringClaim(claims, "sub"));
  }
  DSFL_ASSIGN_OR_RETURN(std::optional<absl::Time> nbf,
                        NumericDate(claims, "nbf", "VC-JWT"));
  DSFL_ASSIGN_OR_RETURN(std::optional<absl::Time> exp,
                        NumericDate(claims, "exp", "VC-JWT"));
  if (nbf) {
    credential.valid_from =
        credential.valid_from ? std::max(*credential.valid_from, *nbf) : *nbf;
  }
  if (exp) {
    credential.valid_until =
        credential.valid_until ? std::min(*credential.valid_until, *exp) : *exp;
  }
  return credential;
}

}  // namespace dsfl::identity
