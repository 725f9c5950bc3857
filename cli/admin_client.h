// AdminClient: the CLI's client of the master daemon's admin API (HTTPS,
// bearer token, the server verified against a CA file).
//
// Where: --master URL (or DSFL_MASTER, default https://127.0.0.1:7070),
// --token-file (or DSFL_TOKEN_FILE), --ca (or DSFL_CA).
// Errors: Unavailable when the master cannot be reached (the CLI exits 3),
// Unauthenticated for a refused token, and the API's own error message
// (naming the field) for everything else. Thread-compatibility: one user.
#ifndef DSFL_CLI_ADMIN_CLIENT_H_
#define DSFL_CLI_ADMIN_CLIENT_H_

#include <memory>
#include <string>

#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl::cli {

struct AdminEndpoint {
  std::string url;         // https://host:port
  std::string token_file;
  std::string ca_file;
};

// Fills unset fields from the environment and defaults.
AdminEndpoint ResolveEndpoint(AdminEndpoint endpoint);

class AdminClient {
 public:
  static StatusOr<std::unique_ptr<AdminClient>> Create(
      const AdminEndpoint& endpoint);
  ~AdminClient();

  StatusOr<nlohmann::json> Get(const std::string& path);
  StatusOr<nlohmann::json> Post(const std::string& path,
                                const nlohmann::json& body);
  // Raw body (e.g. a model file) and the response's X-Model-Digest.
  StatusOr<std::string> Download(const std::string& path, std::string* digest);

 private:
  struct Impl;
  explicit AdminClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Exit code for a failed call: 3 when the master was unreachable, else 1.
int ExitCodeFor(const Status& status);

}  // namespace dsfl::cli

#endif  // DSFL_CLI_ADMIN_CLIENT_H_
