// DevDataspaceServer: the dev dataspace (dataspace.h) served over real
// HTTPS with cpp-httplib's SSLServer. Binds first (port 0 = any free port),
// then publishes the DIDs for https://<host_name>:<port>, then accepts.
// The certificate must be valid for `host_name` (the dev CA issues one for
// "localhost"), since did:web clients verify it.
//
// Errors: Create() returns the Dataspace's errors and InvalidArgument for a
// bad key/certificate; Start() returns Unavailable when the address cannot
// be bound, FailedPrecondition when called twice.
// Ownership: owns the Dataspace, the server and its thread; borrows clock.
// Threading: Start()/Stop()/accessors from any thread; requests are served
// by a worker pool. Stop() is idempotent; the destructor calls it.
#ifndef DSFL_CONNECTOR_ADAPTERS_DEVSPACE_DEV_DATASPACE_SERVER_H_
#define DSFL_CONNECTOR_ADAPTERS_DEVSPACE_DEV_DATASPACE_SERVER_H_

#include <cstddef>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "connector-adapters/devspace/dataspace.h"
#include "connector-adapters/devspace/devspace_config.h"

namespace dsfl::devspace {

struct DevDataspaceServerConfig {
  std::string certificate_pem;  // Leaf first, then any chain.
  std::string private_key_pem;
  std::string bind_address = "127.0.0.1";
  int port = 0;
  std::string host_name = "localhost";  // In the DIDs and URLs.
  size_t worker_threads = 8;
};

class DevDataspaceServer {
 public:
  static StatusOr<std::unique_ptr<DevDataspaceServer>> Create(
      DevDataspaceServerConfig server, DevspaceConfig dataspace,
      const Clock* clock);
  ~DevDataspaceServer();
  DevDataspaceServer(const DevDataspaceServer&) = delete;
  DevDataspaceServer& operator=(const DevDataspaceServer&) = delete;

  Status Start();
  void Stop();

  int port() const;
  // "https://localhost:<port>".
  std::string base_url() const;
  // Valid after Start(): DIDs, URLs, keys.
  const Dataspace& dataspace() const;
  // Requests answered so far (for tests).
  uint64_t requests_served() const;

 private:
  struct Impl;
  explicit DevDataspaceServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dsfl::devspace

#endif  // DSFL_CONNECTOR_ADAPTERS_DEVSPACE_DEV_DATASPACE_SERVER_H_
