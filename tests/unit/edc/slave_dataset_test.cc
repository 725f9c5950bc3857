// Discovery of dsfl slaves in catalogs (the dataset properties dsfl
// advertises) and the slave's agreement check with its own connector.
#include "connector-adapters/edc/slave_dataset.h"

#include "connector-adapters/edc/agreement_check.h"
#include "connector-adapters/identity/refusal.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/identity/test_util.h"

namespace dsfl::edc {
namespace {

using identity::Reason;
using identity::ReasonOf;
using identity::testing::FakeFetcher;
using identity::testing::ReadFixture;
using identity::testing::ReadJsonFixture;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The constructed EDC DSP 2025-1 catalog with dsfl properties added.
nlohmann::json HospitalCatalog() {
  nlohmann::json catalog = ReadJsonFixture(
      "edc/management-api/catalog-response.edc-dsp2025.constructed.json");
  nlohmann::json& dataset = catalog["dataset"][0];
  dataset[DsflIri("slaveEndpoint")] = "hospital-a.example.org:50051";
  dataset[DsflIri("datasetProfile")] =
      "https://w3id.org/dsfl/profiles/lung-survival/v1";
  dataset["dsfl:tlsServerName"] = "slave.hospital-a.example.org";
  nlohmann::json plain = dataset;  // A dataset that is not a dsfl slave.
  for (const char* name : {"slaveEndpoint", "datasetProfile"}) {
    plain.erase(DsflIri(name));
  }
  plain.erase("dsfl:tlsServerName");
  plain["@id"] = "open-data";
  catalog["dataset"].push_back(plain);
  return catalog;
}

TEST(SlaveDiscovery, FindsAdvertisedSlavesOnly) {
  std::vector<Catalog> catalogs = {*ParseCatalog(HospitalCatalog())};
  SlaveDiscovery found = ExtractSlaveDatasets(catalogs);
  EXPECT_TRUE(found.skipped.empty());
  ASSERT_EQ(found.slaves.size(), 1u);
  const SlaveDataset& slave = found.slaves[0];
  EXPECT_EQ(slave.participant_id, "did:web:hospital-a.example.org");
  EXPECT_EQ(slave.dataset_id, "hospital-a-model-slot");
  EXPECT_EQ(slave.slave_endpoint, "hospital-a.example.org:50051");
  EXPECT_EQ(slave.profile, "https://w3id.org/dsfl/profiles/lung-survival/v1");
  EXPECT_EQ(slave.tls_server_name, "slave.hospital-a.example.org");
  EXPECT_EQ(slave.protocol_version, "dsfl.v1");
  EXPECT_EQ(slave.dsp_endpoint,
            "https://hospital-a.example.org/api/dsp/2025-1");
  ASSERT_EQ(slave.offers.size(), 1u);
  ContractRequest request = ContractRequestFor(slave);
  EXPECT_EQ(request.assigner, "did:web:hospital-a.example.org");
  EXPECT_EQ(request.counter_party_id, "did:web:hospital-a.example.org");
  EXPECT_EQ(request.target, "hospital-a-model-slot");
  EXPECT_EQ(request.offer, slave.offers[0].policy);
  // Filtering by profile.
  EXPECT_EQ(ExtractSlaveDatasets(catalogs, "other-profile").slaves.size(), 0u);
  EXPECT_EQ(ExtractSlaveDatasets(catalogs, slave.profile).slaves.size(), 1u);
}

TEST(SlaveDiscovery, TheRealFixtureCatalogsHoldNoSlaves) {
  std::vector<Catalog> catalogs = *ParseCatalogList(
      ReadJsonFixture("edc/federated-catalog/query-response.mvd-dsp08.json"));
  SlaveDiscovery found = ExtractSlaveDatasets(catalogs);
  EXPECT_TRUE(found.slaves.empty());
  EXPECT_TRUE(found.skipped.empty());
}

TEST(SlaveDiscovery, SkipsMalformedAdvertisementsWithAReason) {
  auto skipped_for = [](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json catalog = HospitalCatalog();
    edit(catalog);
    SlaveDiscovery found = ExtractSlaveDatasets({*ParseCatalog(catalog)});
    EXPECT_TRUE(found.slaves.empty());
    return found.skipped.empty() ? std::string() : found.skipped[0];
  };
  EXPECT_THAT(skipped_for([](nlohmann::json& c) {
                c["dataset"][0][DsflIri("slaveEndpoint")] = "no-port";
              }),
              HasSubstr("is not host:port"));
  EXPECT_THAT(skipped_for([](nlohmann::json& c) {
                c["dataset"][0].erase(DsflIri("datasetProfile"));
              }),
              HasSubstr("datasetProfile is missing"));
  EXPECT_THAT(skipped_for([](nlohmann::json& c) {
                c["dataset"][0]["dsfl:participantId"] =
                    "did:web:impostor.example";
              }),
              HasSubstr("differs from the catalog's participantId"));
  EXPECT_THAT(skipped_for([](nlohmann::json& c) {
                c["dataset"][0]["dsfl:protocolVersion"] = "dsfl.v2";
              }),
              HasSubstr("not supported"));
  EXPECT_THAT(skipped_for([](nlohmann::json& c) {
                c["dataset"][0]["hasPolicy"] = nlohmann::json::array();
              }),
              HasSubstr("no offer"));
  EXPECT_THAT(skipped_for([](nlohmann::json& c) { c.erase("participantId"); }),
              HasSubstr("no participantId"));
}

TEST(SlaveDiscovery, ParticipantFromTheDatasetWhenTheCatalogHasNone) {
  nlohmann::json catalog = HospitalCatalog();
  catalog.erase("participantId");
  catalog["dataset"][0]["dsfl:participantId"] =
      "did:web:hospital-a.example.org";
  SlaveDiscovery found = ExtractSlaveDatasets({*ParseCatalog(catalog)});
  ASSERT_EQ(found.slaves.size(), 1u);
  EXPECT_EQ(found.slaves[0].participant_id, "did:web:hospital-a.example.org");
}

// ------------------------------------------------------ agreement check

ContractAgreement Sedimark() {
  return (*ParseContractAgreementList(ReadJsonFixture(
      "edc/management-api/contract-agreement-query-response.sedimark.json")))
      [0];
}

TEST(AgreementCheck, AcceptsTheRightConsumerProviderAndAsset) {
  EXPECT_TRUE(
      CheckAgreement(Sedimark(), {"consumer", "provider", "<asset-id>"}).ok());
  EXPECT_TRUE(CheckAgreement(Sedimark(), {"consumer", "", "<asset-id>"}).ok());
}

TEST(AgreementCheck, RefusesAnotherConsumerProviderOrAsset) {
  EXPECT_EQ(ReasonOf(CheckAgreement(Sedimark(), {"did:web:master.example",
                                                 "provider", "<asset-id>"})),
            Reason::kAgreementWrongConsumer);
  EXPECT_EQ(ReasonOf(CheckAgreement(Sedimark(),
                                    {"consumer", "hospital-b", "<asset-id>"})),
            Reason::kAgreementWrongProvider);
  Status wrong_asset =
      CheckAgreement(Sedimark(), {"consumer", "provider", "other-dataset"});
  EXPECT_EQ(ReasonOf(wrong_asset), Reason::kAgreementWrongAsset);
  EXPECT_THAT(wrong_asset.message(), HasSubstr("'<asset-id>'"));
  // The policy's assignee must agree with consumerId too.
  ContractAgreement inconsistent = Sedimark();
  inconsistent.policy_assignee = "someone-else";
  EXPECT_EQ(ReasonOf(CheckAgreement(inconsistent,
                                    {"consumer", "provider", "<asset-id>"})),
            Reason::kAgreementWrongConsumer);
}

TEST(AgreementCheck, AsksItsOwnConnector) {
  FakeFetcher fetcher;
  const std::string base =
      "https://own-connector.example/api/management/v3/contractagreements/";
  fetcher.Answer(
      base + "e86c7f42", 200,
      ReadJsonFixture("edc/management-api/"
                      "contract-agreement-query-response.sedimark.json")[0]
          .dump());
  fetcher.Answer(base + "forged", 404, "");
  ManagementApiConfig config;
  config.management_url = "https://own-connector.example/api/management";
  auto client = *ManagementApiClient::Create(config, &fetcher);
  StatusOr<ContractAgreement> ok = VerifyAgreementWithOwnConnector(
      *client, "e86c7f42", {"consumer", "provider", "<asset-id>"});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(
      ReasonOf(VerifyAgreementWithOwnConnector(
                   *client, "forged", {"consumer", "provider", "<asset-id>"})
                   .status()),
      Reason::kAgreementNotFound);
  EXPECT_EQ(
      ReasonOf(VerifyAgreementWithOwnConnector(
                   *client, "e86c7f42", {"master", "provider", "<asset-id>"})
                   .status()),
      Reason::kAgreementWrongConsumer);
}

}  // namespace
}  // namespace dsfl::edc
