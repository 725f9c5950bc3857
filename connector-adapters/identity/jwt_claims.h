// JWT claim checks shared by VP, VC and self-issued ID token verification:
// registered time claims against an injected clock, and audiences.
//
// Times are NumericDate (seconds, integer or fractional). A token is
// expired when now >= exp + leeway, not yet valid when now + leeway < nbf
// or now + leeway < iat (issued in the future).
//
// Errors: refusals kExpired, kNotYetValid, kMalformed (non-numeric time
// claim or a required one missing), kWrongAudience, each naming `what`
// ("VP", "vc[0]") and the instants involved.
// Threading: pure functions, thread-safe.
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_JWT_CLAIMS_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_JWT_CLAIMS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl::identity {

struct TimeCheckOptions {
  absl::Duration leeway = absl::Seconds(5);
  bool require_exp = false;
  bool require_iat = false;
};

Status CheckJwtTimes(const nlohmann::json& claims, absl::Time now,
                     const TimeCheckOptions& options, std::string_view what);

// A NumericDate claim; std::nullopt if absent; kMalformed if not a number.
StatusOr<std::optional<absl::Time>> NumericDate(const nlohmann::json& claims,
                                                const char* name,
                                                std::string_view what);

// The "aud" claim as a list (a string or an array of strings).
std::vector<std::string> Audiences(const nlohmann::json& claims);

// kWrongAudience unless `audience` is among Audiences(claims).
Status CheckAudience(const nlohmann::json& claims, std::string_view audience,
                     std::string_view what);

// A string claim, "" when absent or not a string.
std::string StringClaim(const nlohmann::json& claims, const char* name);

// RFC 3339 text as used by VC data models ("2023-08-18T00:00:00Z").
StatusOr<absl::Time> ParseRfc3339(std::string_view text, std::string_view what);

// "2026-01-01T00:00:10Z (1767225610)" for messages.
std::string FormatInstant(absl::Time t);

}  // namespace dsfl::identity

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_JWT_CLAIMS_H_
