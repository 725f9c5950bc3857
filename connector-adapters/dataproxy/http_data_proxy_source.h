// HttpDataProxySource: a DataSource that reads a dataset from a hospital's
// HTTPS data proxy (protocol in data_proxy_protocol.h and
// docs/dataproxy.md): GET {base_url}?offset=&limit=[&format=csv] with
// "Authorization: Bearer <token>", following pages until the server
// announces no next page.
//
// Security: the server certificate is verified against `ca_file` (PEM) or,
// when empty, the system CAs, and must match the URL's host. Plain http:// is
// refused unless allow_insecure_http. Redirects are not followed (the token
// must not leak to another host). The token is never logged and never
// appears in Describe() or in error messages.
//
// Errors from Create(): InvalidArgument whose message starts with the config
// field at fault ("base_url: ...", "page_size: ...").
// Errors from Read():
//   Unauthenticated (HTTP 401), PermissionDenied (403), NotFound (404),
//   Unavailable (connection/TLS failure naming host:port, HTTP 5xx/429),
//   InvalidArgument (malformed JSON/CSV, columns changing between pages, an
//     unknown column, a non-numeric value, inconsistent next_offset; naming
//     the page offset, record and column),
//   ResourceExhausted (more than max_pages pages, max_rows rows or a page
//     larger than max_page_bytes).
// Ownership: owns its config (including the token). Threading: one Read()
// at a time (see DataSource); each Read() opens its own connection.
#ifndef DSFL_CONNECTOR_ADAPTERS_DATAPROXY_HTTP_DATA_PROXY_SOURCE_H_
#define DSFL_CONNECTOR_ADAPTERS_DATAPROXY_HTTP_DATA_PROXY_SOURCE_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "connector-adapters/dataproxy/data_proxy_protocol.h"
#include "connector-adapters/dataproxy/data_source.h"
#include "connector-adapters/dataproxy/table.h"

namespace dsfl::dataproxy {
namespace internal {
struct DataProxyEndpoint;  // The parsed base_url.
}  // namespace internal

struct HttpDataProxyConfig {
  // https://host[:port]/path[?query]; the paging parameters are appended.
  std::string base_url;
  // Sent as "Authorization: Bearer <token>". Secret.
  std::string bearer_token;
  // PEM file of CA certificates to verify the server; empty = system CAs.
  std::string ca_file;
  DataProxyFormat format = DataProxyFormat::kJson;
  // Rows requested per page (the server may return fewer).
  uint64_t page_size = 1000;
  // Connect, read and write timeout of each request.
  std::chrono::milliseconds timeout{30000};
  // Permit http:// (no TLS); for tests against local plain servers only.
  bool allow_insecure_http = false;
  // Bounds against a server that pages forever or sends too much.
  uint64_t max_pages = 100000;
  uint64_t max_rows = 10000000;
  uint64_t max_page_bytes = uint64_t{256} << 20;
};

class HttpDataProxySource : public DataSource {
 public:
  // Validates the config (URL syntax and scheme, non-empty token without
  // control characters, positive limits, readable ca_file).
  static StatusOr<std::unique_ptr<HttpDataProxySource>> Create(
      HttpDataProxyConfig config);

  ~HttpDataProxySource() override;
  HttpDataProxySource(const HttpDataProxySource&) = delete;
  HttpDataProxySource& operator=(const HttpDataProxySource&) = delete;

  // Fetches every page and returns the concatenated table.
  StatusOr<Table> Read() override;

  // "http-proxy:<scheme>://<host>:<port><path>" (no query, no token).
  std::string Describe() const override;

 private:
  HttpDataProxySource(HttpDataProxyConfig config,
                      std::unique_ptr<internal::DataProxyEndpoint> endpoint);

  HttpDataProxyConfig config_;
  std::unique_ptr<internal::DataProxyEndpoint> endpoint_;
};

}  // namespace dsfl::dataproxy

#endif  // DSFL_CONNECTOR_ADAPTERS_DATAPROXY_HTTP_DATA_PROXY_SOURCE_H_
