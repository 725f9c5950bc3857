// Every fixture under tests/fixtures/edc/management-api and
// federated-catalog is parsed here with its expected values asserted
// (requests with the parsers the dev dataspace uses, responses with the
// client's readers). EveryFixtureIsCovered fails when a fixture is added
// to the directories without being listed (and tested) here.
#include <filesystem>
#include <set>

#include "connector-adapters/edc/catalog.h"
#include "connector-adapters/edc/jsonld.h"
#include "connector-adapters/edc/negotiation.h"
#include "connector-adapters/edc/requests.h"
#include "connector-adapters/edc/transfer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/identity/test_util.h"

namespace dsfl::edc {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The fixtures this file tests; EveryFixtureIsCovered compares it with the
// directories, Fixture() refuses files not listed.
const std::set<std::string>& Tested() {
  static const std::set<std::string>* tested = new std::set<std::string>({
      "federated-catalog/catalog-element.openapi-example.json",
      "federated-catalog/query-request.mvd.json",
      "federated-catalog/query-request.samples.json",
      "federated-catalog/query-response.mvd-dsp08.json",
      "management-api/api-error.openapi-example.json",
      "management-api/asset-input.openapi-example.json",
      "management-api/asset-output.openapi-example.json",
      "management-api/catalog-request.mvd.json",
      "management-api/catalog-request.openapi-example.json",
      "management-api/catalog-request.samples.json",
      "management-api/catalog-request.tractusx-dsp2025.json",
      "management-api/catalog-response.edc-dsp2025.constructed.json",
      "management-api/catalog-response.mvd-dsp08.json",
      "management-api/catalog-response.openapi-example.json",
      "management-api/catalog-response.samples-dsp2025.json",
      "management-api/catalog-response.tractusx-dsp2025.json",
      "management-api/contract-agreement-query-response.sedimark.json",
      "management-api/contract-agreement.openapi-example.json",
      "management-api/contract-agreement.tractusx.json",
      "management-api/dataset-request.openapi-example.json",
      "management-api/edr-dataaddress.samples.json",
      "management-api/id-response.openapi-example.json",
      "management-api/negotiation-initiate-response.sedimark.json",
      "management-api/negotiation-initiate-response.tractusx.json",
      "management-api/negotiation-request.mvd.json",
      "management-api/negotiation-request.openapi-example.json",
      "management-api/negotiation-request.samples.json",
      "management-api/negotiation-request.tractusx-dsp2025.json",
      "management-api/negotiation-state-endpoint.finalized.constructed.json",
      "management-api/negotiation-state-finalized.sedimark.json",
      "management-api/negotiation-state-requesting.tractusx.json",
      "management-api/negotiation-state-terminated.constructed.json",
      "management-api/negotiation-terminate-request.openapi-example.json",
      "management-api/negotiation.openapi-example.json",
      "management-api/query-spec.contractagreements.sedimark.json",
      "management-api/query-spec.openapi-example.json",
      "management-api/state-machines.json",
      "management-api/transfer-initiate-response.sedimark.json",
      "management-api/transfer-process-query-response.sedimark.json",
      "management-api/transfer-process.openapi-example.json",
      "management-api/transfer-request.consumer-pull.samples.json",
      "management-api/transfer-request.mvd.json",
      "management-api/transfer-request.openapi-example.json",
      "management-api/transfer-state.openapi-example.json",
  });
  return *tested;
}

// Reads tests/fixtures/edc/<dir>/<name>.
nlohmann::json Fixture(const std::string& dir, const std::string& name) {
  if (dir != "dsp") {
    EXPECT_EQ(Tested().count(dir + "/" + name), 1u) << "add " << name;
  }
  return identity::testing::ReadJsonFixture("edc/" + dir + "/" + name);
}
nlohmann::json Mgmt(const std::string& name) {
  return Fixture("management-api", name);
}

template <typename T>
T Must(StatusOr<T> value) {
  EXPECT_TRUE(value.ok()) << value.status();
  return value.ok() ? *std::move(value) : T{};
}

std::vector<std::string> Formats(const Dataset& dataset) {
  std::vector<std::string> formats;
  for (const Distribution& d : dataset.distributions)
    formats.push_back(d.format);
  return formats;
}

// ------------------------------------------------------------- requests

TEST(ManagementApiFixtures, CatalogRequests) {
  CatalogRequest mvd =
      Must(ParseCatalogRequest(Mgmt("catalog-request.mvd.json")));
  EXPECT_EQ(mvd.counter_party_address, "{{CATALOG_SERVER_DSP_URL}}/api/dsp");
  EXPECT_EQ(mvd.counter_party_id, "{{PROVIDER_ID}}");
  EXPECT_EQ(mvd.protocol, "dataspace-protocol-http");
  EXPECT_EQ(mvd.query.limit, 50);

  CatalogRequest openapi =
      Must(ParseCatalogRequest(Mgmt("catalog-request.openapi-example.json")));
  EXPECT_EQ(openapi.counter_party_address, "http://provider-address");
  EXPECT_EQ(openapi.counter_party_id, "providerId");
  EXPECT_EQ(openapi.protocol, "dataspace-protocol-http:2025-1");
  EXPECT_THAT(
      openapi.additional_scopes,
      ElementsAre("org.eclipse.dspace.dcp.vc.type:SomeCredential:read",
                  "org.eclipse.dspace.dcp.vc.type:AnotherCredential:write"));
  EXPECT_EQ(openapi.query.sort_order, "DESC");
  EXPECT_EQ(openapi.query.sort_field, "fieldName");

  CatalogRequest samples =
      Must(ParseCatalogRequest(Mgmt("catalog-request.samples.json")));
  EXPECT_EQ(samples.counter_party_address,
            "http://localhost:19194/protocol/2025-1");
  EXPECT_EQ(samples.counter_party_id, "provider");

  CatalogRequest tx =
      Must(ParseCatalogRequest(Mgmt("catalog-request.tractusx-dsp2025.json")));
  EXPECT_EQ(tx.counter_party_id, "did:web:one-example.com");
  EXPECT_EQ(tx.counter_party_address,
            "https://provider.domain.com/api/v1/dsp/2025-1");
  EXPECT_EQ(tx.query.sort_order, "ASC");
  ASSERT_EQ(tx.query.filters.size(), 1u);
  EXPECT_EQ(tx.query.filters[0].operand_left,
            "https://w3id.org/edc/v0.0.1/ns/someProperty");
  EXPECT_EQ(tx.query.filters[0].op, "=");
  EXPECT_EQ(tx.query.filters[0].operand_right, "value");

  // A DatasetRequest has the same members plus the dataset's @id.
  nlohmann::json dataset = Mgmt("dataset-request.openapi-example.json");
  CatalogRequest dataset_request = Must(ParseCatalogRequest(dataset));
  EXPECT_EQ(jsonld::Id(dataset), "dataset-id");
  EXPECT_EQ(dataset_request.counter_party_id, "counter-party-id");
  EXPECT_EQ(dataset_request.counter_party_address,
            "http://counter-party-address");
}

TEST(ManagementApiFixtures, ContractRequests) {
  ContractRequest mvd =
      Must(ParseContractRequest(Mgmt("negotiation-request.mvd.json")));
  EXPECT_EQ(mvd.counter_party_address, "{{PROVIDER_DSP_URL}}/api/dsp");
  EXPECT_EQ(mvd.counter_party_id, "{{PROVIDER_ID}}");
  EXPECT_EQ(jsonld::Id(mvd.offer), "{{POLICY_ID_ASSET_1}}");
  EXPECT_EQ(mvd.assigner, "{{PROVIDER_ID}}");
  EXPECT_EQ(mvd.target, "asset-1");
  EXPECT_EQ(jsonld::TextOf(*jsonld::Find(mvd.offer, "obligation"), "action"),
            "use");

  ContractRequest openapi = Must(
      ParseContractRequest(Mgmt("negotiation-request.openapi-example.json")));
  EXPECT_EQ(openapi.protocol, "dataspace-protocol-http:2025-1");
  EXPECT_EQ(jsonld::Id(openapi.offer), "offer-id");
  EXPECT_EQ(openapi.assigner, "providerId");
  EXPECT_EQ(openapi.target, "assetId");
  EXPECT_EQ(openapi.counter_party_id, "");

  ContractRequest samples =
      Must(ParseContractRequest(Mgmt("negotiation-request.samples.json")));
  EXPECT_EQ(samples.assigner, "provider");
  EXPECT_EQ(samples.target, "assetId");
  EXPECT_EQ(jsonld::Id(samples.offer), "{{contract-offer-id}}");

  ContractRequest tx = Must(
      ParseContractRequest(Mgmt("negotiation-request.tractusx-dsp2025.json")));
  EXPECT_EQ(tx.assigner, "{{PROVIDER_IDENTIFIER}}");
  EXPECT_EQ(tx.target, "{{ASSET_ID}}");
  EXPECT_EQ(tx.counter_party_address,
            "https://provider-control.plane/api/v1/dsp/2025-1");

  TerminateNegotiation terminate = Must(ParseTerminateNegotiation(
      Mgmt("negotiation-terminate-request.openapi-example.json")));
  EXPECT_EQ(terminate.id, "negotiation-id");
  EXPECT_EQ(terminate.reason, "a reason to terminate");
}

TEST(ManagementApiFixtures, QuerySpecs) {
  QuerySpec openapi =
      Must(ParseQuerySpec(Mgmt("query-spec.openapi-example.json")));
  EXPECT_EQ(openapi.offset, 5);
  EXPECT_EQ(openapi.limit, 10);
  EXPECT_EQ(openapi.sort_order, "DESC");
  EXPECT_TRUE(openapi.filters.empty());
  QuerySpec agreements =
      Must(ParseQuerySpec(Mgmt("query-spec.contractagreements.sedimark.json")));
  EXPECT_EQ(agreements.limit, 10);
  EXPECT_EQ(agreements.sort_field, "contractSigningDate");
  ASSERT_EQ(agreements.filters.size(), 1u);
  EXPECT_EQ(agreements.filters[0].operand_left, "assetId");
  EXPECT_EQ(agreements.filters[0].operand_right, "<asset-id>");
}

TEST(ManagementApiFixtures, TransferRequests) {
  TransferRequest pull = Must(ParseTransferRequest(
      Mgmt("transfer-request.consumer-pull.samples.json")));
  EXPECT_EQ(pull.contract_id, "{{contract-agreement-id}}");
  EXPECT_EQ(pull.connector_id, "provider");
  EXPECT_EQ(pull.transfer_type, "HttpData-PULL");
  TransferRequest mvd =
      Must(ParseTransferRequest(Mgmt("transfer-request.mvd.json")));
  EXPECT_EQ(mvd.asset_id, "asset-1");
  EXPECT_EQ(mvd.contract_id, "{{CONTRACT_AGREEMENT_ID}}");
  EXPECT_EQ(mvd.protocol, "dataspace-protocol-http");
  TransferRequest openapi =
      Must(ParseTransferRequest(Mgmt("transfer-request.openapi-example.json")));
  EXPECT_EQ(openapi.contract_id, "contract-id");
  EXPECT_EQ(openapi.transfer_type, "transferType");
  EXPECT_EQ(openapi.counter_party_address, "http://provider-address");
}

// ------------------------------------------------------------- catalogs

TEST(ManagementApiFixtures, CatalogEdcDsp2025) {
  Catalog catalog =
      Must(ParseCatalog(Mgmt("catalog-response.edc-dsp2025.constructed.json")));
  EXPECT_EQ(catalog.participant_id, "did:web:hospital-a.example.org");
  EXPECT_EQ(catalog.DspEndpoint(),
            "https://hospital-a.example.org/api/dsp/2025-1");
  ASSERT_EQ(catalog.datasets.size(), 1u);
  const Dataset& dataset = catalog.datasets[0];
  EXPECT_EQ(dataset.id, "hospital-a-model-slot");
  EXPECT_EQ(dataset.description, "Federated learning participation slot");
  ASSERT_EQ(dataset.offers.size(), 1u);
  EXPECT_EQ(dataset.offers[0].id,
            "ZmwtY29udHJhY3QtZGVm:aG9zcGl0YWwtYS1tb2RlbC1zbG90:"
            "YmUyYzRkZDctZjlkNC00YzA4LWJlYzUtNWFkN2E0NjJiZGJk");
  EXPECT_EQ(
      dataset.offers[0].policy["permission"][0]["constraint"][0]["leftOperand"],
      "MembershipCredential");
  ASSERT_EQ(dataset.distributions.size(), 1u);
  EXPECT_EQ(dataset.distributions[0].format, "HttpData-PULL");
  EXPECT_EQ(dataset.distributions[0].endpoint_url,
            "https://hospital-a.example.org/api/dsp/2025-1");
}

TEST(ManagementApiFixtures, CatalogMvdDsp08) {
  Catalog catalog = Must(ParseCatalog(Mgmt("catalog-response.mvd-dsp08.json")));
  EXPECT_EQ(catalog.id, "cbe6b723-02cc-449a-8d35-d203f49083a4");
  EXPECT_EQ(catalog.participant_id, "did:web:localhost%3A7093");
  EXPECT_EQ(catalog.DspEndpoint(), "http://localhost:8192/api/dsp");
  ASSERT_EQ(catalog.datasets.size(), 2u);
  EXPECT_EQ(catalog.datasets[0].id, "asset-2");
  EXPECT_EQ(catalog.datasets[1].id, "asset-1");
  ASSERT_EQ(catalog.datasets[1].offers.size(), 1u);  // One object, not array.
  EXPECT_EQ(catalog.datasets[1].offers[0].id,
            "bWVtYmVyLWFuZC1kYXRhcHJvY2Vzc29yLWRlZg==:YXNzZXQtMQ==:"
            "N2QwZTdiNzEtYWNjMi00YTI5LWFmMDAtYzU5MWQxOTRkY2M5");
  EXPECT_THAT(Formats(catalog.datasets[1]),
              ElementsAre("HttpData-PULL", "HttpData-PUSH"));
  EXPECT_EQ(catalog.datasets[1].distributions[0].endpoint_url,
            "http://localhost:8192/api/dsp");
  EXPECT_EQ(catalog.datasets[1].description,
            "This asset requires Membership to view and negotiate.");
}

TEST(ManagementApiFixtures, CatalogOpenApiExample) {
  Catalog catalog =
      Must(ParseCatalog(Mgmt("catalog-response.openapi-example.json")));
  EXPECT_EQ(catalog.participant_id, "urn:connector:provider");
  EXPECT_EQ(catalog.DspEndpoint(), "http://localhost:16806/protocol");
  ASSERT_EQ(catalog.datasets.size(), 1u);
  EXPECT_EQ(catalog.datasets[0].id, "bcca61be-e82e-4da6-bfec-9716a56cef35");
  EXPECT_EQ(catalog.datasets[0].offers[0].policy["@type"], "odrl:Set");
  ASSERT_EQ(catalog.datasets[0].distributions.size(), 1u);
  EXPECT_EQ(catalog.datasets[0].distributions[0].format, "HttpData");
  EXPECT_EQ(catalog.datasets[0].distributions[0].access_service,
            "5e839777-d93e-4785-8972-1005f51cf367");
}

TEST(ManagementApiFixtures, CatalogSamplesDsp2025) {
  Catalog catalog =
      Must(ParseCatalog(Mgmt("catalog-response.samples-dsp2025.json")));
  EXPECT_EQ(catalog.participant_id, "anonymous");
  EXPECT_EQ(catalog.DspEndpoint(), "http://localhost:19194/protocol/2025-1");
  ASSERT_EQ(catalog.datasets.size(), 1u);
  EXPECT_EQ(catalog.datasets[0].id, "assetId");
  EXPECT_EQ(
      catalog.datasets[0].offers[0].id,
      "MQ==:YXNzZXRJZA==:YTc4OGEwYjMtODRlZi00NWYwLTgwOWQtMGZjZTMwMGM3Y2Ey");
  EXPECT_THAT(Formats(catalog.datasets[0]),
              ElementsAre("HttpProxy", "HttpData"));
}

TEST(ManagementApiFixtures, CatalogTractusxDsp2025) {
  Catalog catalog =
      Must(ParseCatalog(Mgmt("catalog-response.tractusx-dsp2025.json")));
  EXPECT_EQ(catalog.participant_id, "did:web:one-example.com");
  EXPECT_EQ(catalog.DspEndpoint(),
            "https://provider.domain.com/api/v1/dsp/2025-1");
  ASSERT_EQ(catalog.datasets.size(), 1u);
  EXPECT_EQ(catalog.datasets[0].id, "{{ASSET_ID}}");
  EXPECT_EQ(catalog.datasets[0].offers[0].id,
            "MQ==:MQ==:M2ZmZDRhY2MtMzkyNy00NGI4LWJlZDItNDcwY2RiZGRjN2Ex");
  EXPECT_THAT(
      Formats(catalog.datasets[0]),
      ElementsAre("AzureStorage-PUSH", "HttpData-PULL", "AmazonS3-PUSH"));
}

// --------------------------------------------------------- negotiations

TEST(ManagementApiFixtures, IdResponses) {
  IdResponse openapi =
      Must(ParseIdResponse(Mgmt("id-response.openapi-example.json")));
  EXPECT_EQ(openapi.id, "id-value");
  EXPECT_EQ(openapi.created_at, 1688465655);
  IdResponse sedimark = Must(
      ParseIdResponse(Mgmt("negotiation-initiate-response.sedimark.json")));
  EXPECT_EQ(sedimark.id, "c003809f-6f9f-4e3a-b718-2dbd8184a903");
  EXPECT_EQ(sedimark.created_at, 1746539200208);
  IdResponse tx = Must(
      ParseIdResponse(Mgmt("negotiation-initiate-response.tractusx.json")));
  EXPECT_EQ(tx.id, "773b8795-45f2-4c57-a020-dc04e639baf3");
  EXPECT_EQ(tx.created_at, 1701289079455);  // "edc:createdAt"
  IdResponse transfer =
      Must(ParseIdResponse(Mgmt("transfer-initiate-response.sedimark.json")));
  EXPECT_EQ(transfer.id, "d05abe37-83dd-4612-9278-52e5c16ef1c6");
  EXPECT_EQ(transfer.created_at, 1746520807086);
}

TEST(ManagementApiFixtures, Negotiations) {
  ContractNegotiation finalized = Must(ParseContractNegotiation(
      Mgmt("negotiation-state-finalized.sedimark.json")));
  EXPECT_EQ(finalized.id, "c003809f-6f9f-4e3a-b718-2dbd8184a903");
  EXPECT_EQ(finalized.state, NegotiationState::kFinalized);
  EXPECT_EQ(finalized.type, "CONSUMER");
  EXPECT_EQ(finalized.counter_party_id, "provider");
  EXPECT_EQ(finalized.contract_agreement_id,
            "e86c7f42-be1a-41e6-8f65-119afcb7443d");

  ContractNegotiation requesting = Must(ParseContractNegotiation(
      Mgmt("negotiation-state-requesting.tractusx.json")));
  EXPECT_EQ(requesting.state, NegotiationState::kRequesting);
  EXPECT_EQ(requesting.protocol, "dataspace-protocol-http:2025-1");
  EXPECT_EQ(requesting.created_at, 1701351116766);
  EXPECT_EQ(requesting.contract_agreement_id, "");

  ContractNegotiation terminated = Must(ParseContractNegotiation(
      Mgmt("negotiation-state-terminated.constructed.json")));
  EXPECT_EQ(terminated.state, NegotiationState::kTerminated);
  EXPECT_EQ(terminated.counter_party_id, "did:web:localhost%3A7093");
  EXPECT_THAT(terminated.error_detail,
              HasSubstr("Policy in scope contract.negotiation"));

  ContractNegotiation openapi =
      Must(ParseContractNegotiation(Mgmt("negotiation.openapi-example.json")));
  EXPECT_EQ(openapi.state, NegotiationState::kVerified);
  EXPECT_EQ(openapi.type, "PROVIDER");
  EXPECT_EQ(openapi.contract_agreement_id, "contract:agreement:id");
  EXPECT_EQ(openapi.error_detail, "eventual-error-detail");

  EXPECT_EQ(Must(ParseNegotiationStateResponse(
                Mgmt("negotiation-state-endpoint.finalized.constructed.json"))),
            NegotiationState::kFinalized);
}

TEST(ManagementApiFixtures, StateMachineCodes) {
  nlohmann::json machines = Mgmt("state-machines.json");
  const nlohmann::json& negotiation = machines["contractNegotiation"];
  int states = 0;
  for (auto it = negotiation.begin(); it != negotiation.end(); ++it) {
    if (!it->is_number()) continue;
    NegotiationState state = Must(ParseNegotiationStateName(it.key()));
    EXPECT_EQ(static_cast<int>(state), it->get<int>()) << it.key();
    EXPECT_EQ(NegotiationStateName(state), it.key());
    EXPECT_EQ(IsFinal(state),
              it.key() == "FINALIZED" || it.key() == "TERMINATED");
    ++states;
  }
  EXPECT_EQ(states, 15);
  for (const auto& name : negotiation["final"]) {
    EXPECT_TRUE(
        IsFinal(Must(ParseNegotiationStateName(name.get<std::string>()))));
  }
  for (const char* path : {"observedConsumerPath", "observedProviderPath"}) {
    for (const auto& name : negotiation[path]) {
      EXPECT_TRUE(ParseNegotiationStateName(name.get<std::string>()).ok());
    }
  }
  EXPECT_FALSE(ParseNegotiationStateName("STARTED").ok());  // A transfer state.
}

TEST(ManagementApiFixtures, Agreements) {
  std::vector<ContractAgreement> list = Must(ParseContractAgreementList(
      Mgmt("contract-agreement-query-response.sedimark.json")));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].id, "e86c7f42-be1a-41e6-8f65-119afcb7443d");
  EXPECT_EQ(list[0].asset_id, "<asset-id>");
  EXPECT_EQ(list[0].consumer_id, "consumer");
  EXPECT_EQ(list[0].provider_id, "provider");
  EXPECT_EQ(list[0].contract_signing_date, 1746000778);
  EXPECT_EQ(list[0].policy_assignee, "consumer");
  EXPECT_EQ(list[0].policy_assigner, "provider");
  EXPECT_EQ(list[0].policy_target, "<asset-id>");  // {"@id": ...}

  ContractAgreement openapi = Must(
      ParseContractAgreement(Mgmt("contract-agreement.openapi-example.json")));
  EXPECT_EQ(openapi.id, "negotiation-id");
  EXPECT_EQ(openapi.provider_id, "provider-id");
  EXPECT_EQ(openapi.consumer_id, "consumer-id");
  EXPECT_EQ(openapi.asset_id, "asset-id");
  EXPECT_EQ(openapi.contract_signing_date, 1688465655);
  EXPECT_EQ(openapi.policy_target, "asset-id");  // From the permission.

  ContractAgreement tx =
      Must(ParseContractAgreement(Mgmt("contract-agreement.tractusx.json")));
  EXPECT_EQ(tx.id, "{{AGREEMENT_ID}}");
  EXPECT_EQ(tx.consumer_id, "{{BPN_CONSUMER}}");
  EXPECT_EQ(tx.policy_assignee, "<CONSUMER_IDENTIFIER>");
  EXPECT_EQ(tx.policy_assigner, "<PROVIDER_IDENTIFIER>");
  EXPECT_EQ(tx.policy_target, "{{ASSET_ID}}");
  EXPECT_EQ(tx.contract_signing_date, 1713441910);
}

