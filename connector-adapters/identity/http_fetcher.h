// HttpFetcher: the one HTTP(S) client of the dataspace adapters (did:web
// resolution, status lists, DCP presentation queries, the EDC Management
// API). An interface so tests can substitute canned answers; the real one,
// NewHttpsFetcher(), uses cpp-httplib over TLS with certificate and host
// name verification against a configured CA (or the system roots).
//
// Plain http:// is refused unless `allow_http` is set (only for test
// vectors whose documents name http:// URLs). Redirects are never followed.
// Bodies larger than `max_body_bytes` are refused.
//
// Errors: InvalidArgument for a malformed URL or a refused scheme,
// Unavailable when the server cannot be reached or TLS verification fails
// (with the OpenSSL reason), ResourceExhausted for an oversized body. Any
// HTTP status is returned as a response, not an error.
// Ownership: callers own the fetcher; it holds no connection between calls.
// Threading: Fetch() is thread-safe.
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_HTTP_FETCHER_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_HTTP_FETCHER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "common/status.h"

namespace dsfl::identity {

struct HttpRequest {
  std::string method = "GET";  // "GET", "POST" or "DELETE".
  std::string url;             // Absolute http(s) URL.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type;  // For POST bodies.
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string content_type;
};

class HttpFetcher {
 public:
  virtual ~HttpFetcher() = default;
  virtual StatusOr<HttpResponse> Fetch(const HttpRequest& request) = 0;
};

struct HttpsFetcherOptions {
  // PEM roots to verify servers against; empty = the system roots.
  std::string ca_pem;
  bool allow_http = false;
  absl::Duration timeout = absl::Seconds(10);
  size_t max_body_bytes = 8u << 20;
};

std::unique_ptr<HttpFetcher> NewHttpsFetcher(HttpsFetcherOptions options);

// A URL split for an HTTP client.
struct ParsedUrl {
  std::string scheme;  // "https" or "http"
  std::string host;    // IPv6 keeps its brackets.
  int port = 0;
  std::string path_and_query;  // Starts with '/'.
  std::string SchemeHostPort() const;
};
// scheme://host[:port][/path][?query]; no userinfo, no fragment.
StatusOr<ParsedUrl> ParseHttpUrl(std::string_view url);

// "<url without query>" for messages (queries may carry secrets).
std::string UrlForMessage(std::string_view url);

}  // namespace dsfl::identity

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_HTTP_FETCHER_H_
