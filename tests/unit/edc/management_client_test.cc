// The Management API client against a fake fetcher: paths for v3 and v4,
// the X-Api-Key header, the embedded and legacy federated catalog, EDC's
// error bodies, and the contract request built from a catalog offer.
#include "connector-adapters/edc/management_client.h"

#include "connector-adapters/edc/jsonld.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/identity/test_util.h"

namespace dsfl::edc {
namespace {

using identity::HttpRequest;
using identity::testing::FakeFetcher;
using identity::testing::ReadFixture;
using identity::testing::ReadJsonFixture;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;

constexpr char kMgmt[] = "https://connector.example:8081/api/management";

std::unique_ptr<ManagementApiClient> Client(FakeFetcher* fetcher,
                                            const std::string& version = "v3",
                                            const std::string& fc = "") {
  ManagementApiConfig config;
  config.management_url = std::string(kMgmt) + "/";
  config.api_key = "password";
  config.api_version = version;
  config.federated_catalog_url = fc;
  StatusOr<std::unique_ptr<ManagementApiClient>> client =
      ManagementApiClient::Create(config, fetcher);
  EXPECT_TRUE(client.ok()) << client.status();
  return *std::move(client);
}

TEST(ManagementApiClient, RequestsACatalogWithTheApiKey) {
  FakeFetcher fetcher;
  fetcher.Answer(
      std::string(kMgmt) + "/v3/catalog/request", 200,
      ReadFixture("edc/management-api/catalog-response.mvd-dsp08.json"));
  auto client = Client(&fetcher);
  CatalogRequest request;
  request.counter_party_address = "http://localhost:8192/api/dsp";
  request.counter_party_id = "did:web:localhost%3A7093";
  request.additional_scopes = {
      "org.eclipse.dspace.dcp.vc.type:MembershipCredential:read"};
  StatusOr<Catalog> catalog = client->RequestCatalog(request);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_EQ(catalog->datasets.size(), 2u);
  HttpRequest sent = fetcher.requests().at(0);
  EXPECT_EQ(sent.method, "POST");
  EXPECT_THAT(sent.headers, Contains(Pair("X-Api-Key", "password")));
  nlohmann::json body = nlohmann::json::parse(sent.body);
  EXPECT_EQ(body["@type"], "CatalogRequest");
  EXPECT_EQ(body["@context"]["@vocab"], "https://w3id.org/edc/v0.0.1/ns/");
  EXPECT_EQ(body["counterPartyAddress"], "http://localhost:8192/api/dsp");
  EXPECT_EQ(body["counterPartyId"], "did:web:localhost%3A7093");
  EXPECT_EQ(body["protocol"], "dataspace-protocol-http:2025-1");
  EXPECT_EQ(body["additionalScopes"][0],
            "org.eclipse.dspace.dcp.vc.type:MembershipCredential:read");
  // What we send, the dev dataspace (and EDC's validator) can read back.
  StatusOr<CatalogRequest> parsed = ParseCatalogRequest(body);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->counter_party_id, request.counter_party_id);
}

TEST(ManagementApiClient, V4IsAConfiguration) {
  FakeFetcher fetcher;
  fetcher.Answer(std::string(kMgmt) + "/v4/contractnegotiations/n%201/state",
                 200, R"({"@type":"NegotiationState","state":"AGREED"})");
  auto client = Client(&fetcher, "v4");
  StatusOr<NegotiationState> state = client->GetNegotiationState("n 1");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(*state, NegotiationState::kAgreed);
  QuerySpec query;
  fetcher.Answer(std::string(kMgmt) + "/v4/catalogs/request?flatten=false", 200,
                 "[]");
  ASSERT_TRUE(client->QueryFederatedCatalog(query).ok());
  nlohmann::json body = nlohmann::json::parse(fetcher.requests().back().body);
  EXPECT_EQ(body["@context"][0],
            "https://w3id.org/edc/connector/management/v2");
  ManagementApiConfig bad;
  bad.management_url = kMgmt;
  bad.api_version = "3";
  EXPECT_FALSE(ManagementApiClient::Create(bad, &fetcher).ok());
}

TEST(ManagementApiClient, FederatedCatalogEmbeddedAndLegacy) {
  FakeFetcher fetcher;
  const std::string fc_body =
      ReadFixture("edc/federated-catalog/query-response.mvd-dsp08.json");
  fetcher.Answer(std::string(kMgmt) + "/v3/catalogs/request?flatten=false", 200,
                 fc_body);
  fetcher.Answer("https://fc.example:8084/api/catalog/v1alpha/catalog/query",
                 200, fc_body);
  StatusOr<std::vector<Catalog>> embedded =
      Client(&fetcher)->QueryFederatedCatalog({});
  ASSERT_TRUE(embedded.ok()) << embedded.status();
  EXPECT_EQ(embedded->size(), 1u);
  StatusOr<std::vector<Catalog>> legacy =
      Client(&fetcher, "v3", "https://fc.example:8084/api/catalog")
          ->QueryFederatedCatalog({});
  ASSERT_TRUE(legacy.ok()) << legacy.status();
  EXPECT_EQ(FlattenCatalogs(*legacy).size(), 3u);
  nlohmann::json body = nlohmann::json::parse(fetcher.requests().back().body);
  EXPECT_EQ(body["@type"], "QuerySpec");
}

TEST(ManagementApiClient, NegotiationSendsTheOfferVerbatim) {
  FakeFetcher fetcher;
  fetcher.Answer(
      std::string(kMgmt) + "/v3/contractnegotiations", 200,
      ReadFixture(
          "edc/management-api/negotiation-initiate-response.sedimark.json"));
  nlohmann::json catalog =
      ReadJsonFixture("edc/management-api/catalog-response.mvd-dsp08.json");
  const nlohmann::json offer = catalog["dcat:dataset"][1]["odrl:hasPolicy"];
  ContractRequest request;
  request.counter_party_address = "http://localhost:8192/api/dsp";
  request.offer = offer;
  request.assigner = "did:web:localhost%3A7093";
  request.target = "asset-1";
  StatusOr<IdResponse> id = Client(&fetcher)->InitiateNegotiation(request);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->id, "c003809f-6f9f-4e3a-b718-2dbd8184a903");
  nlohmann::json body = nlohmann::json::parse(fetcher.requests()[0].body);
  EXPECT_EQ(body["@type"], "ContractRequest");
  EXPECT_EQ(body["protocol"], "dataspace-protocol-http:2025-1");
  EXPECT_EQ(body["counterPartyAddress"], "http://localhost:8192/api/dsp");
  const nlohmann::json& policy = body["policy"];
  EXPECT_EQ(policy["assigner"], "did:web:localhost%3A7093");
  EXPECT_EQ(policy["target"], "asset-1");
  // Everything else is the offer, unchanged.
  for (auto it = offer.begin(); it != offer.end(); ++it) {
    EXPECT_EQ(policy[it.key()], *it) << it.key();
  }
  EXPECT_EQ(policy["@context"], "http://www.w3.org/ns/odrl.jsonld");
  EXPECT_EQ(body["@context"]["odrl"], "http://www.w3.org/ns/odrl/2/");
  // An offer that already names an assigner/target gets ours instead.
  nlohmann::json prefixed = offer;
  prefixed["odrl:assigner"] = "someone-else";
  prefixed["odrl:target"] = {{"@id", "other-asset"}};
  request.offer = prefixed;
  StatusOr<nlohmann::json> rebuilt = BuildContractRequest(request, "v3");
  ASSERT_TRUE(rebuilt.ok());
  EXPECT_FALSE((*rebuilt)["policy"].contains("odrl:assigner"));
  EXPECT_FALSE((*rebuilt)["policy"].contains("odrl:target"));
  StatusOr<ContractRequest> parsed = ParseContractRequest(*rebuilt);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->assigner, "did:web:localhost%3A7093");
  EXPECT_EQ(parsed->target, "asset-1");
  request.offer = nlohmann::json::object();
  EXPECT_FALSE(BuildContractRequest(request, "v3").ok());
}