TEST(ManagementApiFixtures, ApiErrors) {
  std::vector<ApiError> errors =
      ParseApiErrors(Mgmt("api-error.openapi-example.json"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "error message");
  EXPECT_EQ(errors[0].type, "ErrorType");
  EXPECT_EQ(errors[0].path, "object.error.path");
  EXPECT_EQ(errors[0].invalid_value, "this value is not valid");
  EXPECT_EQ(DescribeApiErrors(errors),
            "error message (object.error.path: this value is not valid)");
}

TEST(ManagementApiFixtures, Transfers) {
  TransferProcess process =
      Must(ParseTransferProcess(Mgmt("transfer-process.openapi-example.json")));
  EXPECT_EQ(process.id, "process-id");
  EXPECT_EQ(process.state, "STARTED");
  EXPECT_EQ(process.type, "PROVIDER");
  EXPECT_EQ(process.asset_id, "asset-id");
  EXPECT_EQ(process.contract_id, "contractId");
  EXPECT_EQ(process.correlation_id, "correlation-id");
  std::vector<TransferProcess> list = Must(ParseTransferProcessList(
      Mgmt("transfer-process-query-response.sedimark.json")));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].contract_id, "f1a79d49-1509-4eaa-9414-8fe321889040");
  EXPECT_EQ(list[0].transfer_type, "HttpData-PULL");
  EXPECT_EQ(list[0].state_timestamp, 1746520808021);
  EXPECT_EQ(
      Must(ParseTransferState(Mgmt("transfer-state.openapi-example.json"))),
      "STARTED");
  DataAddress edr =
      Must(ParseDataAddress(Mgmt("edr-dataaddress.samples.json")));
  EXPECT_EQ(edr.endpoint, "http://localhost:19291/public");
  EXPECT_EQ(edr.auth_type, "bearer");
  EXPECT_EQ(edr.endpoint_type, "https://w3id.org/idsa/v4.1/HTTP");
  EXPECT_EQ(edr.authorization.rfind(
                "eyJraWQiOiJwdWJsaWMta2V5IiwiYWxnIjoiUlMyNTYifQ.", 0),
            0u);
}

