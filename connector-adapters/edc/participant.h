// Participant: one dataspace participant's run-time toolkit (a dsfl master
// or slave), built once at start-up from its "dataspace" config section:
// the HTTPS fetcher (configured CA), the did:web resolver, the status-list
// source, the presentation verifier, its own signing key (a verification
// method of its DID document), the DCP presentation-query client that signs
// self-issued tokens with that key, and the Management API client of its own
// connector.
//
// Config (flat keys of the section; the caller reads its own extra keys
// from the same reader and calls Finish()):
//   "did"             the participant's DID (did:web:...)                 required
//   "key"             PEM private key listed in the DID document          required
//   "key_id"          the key's DID URL; default "<did>#key-1"
//   "connector"       {"management_url", "api_key", "api_version",
//                      "federated_catalog_url", "protocol"}               required
//   "https_ca"        CA file for HTTPS to connectors, did:web and DCP;
//                     "" = the system roots
//   "allow_http_did"  resolve http:// DIDs (test vectors only); false
//   "trusted_issuers" [{"did", "types": [...]}], issuers whose credentials
//                     this participant accepts                            required
// Relative paths resolve against `base_dir`.
//
// Errors: Create() returns InvalidArgument naming the field (unreadable or
// malformed key or CA file, bad connector URL).
// Ownership: Participant owns every collaborator; references stay valid for
// its lifetime; `clock` is borrowed. Threading: the collaborators are
// thread-compatible per call; the verifier and resolver may be shared by
// concurrent calls (they keep no per-call state).
#ifndef DSFL_CONNECTOR_ADAPTERS_EDC_PARTICIPANT_H_
#define DSFL_CONNECTOR_ADAPTERS_EDC_PARTICIPANT_H_

#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/config_reader.h"
#include "common/status.h"
#include "connector-adapters/edc/management_client.h"
#include "connector-adapters/identity/dcp_client.h"
#include "connector-adapters/identity/did_resolver.h"
#include "connector-adapters/identity/http_fetcher.h"
#include "connector-adapters/identity/presentation_verifier.h"
#include "connector-adapters/identity/signing_key.h"
#include "connector-adapters/identity/status_list_source.h"

namespace dsfl::edc {

struct ParticipantConfig {
  std::string did;
  std::string key_path;
  std::string key_id;  // "" until parsed: then did + "#key-1" by default
  ManagementApiConfig connector;
  std::string https_ca;
  bool allow_http_did = false;
  std::vector<identity::TrustedIssuer> trusted_issuers;
  std::string path;  // the section's config path, for error messages
};

// Reads the keys above; errors are collected in `reader`.
ParticipantConfig ParseParticipantConfig(ConfigReader& reader,
                                         const std::string& base_dir);

// Reads [{"did", "types"}] at `key` of `reader` (required when `required`).
std::vector<identity::TrustedIssuer> ParseTrustedIssuers(ConfigReader& reader,
                                                         const std::string& key,
                                                         bool required);

class Participant {
 public:
  static StatusOr<std::unique_ptr<Participant>> Create(
      const ParticipantConfig& config, const Clock* clock);

  const std::string& did() const { return config_.did; }
  const ParticipantConfig& config() const { return config_; }
  ManagementApiClient& connector() { return *connector_; }
  identity::HttpFetcher& fetcher() { return *fetcher_; }
  identity::DidResolver& resolver() { return *resolver_; }
  identity::PresentationVerifier& verifier() { return *verifier_; }
  identity::PresentationQueryClient& dcp() { return *dcp_; }
  const identity::SigningKey& key() const { return *key_; }
  // The CA PEM used for HTTPS ("" = system roots).
  const std::string& https_ca_pem() const { return https_ca_pem_; }

 private:
  explicit Participant(ParticipantConfig config) : config_(std::move(config)) {}

  ParticipantConfig config_;
  std::string https_ca_pem_;
  std::unique_ptr<identity::HttpFetcher> fetcher_;
  std::unique_ptr<identity::DidWebResolver> resolver_;
  std::unique_ptr<identity::HttpStatusListSource> status_lists_;
  std::unique_ptr<identity::PresentationVerifier> verifier_;
  std::unique_ptr<identity::SigningKey> key_;
  std::unique_ptr<identity::PresentationQueryClient> dcp_;
  std::unique_ptr<ManagementApiClient> connector_;
};

}  // namespace dsfl::edc

#endif  // DSFL_CONNECTOR_ADAPTERS_EDC_PARTICIPANT_H_
