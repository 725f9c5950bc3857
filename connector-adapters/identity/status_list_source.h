// StatusListSource: where the verifier gets status-list credentials.
//
// HttpStatusListSource GETs the statusListCredential URL (Accept
// application/vc+jwt, application/json) and accepts:
//   - a VC-JWT (what EDC's IssuerService serves): its signature is verified
//     against its issuer's DID document (jwt_verifier.h) and its time
//     claims against the clock; the `vc` claim is the list;
//   - plain JSON only when `allow_unsigned_json` is set (an unsigned list
//     can be forged by anyone on the path; off by default).
// Lists are cached per URL for `cache_ttl` of the injected clock.
//
// Errors: kStatusUnavailable (unreachable, HTTP error, unsigned) or the
// verification refusals of the list credential.
// Ownership: borrows fetcher, resolver and clock; they must outlive it.
// Threading: Fetch() is thread-safe (internal mutex around the cache).
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_STATUS_LIST_SOURCE_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_STATUS_LIST_SOURCE_H_

#include <map>
#include <mutex>
#include <string>

#include "absl/time/time.h"
#include "common/clock.h"
#include "common/status.h"
#include "connector-adapters/identity/did_resolver.h"
#include "connector-adapters/identity/http_fetcher.h"
#include "connector-adapters/identity/status_list.h"

namespace dsfl::identity {

class StatusListSource {
 public:
  virtual ~StatusListSource() = default;
  virtual StatusOr<StatusListCredential> Fetch(const std::string& url) = 0;
};

struct HttpStatusListSourceOptions {
  bool allow_unsigned_json = false;
  absl::Duration cache_ttl = absl::Minutes(5);
  absl::Duration leeway = absl::Seconds(5);
};

class HttpStatusListSource final : public StatusListSource {
 public:
  HttpStatusListSource(HttpFetcher* fetcher, DidResolver* resolver,
                       const Clock* clock, HttpStatusListSourceOptions options)
      : fetcher_(fetcher),
        resolver_(resolver),
        clock_(clock),
        options_(options) {}
  StatusOr<StatusListCredential> Fetch(const std::string& url) override;

 private:
  StatusOr<StatusListCredential> FetchUncached(const std::string& url);

  HttpFetcher* fetcher_;
  DidResolver* resolver_;
  const Clock* clock_;
  HttpStatusListSourceOptions options_;
  std::mutex mu_;
  std::map<std::string, std::pair<absl::Time, StatusListCredential>> cache_;
};

}  // namespace dsfl::identity

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_STATUS_LIST_SOURCE_H_