// ---------------------------------------------------- federated catalog

TEST(FederatedCatalogFixtures, QueryRequests) {
  for (const char* name :
       {"query-request.mvd.json", "query-request.samples.json"}) {
    nlohmann::json json = Fixture("federated-catalog", name);
    QuerySpec spec = Must(ParseQuerySpec(json));
    EXPECT_EQ(spec.offset, 0) << name;
    EXPECT_EQ(spec.limit, 50) << name;
    EXPECT_TRUE(jsonld::HasType(json, "QuerySpec")) << name;
  }
}

TEST(FederatedCatalogFixtures, CatalogElement) {
  std::vector<Catalog> catalogs = Must(ParseCatalogList(
      Fixture("federated-catalog", "catalog-element.openapi-example.json")));
  ASSERT_EQ(catalogs.size(), 1u);
  EXPECT_EQ(catalogs[0].participant_id, "urn:connector:provider");
  EXPECT_EQ(catalogs[0].datasets.size(), 1u);
}

TEST(FederatedCatalogFixtures, MvdCatalogOfCatalogs) {
  std::vector<Catalog> catalogs = Must(ParseCatalogList(
      Fixture("federated-catalog", "query-response.mvd-dsp08.json")));
  ASSERT_EQ(catalogs.size(), 1u);
  const Catalog& root = catalogs[0];
  EXPECT_EQ(root.participant_id, "did:web:localhost%3A7093");
  EXPECT_EQ(root.originator, "http://localhost:8092/api/dsp");
  EXPECT_EQ(root.DspEndpoint(), "http://localhost:8092/api/dsp");
  ASSERT_EQ(root.datasets.size(), 1u);
  EXPECT_EQ(root.datasets[0].id, "normal-asset-1");
  ASSERT_EQ(root.catalogs.size(), 2u);  // Listed among the datasets.
  EXPECT_EQ(root.catalogs[0].DspEndpoint(), "http://localhost:8192/api/dsp");
  EXPECT_EQ(root.catalogs[1].DspEndpoint(), "http://localhost:8292/api/dsp");
  std::vector<Catalog> flat = FlattenCatalogs(catalogs);
  ASSERT_EQ(flat.size(), 3u);
  std::vector<std::string> ids;
  for (const Catalog& c : flat) {
    EXPECT_EQ(c.participant_id, "did:web:localhost%3A7093");
    for (const Dataset& d : c.datasets) ids.push_back(d.id);
  }
  EXPECT_THAT(ids, ElementsAre("normal-asset-1", "asset-2", "asset-1",
                               "asset-2", "asset-1"));
  EXPECT_EQ(flat[2].datasets[1].offers[0].id,
            "bWVtYmVyLWFuZC1kYXRhcHJvY2Vzc29yLWRlZg==:YXNzZXQtMQ==:"
            "N2MxOTY0ZDgtODQ1Zi00YmE0LTliMDQtZWFjYWQ4ZjU3OTNj");
}

