// dsfl-devspace: the dev dataspace (docs/dataspace.md) over HTTPS until
// SIGTERM or SIGINT. It stands in for the EDC connectors, IdentityHub and
// the issuer of a real dataspace.
//
//   dsfl-devspace --participants participants.json --cert server.pem
//       --key server.key [--bind 127.0.0.1] [--port 0] [--host localhost]
//       [--port-file FILE] [--manifest FILE]
//
// Once serving it writes the bound port to --port-file and the manifest
// (DIDs, URLs, key files of every participant; dataspace.h) to --manifest,
// each atomically (a temporary file renamed into place, manifest first),
// then prints "dsfl-devspace listening on <base_url>". Exit status 0 after a
// clean stop, 1 on errors (printed to stderr), 2 on usage errors.

#include <cstdio>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/model_file.h"
#include "common/signals.h"
#include "common/status.h"
#include "common/tls/pem_files.h"
#include "common/tls/tls_policy.h"
#include "connector-adapters/devspace/dev_dataspace_server.h"

namespace dsfl::devspace {
namespace {

struct Flags {
  std::string participants;
  std::string cert;
  std::string key;
  std::string bind = "127.0.0.1";
  int port = 0;
  std::string host = "localhost";
  std::string port_file;
  std::string manifest;
};

Status Run(const Flags& flags) {
  DSFL_RETURN_IF_ERROR(tls::RequireTls13ProcessWide());
  DSFL_ASSIGN_OR_RETURN(DevspaceConfig dataspace,
                        LoadDevspaceConfig(flags.participants));
  DevDataspaceServerConfig server;
  DSFL_ASSIGN_OR_RETURN(server.certificate_pem, tls::ReadPemFile(flags.cert));
  DSFL_ASSIGN_OR_RETURN(server.private_key_pem, tls::ReadPemFile(flags.key));
  server.bind_address = flags.bind;
  server.port = flags.port;
  server.host_name = flags.host;
  DSFL_ASSIGN_OR_RETURN(
      std::unique_ptr<DevDataspaceServer> devspace,
      DevDataspaceServer::Create(std::move(server), std::move(dataspace),
                                 &SystemClock()));
  DSFL_RETURN_IF_ERROR(devspace->Start());
  if (!flags.manifest.empty()) {
    Status written = WriteFileAtomically(
        flags.manifest, devspace->dataspace().Manifest().dump(2) + "\n");
    if (!written.ok()) return written;
  }
  if (!flags.port_file.empty()) {
    Status written = WriteFileAtomically(flags.port_file,
                                         absl::StrCat(devspace->port(), "\n"));
    if (!written.ok()) return written;
  }
  std::printf("dsfl-devspace listening on %s\n", devspace->base_url().c_str());
  std::fflush(stdout);
  const int signal_number = WaitForTerminationSignal();
  std::fprintf(stderr, "dsfl-devspace: stopping on signal %d\n", signal_number);
  devspace->Stop();
  return absl::OkStatus();
}

}  // namespace
}  // namespace dsfl::devspace

int main(int argc, char** argv) {
  dsfl::devspace::Flags flags;
  CLI::App app{
      "dsfl-devspace: development dataspace (EDC Management API, "
      "federated catalog, did:web, DCP, status lists) over HTTPS"};
  app.add_option("--participants", flags.participants,
                 "participants JSON file (docs/dataspace.md)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--cert", flags.cert, "server certificate (PEM)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--key", flags.key, "server private key (PEM)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--bind", flags.bind, "address to bind")
      ->capture_default_str();
  app.add_option("--port", flags.port, "port to bind (0 = any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--host", flags.host,
                 "host name in DIDs and URLs (must be in the certificate)")
      ->capture_default_str();
  app.add_option("--port-file", flags.port_file,
                 "write the bound port here once serving");
  app.add_option("--manifest", flags.manifest,
                 "write the participants' DIDs and URLs here once serving");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  // Before any thread exists, so that every thread inherits the mask.
  dsfl::BlockTerminationSignals();
  dsfl::Status status = dsfl::devspace::Run(flags);
  if (!status.ok()) {
    std::fprintf(stderr, "dsfl-devspace: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