TEST(ManagementApiClient, ErrorsNameTheOperationAndEdcsMessage) {
  FakeFetcher fetcher;
  const std::string base = std::string(kMgmt) + "/v3/contractagreements/";
  fetcher.Answer(
      base + "bad", 400,
      "[" + ReadFixture("edc/management-api/api-error.openapi-example.json") +
          "]");
  fetcher.Answer(base + "locked", 401, "");
  fetcher.Answer(base + "missing", 404, "");
  fetcher.Answer(base + "conflict", 409, "[]");
  fetcher.Answer(base + "garbage", 200, "{not json");
  auto client = Client(&fetcher);
  Status bad = client->GetAgreement("bad").status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), HasSubstr("contract agreement bad"));
  EXPECT_THAT(bad.message(), HasSubstr("error message (object.error.path"));
  EXPECT_EQ(client->GetAgreement("locked").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(client->GetAgreement("missing").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(client->GetAgreement("conflict").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(client->GetAgreement("garbage").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(client->GetAgreement("unreachable").status().code(),
            absl::StatusCode::kUnavailable);
  fetcher.Answer(std::string(kMgmt) + "/v3/catalog/request", 502, "");
  Status gateway = client->RequestCatalog({}).status();
  EXPECT_EQ(gateway.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(gateway.message(), HasSubstr("counter-party connector"));
}

TEST(ManagementApiClient, AgreementsAndTermination) {
  FakeFetcher fetcher;
  fetcher.Answer(
      std::string(kMgmt) + "/v3/contractagreements/request", 200,
      ReadFixture("edc/management-api/"
                  "contract-agreement-query-response.sedimark.json"));
  fetcher.Answer(std::string(kMgmt) + "/v3/contractnegotiations/n1/terminate",
                 204, "");
  auto client = Client(&fetcher);
  QuerySpec query;
  query.filters.push_back({"assetId", "=", "<asset-id>"});
  StatusOr<std::vector<ContractAgreement>> agreements =
      client->QueryAgreements(query);
  ASSERT_TRUE(agreements.ok()) << agreements.status();
  EXPECT_EQ(agreements->at(0).consumer_id, "consumer");
  nlohmann::json body = nlohmann::json::parse(fetcher.requests()[0].body);
  EXPECT_EQ(body["filterExpression"][0]["operandRight"], "<asset-id>");
  EXPECT_TRUE(client->TerminateNegotiation("n1", "no longer needed").ok());
  nlohmann::json terminate = nlohmann::json::parse(fetcher.requests()[1].body);
  EXPECT_EQ(terminate["@type"], "TerminateNegotiation");
  EXPECT_EQ(terminate["reason"], "no longer needed");
}

TEST(ManagementApiConfig, ReadsFromJson) {
  nlohmann::json json = {
      {"management_url", kMgmt}, {"api_key", "k"}, {"api_version", "v4"}};
  ConfigReader reader(json, "edc");
  ManagementApiConfig config = ReadManagementApiConfig(reader);
  ASSERT_TRUE(reader.Finish().ok());
  EXPECT_EQ(config.api_version, "v4");
  EXPECT_EQ(config.protocol, "dataspace-protocol-http:2025-1");
  nlohmann::json missing = {{"api_key", "k"}};
  ConfigReader bad(missing, "edc");
  ReadManagementApiConfig(bad);
  EXPECT_THAT(std::string(bad.Finish().message()), HasSubstr("management_url"));
}

}  // namespace
}  // namespace dsfl::edc