TEST(DspFixtures, Dsp2025CatalogsIncludingNested) {
  Catalog catalog = Must(ParseCatalog(Fixture("dsp", "catalog.json")));
  EXPECT_EQ(catalog.participant_id, "urn:example:DataProviderA");
  EXPECT_EQ(catalog.DspEndpoint(), "https://provider-a.com/connector");
  ASSERT_EQ(catalog.datasets.size(), 1u);
  EXPECT_EQ(catalog.datasets[0].offers.size(), 1u);
  Catalog nested = Must(ParseCatalog(Fixture("dsp", "nested-catalog.json")));
  ASSERT_EQ(nested.catalogs.size(), 1u);
  EXPECT_EQ(nested.catalogs[0].DspEndpoint(),
            "https://provder-a.com/subcatalog");
  EXPECT_EQ(FlattenCatalogs({nested})[1].participant_id,
            "urn:example:DataProviderA");
}

// The asset API's bodies (POST/PUT /v3/assets and GET /v3/assets/{id}),
// read leniently; the dev dataspace's asset reader is tested on them in
// tests/unit/devspace/asset_test.cc.
TEST(ManagementApiFixtures, AssetInputAndOutput) {
  for (const char* name : {"asset-input.openapi-example.json",
                           "asset-output.openapi-example.json"}) {
    const nlohmann::json asset = Fixture("management-api", name);
    EXPECT_EQ(jsonld::Id(asset), "asset-id") << name;
    const nlohmann::json* properties = jsonld::Find(asset, "properties");
    ASSERT_NE(properties, nullptr) << name;
    EXPECT_EQ(jsonld::TextOf(*properties, "key"), "value") << name;
    const nlohmann::json* address = jsonld::Find(asset, "dataAddress");
    ASSERT_NE(address, nullptr) << name;
    EXPECT_EQ(jsonld::TextOf(*address, "type"), "HttpData") << name;
  }
  EXPECT_EQ(jsonld::Integer(jsonld::Find(
                Fixture("management-api", "asset-output.openapi-example.json"),
                "createdAt")),
            1688465655);
}

