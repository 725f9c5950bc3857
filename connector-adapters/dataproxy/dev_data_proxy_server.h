// DevDataProxyServer: a real HTTPS data proxy serving one CSV file with the
// dsfl data-proxy protocol (data_proxy_protocol.h, docs/dataproxy.md). It
// stands in for a hospital's data proxy in tests and in `dsfl demo`.
//
//   GET {dataset_path}?offset=&limit=&format=json|csv  (bearer token needed)
//   GET /healthz                                        ("ok", no token)
//
// The CSV file is read and validated once, by Create(); pages are served
// from that snapshot, so paging is consistent. The bearer token is compared
// in constant time (of SHA-256 digests) and never logged. Answers: 200 page,
// 400 bad offset/limit/format, 401 missing or wrong token (with
// WWW-Authenticate), 404 other paths.
//
// Errors: Create() returns the CSV's read/parse errors and InvalidArgument
// for a bad PEM key/certificate, a key not matching the certificate, an empty
// token or a bad dataset_path. Start() returns Unavailable when the address
// cannot be bound, FailedPrecondition when called twice.
// Ownership: owns the server, its thread and the table.
// Threading: Start()/Stop()/port()/base_url() may be called from any thread;
// requests are served by an internal thread pool. Stop() is idempotent and
// joins the server thread; the destructor calls Stop().
#ifndef DSFL_CONNECTOR_ADAPTERS_DATAPROXY_DEV_DATA_PROXY_SERVER_H_
#define DSFL_CONNECTOR_ADAPTERS_DATAPROXY_DEV_DATA_PROXY_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace dsfl::dataproxy {

struct DevDataProxyServerConfig {
  std::string csv_path;
  std::string certificate_pem;  // Server certificate, then any chain.
  std::string private_key_pem;
  std::string bearer_token;  // Secret.
  std::string bind_address = "127.0.0.1";
  int port = 0;  // 0 = any free port; see port().
  std::string dataset_path = "/v1/dataset";
  uint64_t default_page_size = 1000;  // When a request has no limit.
  uint64_t max_page_size = 10000;     // Larger limits are clipped.
  size_t worker_threads = 4;
};

class DevDataProxyServer {
 public:
  static StatusOr<std::unique_ptr<DevDataProxyServer>> Create(
      DevDataProxyServerConfig config);

  ~DevDataProxyServer();
  DevDataProxyServer(const DevDataProxyServer&) = delete;
  DevDataProxyServer& operator=(const DevDataProxyServer&) = delete;

  // Binds and starts serving on a new thread; returns once the server
  // accepts connections.
  Status Start();
  // Stops serving and joins the thread. No-op when not running.
  void Stop();

  // The port bound by Start() (still reported after Stop()); 0 before.
  int port() const;
  // e.g. "https://127.0.0.1:43117/v1/dataset" (127.0.0.1 when bound to a
  // wildcard address).
  std::string base_url() const;
  // e.g. "csv:/path/lung.csv via https://127.0.0.1:43117/v1/dataset".
  std::string Describe() const;
  // Number of dataset requests answered with 200 (for tests).
  uint64_t pages_served() const;

 private:
  struct Impl;
  explicit DevDataProxyServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dsfl::dataproxy

#endif  // DSFL_CONNECTOR_ADAPTERS_DATAPROXY_DEV_DATA_PROXY_SERVER_H_
