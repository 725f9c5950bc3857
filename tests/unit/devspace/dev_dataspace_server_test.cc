// The dev dataspace over real HTTPS, driven by the real clients: did:web
// resolution, federated catalog discovery, contract negotiation through
// its state machine (injected clock, no sleeps), the provider's own view
// of the agreement, DCP presentation queries and status-list revocation.
#include "connector-adapters/devspace/dev_dataspace_server.h"

#include "connector-adapters/edc/agreement_check.h"
#include "connector-adapters/edc/management_client.h"
#include "connector-adapters/edc/negotiator.h"
#include "connector-adapters/edc/slave_dataset.h"
#include "connector-adapters/identity/dcp_client.h"
#include "connector-adapters/identity/did_resolver.h"
#include "connector-adapters/identity/presentation_verifier.h"
#include "connector-adapters/identity/refusal.h"
#include "connector-adapters/identity/self_issued_token.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/devspace/test_support.h"

namespace dsfl::devspace {
namespace {

using identity::Reason;
using identity::ReasonOf;
using identity::testing::FakeClock;
using identity::testing::Unix;
using testing::ClockSleeper;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

class DevspaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = testing::StartServer(pki_, testing::DemoConfig(), &clock_);
    ASSERT_NE(server_, nullptr);
    identity::HttpsFetcherOptions options;
    options.ca_pem = pki_.ca_pem;
    fetcher_ = identity::NewHttpsFetcher(options);
    resolver_ = std::make_unique<identity::DidWebResolver>(
        fetcher_.get(), identity::DidWebResolverOptions{});
  }

  const Dataspace& space() const { return server_->dataspace(); }

  std::unique_ptr<edc::ManagementApiClient> Connector(
      const std::string& name, const std::string& api_key = "test-api-key",
      bool legacy_fc = false) {
    edc::ManagementApiConfig config;
    config.management_url = space().ManagementUrl(name);
    config.api_key = api_key;
    if (legacy_fc)
      config.federated_catalog_url = space().FederatedCatalogUrl(name);
    StatusOr<std::unique_ptr<edc::ManagementApiClient>> client =
        edc::ManagementApiClient::Create(config, fetcher_.get());
    EXPECT_TRUE(client.ok()) << client.status();
    return *std::move(client);
  }

  edc::SlaveDataset Discover(const std::string& participant) {
    StatusOr<std::vector<edc::Catalog>> catalogs =
        Connector("master")->QueryFederatedCatalog({});
    EXPECT_TRUE(catalogs.ok()) << catalogs.status();
    for (const edc::SlaveDataset& slave :
         edc::ExtractSlaveDatasets(*catalogs).slaves) {
      if (slave.participant_id == space().DidOf(participant)) return slave;
    }
    ADD_FAILURE() << "no dataset of " << participant;
    return {};
  }

  StatusOr<edc::NegotiationOutcome> Negotiate(
      const std::string& participant, edc::NegotiationOptions options = {}) {
    auto master = Connector("master");
    return edc::NegotiateContract(
        *master, edc::ContractRequestFor(Discover(participant)), options,
        clock_, sleeper_);
  }

  identity::PresentationPolicy MasterPolicy(const std::string& hospital) {
    identity::PresentationPolicy policy;
    policy.trusted_issuers = {{space().IssuerDid(), {"MembershipCredential"}}};
    policy.required_types = {"MembershipCredential"};
    policy.audience = space().DidOf("master");
    policy.expected_holder = space().DidOf(hospital);
    return policy;
  }

  StatusOr<std::vector<std::string>> QueryPresentations(
      const std::string& holder, const std::string& access_token = "") {
    identity::PresentationQueryClient client(fetcher_.get(), resolver_.get(),
                                             space().KeyOf("master"),
                                             space().DidOf("master"), &clock_);
    return client.Query(space().DidOf(holder),
                        {identity::CredentialTypeScope("MembershipCredential")},
                        access_token);
  }