TEST(Readers, RejectWhatIsNotTheirResource) {
  EXPECT_FALSE(ParseCatalog(nlohmann::json::array()).ok());
  EXPECT_FALSE(ParseCatalog({{"@type", "Dataset"}}).ok());
  EXPECT_FALSE(ParseCatalogList("x").ok());
  EXPECT_FALSE(ParseContractNegotiation({{"@id", "x"}}).ok());
  EXPECT_FALSE(
      ParseContractNegotiation({{"@id", "x"}, {"state", "DONE"}}).ok());
  EXPECT_FALSE(ParseIdResponse(nlohmann::json::object()).ok());
  EXPECT_FALSE(ParseContractAgreement({{"assetId", "a"}}).ok());
  EXPECT_FALSE(ParseContractRequest({{"counterPartyAddress", "x"},
                                     {"protocol", "p"},
                                     {"policy", {{"@id", "o"}}}})
                   .ok());  // No assigner/target.
  EXPECT_TRUE(ParseApiErrors("not json errors").empty());
}

TEST(Coverage, EveryFixtureIsCovered) {
  for (const char* dir : {"management-api", "federated-catalog"}) {
    for (const auto& entry : std::filesystem::directory_iterator(
             identity::testing::FixturePath(std::string("edc/") + dir))) {
      const std::string name =
          std::string(dir) + "/" + entry.path().filename().string();
      EXPECT_EQ(Tested().count(name), 1u) << "no test parses " << name;
    }
  }
}

}  // namespace
}  // namespace dsfl::edc
