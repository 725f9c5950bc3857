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
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "common/status.h"
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

StatusOr<std::string> ReadFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read ", what, " '", path, "'"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Status WriteAtomically(const std::string& path, const std::string& content) {
  const std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  std::FILE* file = std::fopen(tmp.c_str(), "w");
  if (file == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot write '", tmp, "': ", std::strerror(errno)));
  }
  bool ok =
      std::fwrite(content.data(), 1, content.size(), file) == content.size();
  ok = std::fflush(file) == 0 && ok;
  ok = fsync(fileno(file)) == 0 && ok;
  ok = std::fclose(file) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::remove(tmp.c_str());
    return absl::UnavailableError(
        absl::StrCat("cannot write '", path, "': ", std::strerror(err)));
  }
  return absl::OkStatus();
}

Status Run(const Flags& flags, const sigset_t& stop_signals) {
  DSFL_RETURN_IF_ERROR(tls::RequireTls13ProcessWide());
  DSFL_ASSIGN_OR_RETURN(DevspaceConfig dataspace,
                        LoadDevspaceConfig(flags.participants));
  DevDataspaceServerConfig server;
  DSFL_ASSIGN_OR_RETURN(server.certificate_pem,
                        ReadFile(flags.cert, "certificate file"));
  DSFL_ASSIGN_OR_RETURN(server.private_key_pem,
                        ReadFile(flags.key, "key file"));
  server.bind_address = flags.bind;
  server.port = flags.port;
  server.host_name = flags.host;
  DSFL_ASSIGN_OR_RETURN(
      std::unique_ptr<DevDataspaceServer> devspace,
      DevDataspaceServer::Create(std::move(server), std::move(dataspace),
                                 &SystemClock()));
  DSFL_RETURN_IF_ERROR(devspace->Start());
  if (!flags.manifest.empty()) {
    Status written = WriteAtomically(
        flags.manifest, devspace->dataspace().Manifest().dump(2) + "\n");
    if (!written.ok()) return written;
  }
  if (!flags.port_file.empty()) {
    Status written =
        WriteAtomically(flags.port_file, absl::StrCat(devspace->port(), "\n"));
    if (!written.ok()) return written;
  }
  std::printf("dsfl-devspace listening on %s\n", devspace->base_url().c_str());
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
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
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  dsfl::Status status = dsfl::devspace::Run(flags, stop_signals);
  if (!status.ok()) {
    std::fprintf(stderr, "dsfl-devspace: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}
