// dsfl did resolve DID [--allow-http] [--ca FILE]: resolves a did:web DID
// over HTTPS (verifying the server against --ca, else the system roots),
// checks that the document's id is the DID and prints the document.
// Exit codes: 0 resolved, 1 not resolvable (one line naming why), 2 usage.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "connector-adapters/identity/did_resolver.h"
#include "connector-adapters/identity/did_web.h"
#include "connector-adapters/identity/http_fetcher.h"

namespace dsfl::cli {
namespace {

struct DidResolveOptions {
  std::string did;
  bool allow_http = false;
  std::string ca_file;
};

int RunDidResolve(const DidResolveOptions& options) {
  identity::HttpsFetcherOptions fetcher_options;
  fetcher_options.allow_http = options.allow_http;
  if (!options.ca_file.empty()) {
    std::ifstream in(options.ca_file);
    std::ostringstream pem;
    pem << in.rdbuf();
    if (!in ||
        pem.str().find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
      std::cerr << "dsfl did resolve: --ca " << options.ca_file
                << ": not a readable PEM certificate file\n";
      return 2;
    }
    fetcher_options.ca_pem = pem.str();
  }
  StatusOr<std::string> url =
      identity::DidWebToUrl(options.did, options.allow_http);
  if (!url.ok()) {
    std::cerr << "dsfl did resolve: " << url.status().message() << "\n";
    return 2;
  }
  std::unique_ptr<identity::HttpFetcher> fetcher =
      identity::NewHttpsFetcher(fetcher_options);
  identity::DidWebResolver resolver(fetcher.get(),
                                    {/*allow_http=*/options.allow_http});
  StatusOr<identity::DidDocument> document = resolver.Resolve(options.did);
  if (!document.ok()) {
    std::cerr << "dsfl did resolve: " << document.status().message() << "\n";
    return 1;
  }
  std::cout << document->json().dump(2) << "\n";
  return 0;
}

}  // namespace

void AddDidCommands(CLI::App* app, CommandContext* context) {
  CLI::App* did = app->add_subcommand("did", "decentralized identifiers");
  did->require_subcommand(1);
  auto options = std::make_shared<DidResolveOptions>();
  CLI::App* resolve = did->add_subcommand(
      "resolve", "resolve a did:web DID and print its DID document");
  resolve
      ->add_option("DID", options->did, "e.g. did:web:example.com%3A8443:user")
      ->required();
  resolve->add_flag("--allow-http", options->allow_http,
                    "fetch over plain http (test vectors only)");
  resolve
      ->add_option("--ca", options->ca_file,
                   "PEM CA certificate(s) to verify the server with")
      ->check(CLI::ExistingFile);
  resolve->callback(
      [options, context] { context->exit_code = RunDidResolve(*options); });
}

}  // namespace dsfl::cli
