// did:web identifiers (w3c-ccg did-method-web, "Read (Resolve)"):
//
//   did:web:example.com                   ->
//   https://example.com/.well-known/did.json
//   did:web:example.com%3A3000:user:alice ->
//   https://example.com:3000/user/alice/did.json
//
// Rules enforced: the method is "web"; the method-specific id is non-empty,
// has no empty segment and no trailing ':'; the host is a DNS name (never
// an IPv4/IPv6 address, per the spec); a port is written %3A<1..65535>;
// path segments hold only unreserved or percent-encoded characters and
// never decode to '/', '.' or '..'. Only "%3A" in the host is decoded;
// path segments are kept as written (valid in a URL).
//
// Errors: refusal kInvalidDid naming the DID and the rule.
// Threading: pure functions, thread-safe.
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_DID_WEB_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_DID_WEB_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace dsfl::identity {

// The URL of the DID document; "http" only when `use_http` (test vectors).
StatusOr<std::string> DidWebToUrl(std::string_view did, bool use_http = false);

// A did:web DID for `host` (DNS name), `port` (0 = none) and path segments,
// e.g. ("localhost", 8443, {"participants","hospital-a"}) ->
// "did:web:localhost%3A8443:participants:hospital-a".
std::string MakeDidWeb(std::string_view host, int port,
                       const std::vector<std::string>& path);

struct DidUrl {
  std::string did;       // Up to (excluding) '#'.
  std::string fragment;  // After '#'; empty when none.
};
// Splits "did:web:x#key-1". Also accepts a bare DID. kInvalidDid when the
// text does not start with "did:<method>:".
StatusOr<DidUrl> SplitDidUrl(std::string_view did_url);

}  // namespace dsfl::identity

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_DID_WEB_H_
