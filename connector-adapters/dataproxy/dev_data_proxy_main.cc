// dsfl-dataproxy: a development HTTPS data proxy serving one CSV file (see
// DevDataProxyServer and docs/dataproxy.md) until SIGTERM or SIGINT.
//
//   dsfl-dataproxy --csv lung.csv --cert server.pem --key server.key
//       --token-file proxy.token [--bind 127.0.0.1] [--port 0]
//       [--port-file FILE] [--path /v1/dataset]
//
// Once serving, it writes the bound port to --port-file (atomically: a
// temporary file renamed into place) and prints one line
// "dsfl-dataproxy listening on <base_url>" to stdout. Exit status 0 after a
// clean stop, 1 on errors (printed to stderr, never containing the token).

#include <cstdio>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "common/model_file.h"
#include "common/signals.h"
#include "common/status.h"
#include "common/tls/tls_policy.h"
#include "connector-adapters/dataproxy/dev_data_proxy_server.h"
#include "connector-adapters/dataproxy/read_file.h"

namespace dsfl::dataproxy {
namespace {

struct Flags {
  std::string csv;
  std::string cert;
  std::string key;
  std::string token_file;
  std::string bind = "127.0.0.1";
  int port = 0;
  std::string port_file;
  std::string path = "/v1/dataset";
};

Status Run(const Flags& flags) {
  // Same TLS policy as every dsfl process (docs/security.md): TLS 1.3 only.
  DSFL_RETURN_IF_ERROR(tls::RequireTls13ProcessWide());
  DevDataProxyServerConfig config;
  config.csv_path = flags.csv;
  DSFL_ASSIGN_OR_RETURN(config.certificate_pem,
                        ReadFileToString(flags.cert, "certificate file"));
  DSFL_ASSIGN_OR_RETURN(config.private_key_pem,
                        ReadFileToString(flags.key, "key file"));
  DSFL_ASSIGN_OR_RETURN(config.bearer_token,
                        ReadSecretFile(flags.token_file, "token file"));
  config.bind_address = flags.bind;
  config.port = flags.port;
  config.dataset_path = flags.path;
  DSFL_ASSIGN_OR_RETURN(std::unique_ptr<DevDataProxyServer> server,
                        DevDataProxyServer::Create(std::move(config)));
  DSFL_RETURN_IF_ERROR(server->Start());
  if (!flags.port_file.empty()) {
    Status written = WriteFileAtomically(flags.port_file,
                                         absl::StrCat(server->port(), "\n"));
    if (!written.ok()) {
      server->Stop();
      return written;
    }
  }
  std::printf("dsfl-dataproxy listening on %s (%s)\n",
              server->base_url().c_str(), server->Describe().c_str());
  std::fflush(stdout);
  const int signal_number = WaitForTerminationSignal();
  std::fprintf(stderr, "dsfl-dataproxy: stopping on signal %d\n",
               signal_number);
  server->Stop();
  return absl::OkStatus();
}

}  // namespace
}  // namespace dsfl::dataproxy

int main(int argc, char** argv) {
  dsfl::dataproxy::Flags flags;
  CLI::App app{
      "dsfl-dataproxy: development HTTPS data proxy serving one CSV file"};
  app.add_option("--csv", flags.csv, "CSV file to serve")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--cert", flags.cert, "server certificate (PEM)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--key", flags.key, "server private key (PEM)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--token-file", flags.token_file,
                 "file holding the bearer token clients must send")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--bind", flags.bind, "address to bind")
      ->capture_default_str();
  app.add_option("--port", flags.port, "port to bind (0 = any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--port-file", flags.port_file,
                 "write the bound port to this file once serving");
  app.add_option("--path", flags.path, "URL path of the dataset")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  // Before any thread exists, so that every thread inherits the mask.
  dsfl::BlockTerminationSignals();
  dsfl::Status status = dsfl::dataproxy::Run(flags);
  if (!status.ok()) {
    std::fprintf(stderr, "dsfl-dataproxy: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