  testing::Pki pki_ = testing::MakePki();
  FakeClock clock_{Unix(1767225600)};
  ClockSleeper sleeper_{&clock_};
  std::unique_ptr<DevDataspaceServer> server_;
  std::unique_ptr<identity::HttpFetcher> fetcher_;
  std::unique_ptr<identity::DidWebResolver> resolver_;
};

TEST_F(DevspaceTest, StartsOnAnEphemeralPortAndStops) {
  EXPECT_GT(server_->port(), 0);
  EXPECT_EQ(server_->base_url(),
            "https://localhost:" + std::to_string(server_->port()));
  StatusOr<identity::HttpResponse> health =
      fetcher_->Fetch({"GET", server_->base_url() + "/healthz", {}, "", ""});
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(server_->Start().code(), absl::StatusCode::kFailedPrecondition);
  server_->Stop();
  server_->Stop();  // Idempotent.
  EXPECT_EQ(
      fetcher_->Fetch({"GET", server_->base_url() + "/healthz", {}, "", ""})
          .status()
          .code(),
      absl::StatusCode::kUnavailable);
}

TEST_F(DevspaceTest, ServesDidWebDocumentsOverVerifiedHttps) {
  const std::string did = space().DidOf("hospital-a");
  EXPECT_EQ(did, "did:web:localhost%3A" + std::to_string(server_->port()) +
                     ":participants:hospital-a");
  StatusOr<identity::DidDocument> doc = resolver_->Resolve(did);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->id(), did);
  EXPECT_EQ(doc->ServiceEndpoint("CredentialService"),
            space().CredentialServiceUrl("hospital-a"));
  ASSERT_EQ(doc->methods().size(), 1u);
  EXPECT_EQ(doc->methods()[0].id, did + "#key-1");
  EXPECT_EQ(doc->methods()[0].key->type, identity::KeyType::kP256);
  StatusOr<identity::DidDocument> issuer =
      resolver_->Resolve(space().IssuerDid());
  ASSERT_TRUE(issuer.ok()) << issuer.status();
  EXPECT_EQ(issuer->methods()[0].key->type, identity::KeyType::kEd25519);
  // Another CA: the TLS verification fails, so the DID is unresolvable.
  identity::HttpsFetcherOptions other;
  other.ca_pem = testing::MakePki().ca_pem;
  auto untrusting = identity::NewHttpsFetcher(other);
  identity::DidWebResolver strict(untrusting.get(), {});
  Status refused = strict.Resolve(did).status();
  EXPECT_EQ(ReasonOf(refused), Reason::kUnknownDid);
  EXPECT_THAT(refused.message(), HasSubstr("TLS verification"));
  EXPECT_EQ(ReasonOf(resolver_->Resolve(did + "x").status()),
            Reason::kUnknownDid);
}

TEST_F(DevspaceTest, FederatedCatalogAdvertisesTheSlaves) {
  StatusOr<std::vector<edc::Catalog>> catalogs =
      Connector("master")->QueryFederatedCatalog({});
  ASSERT_TRUE(catalogs.ok()) << catalogs.status();
  EXPECT_EQ(catalogs->size(), 4u);  // Every provider, not the master.
  edc::SlaveDiscovery found = edc::ExtractSlaveDatasets(*catalogs);
  EXPECT_TRUE(found.skipped.empty());
  std::vector<std::string> ids;
  for (const edc::SlaveDataset& slave : found.slaves) {
    ids.push_back(slave.dataset_id);
    EXPECT_EQ(slave.profile, testing::kLungProfile);
    EXPECT_EQ(slave.dsp_endpoint, space().DspUrl(slave.tls_server_name));
  }
  EXPECT_THAT(ids, UnorderedElementsAre("lung-hospital-a", "lung-hospital-b",
                                        "lung-hospital-c", "lung-hospital-d"));
  edc::SlaveDataset a = Discover("hospital-a");
  EXPECT_EQ(a.slave_endpoint, "127.0.0.1:50051");
  // The legacy standalone FC path answers the same.
  StatusOr<std::vector<edc::Catalog>> legacy =
      Connector("master", "test-api-key", true)->QueryFederatedCatalog({});
  ASSERT_TRUE(legacy.ok()) << legacy.status();
  EXPECT_EQ(edc::ExtractSlaveDatasets(*legacy).slaves.size(), 4u);
  // One provider's catalog through the catalog request.
  edc::CatalogRequest request;
  request.counter_party_address = space().DspUrl("hospital-a");
  request.counter_party_id = space().DidOf("hospital-a");
  StatusOr<edc::Catalog> catalog = Connector("master")->RequestCatalog(request);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_EQ(catalog->participant_id, space().DidOf("hospital-a"));
  ASSERT_EQ(catalog->datasets.size(), 1u);
  EXPECT_EQ(catalog->datasets[0].offers.size(), 1u);
  request.counter_party_address = space().BaseUrl() + "/nowhere";
  EXPECT_EQ(Connector("master")->RequestCatalog(request).status().code(),
            absl::StatusCode::kUnavailable);  // EDC's 502.
}

