// Dataspace: the state and HTTP semantics of the dev dataspace, without
// the HTTP server (dev_dataspace_server.h serves it over HTTPS). It stands
// in for what a real deployment gets from EDC connectors, IdentityHub and
// an issuer, with the exact JSON shapes of tests/fixtures/edc:
//
//   GET  /healthz
//   GET  /issuer/did.json                        the issuer's DID document
//   GET  /issuer/status/revocation               BitstringStatusList VC-JWT
//   GET  /participants/<p>/did.json              a participant's DID document
//   *    /participants/<p>/api/management/v3|v4/ <p>'s connector (X-Api-Key):
//          POST catalog/request, catalogs/request (federated catalog),
//          POST contractnegotiations, contractnegotiations/request,
//          GET  contractnegotiations/{id}[/state|/agreement],
//          POST contractnegotiations/{id}/terminate,
//          GET  contractagreements/{id}, POST contractagreements/request,
//          POST assets (create; 409 if the id exists), PUT assets (update;
//          404 if missing), GET|DELETE assets/{id} (EDC's AssetInput and
//          AssetOutput shapes, asset.h): a hospital publishes its slave's
//          endpoint, profile and TLS name this way once it has bound a port
//   POST /participants/<p>/api/catalog/v1alpha/catalog/query  legacy FC
//   POST /participants/<p>/cs/presentations/query  DCP CredentialService
//   POST /participants/<p>/sts/token             self-issued token + access
//                                                token for an audience
//
// DIDs are did:web:<host>%3A<port>:participants:<p> (and :issuer), so they
// resolve against this server. Credentials (VC-JWTs, really signed by the
// issuer) and the status list are issued by Publish(). The connector's
// access policy: a consumer sees a provider's datasets only with a valid
// MembershipCredential; a negotiation is TERMINATED unless the consumer
// holds the dataset's required credential (valid, not revoked). A dataset
// is in catalogs only while published (devspace_config.h): from the config
// when it names a slave_endpoint, else once its asset is created.
// Negotiations advance with the injected clock (negotiation_machine.h).
//
// Errors: Create()/Publish() return InvalidArgument for key files that
// cannot be read or written. Handle() answers HTTP errors in EDC's shape
// (an array of {message,type,path,invalidValue}).
// Ownership: borrows the clock. Threading: Handle() is thread-safe
// (internal mutex); Publish() must precede Handle().
#ifndef DSFL_CONNECTOR_ADAPTERS_DEVSPACE_DATASPACE_H_
#define DSFL_CONNECTOR_ADAPTERS_DEVSPACE_DATASPACE_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "connector-adapters/devspace/devspace_config.h"
#include "connector-adapters/edc/negotiation.h"
#include "connector-adapters/identity/did_resolver.h"
#include "connector-adapters/identity/self_issued_token.h"
#include "connector-adapters/identity/signing_key.h"
#include "connector-adapters/identity/status_list.h"
#include "nlohmann/json.hpp"

namespace dsfl::devspace {

struct HttpCall {
  std::string method;
  std::string path;  // Decoded, without the query.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The first header named `name` (case-insensitive), or "".
  std::string Header(const std::string& name) const;
};

struct HttpReply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

class Dataspace {
 public:
  static StatusOr<std::unique_ptr<Dataspace>> Create(DevspaceConfig config,
                                                     const Clock* clock);
  ~Dataspace();

  // Fixes the public origin and derives DIDs, documents and credentials.
  Status Publish(const std::string& host, int port);
  HttpReply Handle(const HttpCall& call);

  // After Publish(). `name` is a participant's or the issuer's name.
  std::string BaseUrl() const;
  std::string DidOf(const std::string& name) const;
  std::string IssuerDid() const;
  std::string ManagementUrl(const std::string& name) const;
  std::string FederatedCatalogUrl(const std::string& name) const;
  std::string DspUrl(const std::string& name) const;
  std::string CredentialServiceUrl(const std::string& name) const;
  // nullptr for unknown names.
  const identity::SigningKey* KeyOf(const std::string& name) const;
  std::vector<std::string> CredentialsOf(const std::string& name) const;
  // {"base_url", "issuer": {...}, "participants": [{"name","did",
  //  "management_url","federated_catalog_url","dsp_url",
  //  "credential_service_url","key_file","datasets":[{"id","published",
  //  "slave_endpoint","tls_server_name","profile","required_credential"}]}]}
  // Thread-safe; datasets as published at the time of the call.
  nlohmann::json Manifest() const;

 private:
  struct Party;
  struct Negotiation;
  struct OfferRecord {
    std::string provider;
    std::string dataset_id;
  };

  Dataspace(DevspaceConfig config, const Clock* clock);
  Party* FindParty(const std::string& name);
  const Party* FindParty(const std::string& name) const;
  Party* PartyByDsp(const std::string& address);
  Party* PartyByDid(const std::string& did);
  bool HoldsValid(const Party& party, const std::string& type) const;

  HttpReply Route(const HttpCall& call);
  HttpReply HandleManagement(Party& party, const std::string& method,
                             const std::vector<std::string>& rest,
                             const std::string& body);
  HttpReply HandleCatalogRequest(Party& consumer, const std::string& body);
  HttpReply HandleFederatedCatalog(Party& consumer, const std::string& body);
  HttpReply HandleNegotiate(Party& consumer, const std::string& body);
  HttpReply HandleAssets(Party& owner, const std::string& method,
                         const std::vector<std::string>& rest,
                         const std::string& body);
  nlohmann::json AssetOutputJson(const DevDataset& dataset) const;
  bool HasAgreementFor(const Party& provider,
                       const std::string& dataset_id) const;
  HttpReply HandlePresentationQuery(Party& holder, const HttpCall& call);
  HttpReply HandleSts(Party& party, const std::string& body);
  HttpReply StatusListReply();

  nlohmann::json CatalogJson(const Party& provider, const Party& consumer);
  nlohmann::json NegotiationJson(const Negotiation& negotiation) const;
  nlohmann::json AgreementJson(const Negotiation& negotiation) const;
  edc::NegotiationState StateOf(const Negotiation& negotiation) const;
  Negotiation* FindNegotiation(const Party& consumer, const std::string& id);
  const Negotiation* FindAgreement(const Party& party, const std::string& id);

  DevspaceConfig config_;
  const Clock* clock_;
  std::string host_;
  int port_ = 0;
  std::unique_ptr<Party> issuer_;
  std::vector<std::unique_ptr<Party>> participants_;
  identity::StaticDidResolver resolver_;
  identity::StatusBitstring revocation_bits_;
  identity::JtiCache jti_cache_;
  std::map<std::string, OfferRecord> offers_;
  std::map<std::string, std::unique_ptr<Negotiation>> negotiations_;
  mutable std::mutex mu_;  // Guards everything Handle() touches.
};

}  // namespace dsfl::devspace

#endif  // DSFL_CONNECTOR_ADAPTERS_DEVSPACE_DATASPACE_H_
