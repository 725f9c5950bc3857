#include "connector-adapters/identity/jwt_claims.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::identity {

std::string FormatInstant(absl::Time t) {
  return absl::StrCat(
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone()), " (",
      absl::ToUnixSeconds(t), ")");
}

StatusOr<std::optional<absl::Time>> NumericDate(const nlohmann::json& claims,
                                                const char* name,
                                                std::string_view what) {
  auto it = claims.find(name);
  if (it == claims.end() || it->is_null()) {
    return std::optional<absl::Time>();
  }
  if (!it->is_number()) {
    return Refuse(Reason::kMalformed,
                  absl::StrCat(std::string(what), ": claim '", name,
                               "' is not a NumericDate"));
  }
  double seconds = it->get<double>();
  if (!std::isfinite(seconds) || std::fabs(seconds) > 1e11) {
    return Refuse(Reason::kMalformed,
                  absl::StrCat(std::string(what), ": claim '", name,
                               "' is out of range"));
  }
  return std::optional<absl::Time>(absl::FromUnixSeconds(0) +
                                   absl::Seconds(seconds));
}

Status CheckJwtTimes(const nlohmann::json& claims, absl::Time now,
                     const TimeCheckOptions& options, std::string_view what) {
  const std::string w(what);
  DSFL_ASSIGN_OR_RETURN(std::optional<absl::Time> exp,
                        NumericDate(claims, "exp", what));
  DSFL_ASSIGN_OR_RETURN(std::optional<absl::Time> nbf,
                        NumericDate(claims, "nbf", what));
  DSFL_ASSIGN_OR_RETURN(std::optional<absl::Time> iat,
                        NumericDate(claims, "iat", what));
  if (!exp && options.require_exp) {
    return Refuse(Reason::kMalformed, absl::StrCat(w, ": 'exp' is required"));
  }
  if (!iat && options.require_iat) {
    return Refuse(Reason::kMalformed, absl::StrCat(w, ": 'iat' is required"));
  }
  if (exp && now >= *exp + options.leeway) {
    return Refuse(Reason::kExpired,
                  absl::StrCat(w, " expired at ", FormatInstant(*exp),
                               "; now is ", FormatInstant(now)));
  }
  if (nbf && now + options.leeway < *nbf) {
    return Refuse(Reason::kNotYetValid,
                  absl::StrCat(w, " is not valid before ", FormatInstant(*nbf),
                               "; now is ", FormatInstant(now)));
  }
  if (iat && now + options.leeway < *iat) {
    return Refuse(
        Reason::kNotYetValid,
        absl::StrCat(w, " was issued in the future (iat ", FormatInstant(*iat),
                     "; now is ", FormatInstant(now), ")"));
  }
  return absl::OkStatus();
}

std::vector<std::string> Audiences(const nlohmann::json& claims) {
  std::vector<std::string> result;
  auto it = claims.find("aud");
  if (it == claims.end()) return result;
  if (it->is_string()) {
    result.push_back(it->get<std::string>());
  } else if (it->is_array()) {
    for (const auto& value : *it) {
      if (value.is_string()) result.push_back(value.get<std::string>());
    }
  }
  return result;
}

Status CheckAudience(const nlohmann::json& claims, std::string_view audience,
                     std::string_view what) {
  std::vector<std::string> audiences = Audiences(claims);
  for (const std::string& aud : audiences) {
    if (aud == audience) return absl::OkStatus();
  }
  std::string listed;
  for (const std::string& aud : audiences) {
    absl::StrAppend(&listed, listed.empty() ? "" : ", ", aud);
  }
  return Refuse(Reason::kWrongAudience,
                absl::StrCat(std::string(what), " is addressed to [", listed,
                             "], not to ", std::string(audience)));
}

std::string StringClaim(const nlohmann::json& claims, const char* name) {
  auto it = claims.find(name);
  return it != claims.end() && it->is_string() ? it->get<std::string>() : "";
}

StatusOr<absl::Time> ParseRfc3339(std::string_view text,
                                  std::string_view what) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &t, &error)) {
    return Refuse(Reason::kMalformed,
                  absl::StrCat(std::string(what), ": '", std::string(text),
                               "' is not an RFC 3339 date-time (", error, ")"));
  }
  return t;
}

}  // namespace dsfl::identity