TEST_F(DevspaceTest, NonMembersSeeNoDatasets) {
  StatusOr<std::vector<edc::Catalog>> catalogs =
      Connector("outsider")->QueryFederatedCatalog({});
  ASSERT_TRUE(catalogs.ok()) << catalogs.status();
  EXPECT_TRUE(edc::ExtractSlaveDatasets(*catalogs).slaves.empty());
}

TEST_F(DevspaceTest, TheConnectorNeedsItsApiKey) {
  Status status =
      Connector("master", "wrong")->QueryFederatedCatalog({}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(status.message(), HasSubstr("X-Api-Key"));
}

TEST_F(DevspaceTest, NegotiationFinalizesAndBothPartiesSeeTheAgreement) {
  const absl::Time start = clock_.Now();
  StatusOr<edc::NegotiationOutcome> outcome = Negotiate("hospital-a");
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->states_seen.front(), edc::NegotiationState::kInitial);
  EXPECT_EQ(outcome->states_seen.back(), edc::NegotiationState::kFinalized);
  EXPECT_GE(outcome->states_seen.size(), 4u);
  EXPECT_GE(clock_.Now() - start, absl::Milliseconds(900));  // 6 steps.
  const edc::ContractAgreement& agreement = outcome->agreement;
  EXPECT_EQ(agreement.consumer_id, space().DidOf("master"));
  EXPECT_EQ(agreement.provider_id, space().DidOf("hospital-a"));
  EXPECT_EQ(agreement.asset_id, "lung-hospital-a");
  EXPECT_EQ(agreement.policy_target, "lung-hospital-a");
  // The slave asks its own connector.
  auto own = Connector("hospital-a");
  StatusOr<edc::ContractAgreement> seen = edc::VerifyAgreementWithOwnConnector(
      *own, agreement.id,
      {space().DidOf("master"), space().DidOf("hospital-a"),
       "lung-hospital-a"});
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(ReasonOf(edc::VerifyAgreementWithOwnConnector(
                         *own, agreement.id,
                         {space().DidOf("outsider"),
                          space().DidOf("hospital-a"), "lung-hospital-a"})
                         .status()),
            Reason::kAgreementWrongConsumer);
  EXPECT_EQ(ReasonOf(edc::VerifyAgreementWithOwnConnector(
                         *own, agreement.id,
                         {space().DidOf("master"), space().DidOf("hospital-a"),
                          "lung-hospital-b"})
                         .status()),
            Reason::kAgreementWrongAsset);
  // Another hospital's connector does not know it.
  EXPECT_EQ(ReasonOf(edc::VerifyAgreementWithOwnConnector(
                         *Connector("hospital-b"), agreement.id,
                         {space().DidOf("master"), space().DidOf("hospital-b"),
                          "lung-hospital-b"})
                         .status()),
            Reason::kAgreementNotFound);
  edc::QuerySpec query;
  query.filters.push_back({"assetId", "=", "lung-hospital-a"});
  StatusOr<std::vector<edc::ContractAgreement>> listed =
      own->QueryAgreements(query);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->at(0).id, agreement.id);
}

TEST_F(DevspaceTest, TerminatedAndPendingNegotiations) {
  StatusOr<edc::NegotiationOutcome> terminated = Negotiate("hospital-d");
  EXPECT_EQ(ReasonOf(terminated.status()), Reason::kAgreementTerminated);
  EXPECT_THAT(terminated.status().message(),
              HasSubstr("Policy in scope contract.negotiation not fulfilled"));
  edc::NegotiationOptions short_timeout;
  short_timeout.timeout = absl::Seconds(10);
  StatusOr<edc::NegotiationOutcome> pending =
      Negotiate("hospital-c", short_timeout);
  EXPECT_EQ(ReasonOf(pending.status()), Reason::kAgreementPending);
  EXPECT_THAT(pending.status().message(), HasSubstr("still REQUESTED"));
}

TEST_F(DevspaceTest, PolicyAndOfferChecksTerminate) {
  // A member without the FederatedModelCreatorCredential.
  edc::SlaveDataset a = Discover("hospital-a");
  StatusOr<edc::NegotiationOutcome> not_creator =
      edc::NegotiateContract(*Connector("hospital-b"),
                             edc::ContractRequestFor(a), {}, clock_, sleeper_);
  EXPECT_EQ(ReasonOf(not_creator.status()), Reason::kAgreementTerminated);
  // A forged offer id.
  edc::ContractRequest forged = edc::ContractRequestFor(a);
  forged.offer["@id"] = "Zm9yZ2Vk:Zm9yZ2Vk:Zm9yZ2Vk";
  StatusOr<edc::NegotiationOutcome> outcome = edc::NegotiateContract(
      *Connector("master"), forged, {}, clock_, sleeper_);
  EXPECT_EQ(ReasonOf(outcome.status()), Reason::kAgreementTerminated);
  EXPECT_THAT(outcome.status().message(), HasSubstr("was not issued"));
  // An offer for another asset.
  edc::ContractRequest swapped = edc::ContractRequestFor(a);
  swapped.target = "lung-hospital-b";
  EXPECT_EQ(ReasonOf(edc::NegotiateContract(*Connector("master"), swapped, {},
                                            clock_, sleeper_)
                         .status()),
            Reason::kAgreementTerminated);
  // A malformed request is EDC's 400.
  edc::ContractRequest malformed = edc::ContractRequestFor(a);
  malformed.offer = nlohmann::json::object();
  EXPECT_EQ(Connector("master")->InitiateNegotiation(malformed).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(DevspaceTest, PresentationQueryYieldsAVerifiablePresentation) {
  StatusOr<std::vector<std::string>> vps = QueryPresentations("hospital-a");
  ASSERT_TRUE(vps.ok()) << vps.status();
  ASSERT_EQ(vps->size(), 1u);
  clock_.Advance(absl::Seconds(2));
  identity::HttpStatusListSource lists(fetcher_.get(), resolver_.get(), &clock_,
                                       {});
  identity::PresentationVerifier verifier(resolver_.get(), &lists, &clock_);
  StatusOr<identity::VerifiedPresentation> vp =
      verifier.VerifyPresentation(vps->at(0), MasterPolicy("hospital-a"));
  ASSERT_TRUE(vp.ok()) << vp.status();
  EXPECT_EQ(vp->holder, space().DidOf("hospital-a"));
  ASSERT_EQ(vp->credentials.size(), 1u);
  EXPECT_THAT(vp->credentials[0].types,
              ElementsAre("VerifiableCredential", "MembershipCredential"));
  EXPECT_EQ(vp->credentials[0].issuer, space().IssuerDid());
  // The presentation is for the master only.
  identity::PresentationPolicy other = MasterPolicy("hospital-a");
  other.audience = space().DidOf("hospital-b");
  EXPECT_EQ(ReasonOf(verifier.VerifyPresentation(vps->at(0), other).status()),
            Reason::kWrongAudience);
  // It expires after 60 s.
  clock_.Advance(absl::Minutes(2));
  EXPECT_EQ(
      ReasonOf(
          verifier.VerifyPresentation(vps->at(0), MasterPolicy("hospital-a"))
              .status()),
      Reason::kExpired);
}

TEST_F(DevspaceTest, RevokedMembershipIsRefused) {
  StatusOr<std::vector<std::string>> vps = QueryPresentations("hospital-b");
  ASSERT_TRUE(vps.ok()) << vps.status();
  identity::HttpStatusListSource lists(fetcher_.get(), resolver_.get(), &clock_,
                                       {});
  identity::PresentationVerifier verifier(resolver_.get(), &lists, &clock_);
  Status status =
      verifier.VerifyPresentation(vps->at(0), MasterPolicy("hospital-b"))
          .status();
  EXPECT_EQ(ReasonOf(status), Reason::kRevoked);
  EXPECT_THAT(status.message(), HasSubstr("/issuer/status/revocation"));
}

TEST_F(DevspaceTest, CredentialServiceChecksTheCallersToken) {
  // A token signed by the outsider but claiming to be the master.
  identity::PresentationQueryClient impostor(fetcher_.get(), resolver_.get(),
                                             space().KeyOf("outsider"),
                                             space().DidOf("master"), &clock_);
  Status refused =
      impostor
          .Query(space().DidOf("hospital-a"),
                 {identity::CredentialTypeScope("MembershipCredential")}, "")
          .status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  // With an access token minted by the hospital's STS for the master.
  identity::HttpRequest sts;
  sts.method = "POST";
  sts.url = space().BaseUrl() + "/participants/hospital-a/sts/token";
  sts.headers = {{"X-Api-Key", "test-api-key"}};
  sts.body =
      nlohmann::json{
          {"audience", space().DidOf("master")},
          {"scope", identity::CredentialTypeScope("MembershipCredential")}}
          .dump();
  StatusOr<identity::HttpResponse> minted = fetcher_->Fetch(sts);
  ASSERT_TRUE(minted.ok()) << minted.status();
  ASSERT_EQ(minted->status, 200) << minted->body;
  const std::string access_token =
      nlohmann::json::parse(minted->body)["access_token"].get<std::string>();
  StatusOr<std::vector<std::string>> vps =
      QueryPresentations("hospital-a", access_token);
  ASSERT_TRUE(vps.ok()) << vps.status();
  // The hospital's token also proves its identity to the master.
  const std::string si =
      nlohmann::json::parse(minted->body)["jwt"].get<std::string>();
  identity::SelfIssuedTokenPolicy policy;
  policy.own_did = space().DidOf("master");
  policy.require_access_token = true;
  StatusOr<identity::VerifiedSelfIssuedToken> token =
      identity::VerifySelfIssuedToken(si, *resolver_, clock_, policy);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->issuer, space().DidOf("hospital-a"));
  // An access token for someone else is refused.
  StatusOr<std::vector<std::string>> stolen =
      QueryPresentations("hospital-b", access_token);
  EXPECT_EQ(stolen.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(DevspaceTest, ManifestNamesEveryParticipant) {
  nlohmann::json manifest = space().Manifest();
  EXPECT_EQ(manifest["base_url"], server_->base_url());
  EXPECT_EQ(manifest["issuer"]["did"], space().IssuerDid());
  ASSERT_EQ(manifest["participants"].size(), 6u);
  EXPECT_EQ(manifest["participants"][1]["name"], "hospital-a");
  EXPECT_EQ(manifest["participants"][1]["management_url"],
            space().ManagementUrl("hospital-a"));
  EXPECT_EQ(manifest["participants"][1]["datasets"][0]["id"],
            "lung-hospital-a");
  EXPECT_EQ(space().CredentialsOf("master").size(), 2u);
}

}  // namespace
}  // namespace dsfl::devspace
