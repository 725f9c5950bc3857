// The dev dataspace's asset API: EDC's AssetInput read leniently (the
// verbatim EDC example, dsfl properties by prefix, full IRI or @context
// term), and POST/PUT/GET/DELETE {mgmt}/v3/assets over real HTTPS with the
// real EDC client reading the catalog afterwards: a hospital whose dataset
// has no endpoint in the config is invisible until it publishes its slave.
#include "connector-adapters/devspace/asset.h"

#include "absl/strings/str_cat.h"
#include "connector-adapters/devspace/dev_dataspace_server.h"
#include "connector-adapters/edc/management_client.h"
#include "connector-adapters/edc/negotiator.h"
#include "connector-adapters/edc/slave_dataset.h"
#include "connector-adapters/identity/http_fetcher.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/unit/devspace/test_support.h"

namespace dsfl::devspace {
namespace {

using identity::testing::FakeClock;
using identity::testing::ReadJsonFixture;
using identity::testing::Unix;
using ::testing::HasSubstr;

constexpr char kDsfl[] = "https://w3id.org/dsfl/v1/";
constexpr char kEdc[] = "https://w3id.org/edc/v0.0.1/ns/";

TEST(AssetInput, ReadsEdcsExampleVerbatim) {
  StatusOr<AssetInput> asset = ParseAssetInput(
      ReadJsonFixture("edc/management-api/asset-input.openapi-example.json"));
  ASSERT_TRUE(asset.ok()) << asset.status();
  EXPECT_EQ(asset->id, "asset-id");
  EXPECT_EQ(asset->properties,
            nlohmann::json({{absl::StrCat(kEdc, "key"), "value"}}));
  EXPECT_EQ(asset->data_address["type"], "HttpData");
  EXPECT_EQ(asset->data_address["baseUrl"],
            "https://jsonplaceholder.typicode.com/todos");
  EXPECT_EQ(asset->slave_endpoint, "");  // Not a dsfl slave.
}

TEST(AssetInput, FindsDsflPropertiesByPrefixIriOrContextTerm) {
  nlohmann::json body = nlohmann::json::parse(R"({
    "@context": [{"@vocab": "https://w3id.org/edc/v0.0.1/ns/"},
                 {"fl": "https://w3id.org/dsfl/v1/"}],
    "@id": "lung-a",
    "properties": {
      "dsfl:slaveEndpoint": "127.0.0.1:4242",
      "https://w3id.org/dsfl/v1/datasetProfile": "https://p/v1",
      "fl:tlsServerName": "hospital-a",
      "dsfl:protocolVersion": {"@value": "dsfl.v1"},
      "description": "lung cohort",
      "dct:title": "Lung"},
    "dataAddress": {"@type": "DataAddress", "type": "dsflSlave"}})");
  StatusOr<AssetInput> asset = ParseAssetInput(body);
  ASSERT_TRUE(asset.ok()) << asset.status();
  EXPECT_EQ(asset->slave_endpoint, "127.0.0.1:4242");
  EXPECT_EQ(asset->profile, "https://p/v1");
  EXPECT_EQ(asset->tls_server_name, "hospital-a");
  EXPECT_EQ(asset->protocol_version, "dsfl.v1");
  EXPECT_EQ(asset->description, "lung cohort");
  EXPECT_TRUE(asset->properties.contains("http://purl.org/dc/terms/title"));
  EXPECT_TRUE(asset->properties.contains(absl::StrCat(kDsfl, "tlsServerName")));
  // An undeclared prefix stays as given (an IRI of its own scheme).
  EXPECT_EQ(ExpandPropertyKey("urn:x", nlohmann::json()), "urn:x");
  EXPECT_EQ(ExpandPropertyKey("name", {{"@vocab", "https://v/"}}),
            "https://v/name");
}

TEST(AssetInput, ErrorsNameTheMember) {
  auto error = [](const char* text) {
    StatusOr<AssetInput> asset = ParseAssetInput(nlohmann::json::parse(text));
    EXPECT_FALSE(asset.ok());
    return std::string(asset.status().message());
  };
  EXPECT_THAT(error(R"({"@id": "a", "dataAddress": {"type": "x"}})"),
              HasSubstr("properties: required"));
  EXPECT_THAT(error(R"({"@id": "a", "properties": {}})"),
              HasSubstr("dataAddress: required"));
  EXPECT_THAT(error(R"({"@id": "a", "properties": {},
                        "dataAddress": {"baseUrl": "x"}})"),
              HasSubstr("dataAddress.type"));
  EXPECT_THAT(error(R"({"@id": "a", "properties": {"dsfl:slaveEndpoint": 5},
                        "dataAddress": {"type": "x"}})"),
              HasSubstr("properties.dsfl:slaveEndpoint: must be a string"));
  EXPECT_THAT(error(R"({"@id": 7, "properties": {},
                        "dataAddress": {"type": "x"}})"),
              HasSubstr("@id"));
  EXPECT_THAT(error("[]"), HasSubstr("JSON object"));
}

// hospital-e's dataset is only a contract definition until published.
DevspaceConfig ConfigWithUnpublishedDataset() {
  DevspaceConfig config = testing::DemoConfig();
  DevParticipant e;
  e.name = "hospital-e";
  e.credentials = {"MembershipCredential"};
  DevDataset reserved;
  reserved.id = "lung-hospital-e";
  reserved.required_credential = "FederatedModelCreatorCredential";
  e.datasets.push_back(reserved);
  config.participants.push_back(e);
  return config;
}

nlohmann::json SlaveAsset(const std::string& id, const std::string& endpoint) {
  return {{"@context", {{"@vocab", kEdc}, {"dsfl", kDsfl}}},
          {"@id", id},
          {"properties",
           {{"dsfl:slaveEndpoint", endpoint},
            {"dsfl:datasetProfile", testing::kLungProfile},
            {"dsfl:tlsServerName", "hospital-e"},
            {"description", "published by hospital IT"}}},
          {"dataAddress", {{"@type", "DataAddress"}, {"type", "dsflSlave"}}}};
}

class AssetApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ =
        testing::StartServer(pki_, ConfigWithUnpublishedDataset(), &clock_);
    ASSERT_NE(server_, nullptr);
    identity::HttpsFetcherOptions options;
    options.ca_pem = pki_.ca_pem;
    fetcher_ = identity::NewHttpsFetcher(options);
  }

  std::string AssetsUrl(const std::string& name) {
    return server_->dataspace().ManagementUrl(name) + "/v3/assets";
  }

  // POST, GET or DELETE through the project's HTTPS client.
  identity::HttpResponse Call(const std::string& method, const std::string& url,
                              const nlohmann::json& body = nullptr,
                              const std::string& api_key = "test-api-key") {
    identity::HttpRequest request;
    request.method = method;
    request.url = url;
    request.headers = {{"X-Api-Key", api_key}};
    if (!body.is_null()) request.body = body.dump();
    StatusOr<identity::HttpResponse> response = fetcher_->Fetch(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *response : identity::HttpResponse{};
  }

  // PUT, which the project's client does not need: cpp-httplib directly,
  // verifying the server against the test CA.
  int Put(const std::string& name, const nlohmann::json& body) {
    testing::TempDir dir;
    const std::string ca =
        testing::WriteTempFile(dir.path(), "ca.pem", pki_.ca_pem);
    httplib::SSLClient client("localhost", server_->port());
    client.set_ca_cert_path(ca.c_str());
    client.enable_server_certificate_verification(true);
    httplib::Result result =
        client.Put("/participants/" + name + "/api/management/v3/assets",
                   httplib::Headers{{"X-Api-Key", "test-api-key"}}, body.dump(),
                   "application/json");
    EXPECT_TRUE(result) << httplib::to_string(result.error());
    return result ? result->status : -1;
  }

  std::vector<edc::SlaveDataset> Discovered() {
    edc::ManagementApiConfig config;
    config.management_url = server_->dataspace().ManagementUrl("master");
    config.api_key = "test-api-key";
    auto client = edc::ManagementApiClient::Create(config, fetcher_.get());
    EXPECT_TRUE(client.ok()) << client.status();
    StatusOr<std::vector<edc::Catalog>> catalogs =
        (*client)->QueryFederatedCatalog({});
    EXPECT_TRUE(catalogs.ok()) << catalogs.status();
    return edc::ExtractSlaveDatasets(*catalogs).slaves;
  }

  // Dataset ids in hospital-e's catalog as the master sees it.
  std::vector<std::string> CatalogOfE() {
    edc::ManagementApiConfig config;
    config.management_url = server_->dataspace().ManagementUrl("master");
    config.api_key = "test-api-key";
    auto client = edc::ManagementApiClient::Create(config, fetcher_.get());
    EXPECT_TRUE(client.ok()) << client.status();
    edc::CatalogRequest request;
    request.counter_party_address = server_->dataspace().DspUrl("hospital-e");
    request.counter_party_id = server_->dataspace().DidOf("hospital-e");
    StatusOr<edc::Catalog> catalog = (*client)->RequestCatalog(request);
    EXPECT_TRUE(catalog.ok()) << catalog.status();
    std::vector<std::string> ids;
    if (catalog.ok()) {
      for (const edc::Dataset& d : catalog->datasets) ids.push_back(d.id);
    }
    return ids;
  }

  std::optional<edc::SlaveDataset> DiscoveredDataset(const std::string& id) {
    for (const edc::SlaveDataset& slave : Discovered()) {
      if (slave.dataset_id == id) return slave;
    }
    return std::nullopt;
  }

  testing::Pki pki_ = testing::MakePki();
  FakeClock clock_{Unix(1767225600)};
  std::unique_ptr<DevDataspaceServer> server_;
  std::unique_ptr<identity::HttpFetcher> fetcher_;
};

TEST_F(AssetApiTest, PublishingMakesTheSlaveDiscoverableAndNegotiable) {
  EXPECT_EQ(DiscoveredDataset("lung-hospital-e"), std::nullopt);
  EXPECT_TRUE(CatalogOfE().empty());
  nlohmann::json manifest = server_->dataspace().Manifest();
  EXPECT_EQ(manifest["participants"][6]["datasets"][0]["published"], false);

  identity::HttpResponse created =
      Call("POST", AssetsUrl("hospital-e"),
           SlaveAsset("lung-hospital-e", "127.0.0.1:40123"));
  ASSERT_EQ(created.status, 200) << created.body;
  nlohmann::json id_response = nlohmann::json::parse(created.body);
  EXPECT_EQ(id_response["@type"], "IdResponse");
  EXPECT_EQ(id_response["@id"], "lung-hospital-e");
  EXPECT_EQ(id_response["createdAt"], 1767225600000);

  EXPECT_EQ(CatalogOfE(), std::vector<std::string>{"lung-hospital-e"});
  std::optional<edc::SlaveDataset> found = DiscoveredDataset("lung-hospital-e");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->slave_endpoint, "127.0.0.1:40123");
  EXPECT_EQ(found->profile, testing::kLungProfile);
  EXPECT_EQ(found->tls_server_name, "hospital-e");
  EXPECT_EQ(found->participant_id, server_->dataspace().DidOf("hospital-e"));
  EXPECT_EQ(found->description, "published by hospital IT");
  EXPECT_EQ(server_->dataspace()
                .Manifest()["participants"][6]["datasets"][0]["slave_endpoint"],
            "127.0.0.1:40123");

  // The config's contract policy applies to the published asset: the
  // master (a model creator) gets an agreement.
  edc::ManagementApiConfig config;
  config.management_url = server_->dataspace().ManagementUrl("master");
  config.api_key = "test-api-key";
  auto master = edc::ManagementApiClient::Create(config, fetcher_.get());
  ASSERT_TRUE(master.ok()) << master.status();
  testing::ClockSleeper sleeper(&clock_);
  StatusOr<edc::NegotiationOutcome> outcome = edc::NegotiateContract(
      **master, edc::ContractRequestFor(*found), {}, clock_, sleeper);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->agreement.asset_id, "lung-hospital-e");

  // An asset under an agreement cannot be deleted (EDC's rule).
  identity::HttpResponse refused =
      Call("DELETE", AssetsUrl("hospital-e") + "/lung-hospital-e");
  EXPECT_EQ(refused.status, 409);
  EXPECT_THAT(refused.body, HasSubstr("contract agreement"));
}

TEST_F(AssetApiTest, CreateConflictsAndUpdateNeedsAnExistingAsset) {
  const nlohmann::json asset = SlaveAsset("lung-hospital-e", "127.0.0.1:1");
  EXPECT_EQ(Put("hospital-e", asset), 404);  // Not created yet.
  ASSERT_EQ(Call("POST", AssetsUrl("hospital-e"), asset).status, 200);
  identity::HttpResponse again = Call("POST", AssetsUrl("hospital-e"), asset);
  EXPECT_EQ(again.status, 409);
  nlohmann::json errors = nlohmann::json::parse(again.body);
  ASSERT_TRUE(errors.is_array());
  EXPECT_EQ(errors[0]["type"], "ObjectConflict");
  EXPECT_THAT(errors[0]["message"].get<std::string>(),
              HasSubstr("already exists"));
  // Another participant cannot take the id.
  EXPECT_EQ(Call("POST", AssetsUrl("hospital-a"), asset).status, 409);
  // The update moves the endpoint; the catalog follows.
  EXPECT_EQ(Put("hospital-e", SlaveAsset("lung-hospital-e", "127.0.0.1:2")),
            204);
  ASSERT_TRUE(DiscoveredDataset("lung-hospital-e").has_value());
  EXPECT_EQ(DiscoveredDataset("lung-hospital-e")->slave_endpoint,
            "127.0.0.1:2");
  // GET shows it in EDC's AssetOutput shape.
  identity::HttpResponse got =
      Call("GET", AssetsUrl("hospital-e") + "/lung-hospital-e");
  ASSERT_EQ(got.status, 200) << got.body;
  nlohmann::json output = nlohmann::json::parse(got.body);
  EXPECT_EQ(output["@id"], "lung-hospital-e");
  EXPECT_EQ(output["properties"][absl::StrCat(kDsfl, "slaveEndpoint")],
            "127.0.0.1:2");
  EXPECT_EQ(output["properties"]["description"], "published by hospital IT");
  EXPECT_EQ(output["dataAddress"]["type"], "dsflSlave");
  EXPECT_EQ(output["createdAt"], 1767225600000);
  // Only its owner's connector knows it.
  EXPECT_EQ(Call("GET", AssetsUrl("hospital-a") + "/lung-hospital-e").status,
            404);
  // Deleted: out of the catalog, and can be created again.
  EXPECT_EQ(Call("DELETE", AssetsUrl("hospital-e") + "/lung-hospital-e").status,
            204);
  EXPECT_EQ(DiscoveredDataset("lung-hospital-e"), std::nullopt);
  EXPECT_TRUE(CatalogOfE().empty());
  EXPECT_EQ(Call("GET", AssetsUrl("hospital-e") + "/lung-hospital-e").status,
            404);
  EXPECT_EQ(Call("POST", AssetsUrl("hospital-e"), asset).status, 200);
}

TEST_F(AssetApiTest, NewAssetsGetTheDefaultPolicyAndBadOnesAClearError) {
  // An id the config does not know: a new dataset, members may negotiate.
  nlohmann::json fresh = SlaveAsset("lung-hospital-e-2024", "127.0.0.1:3");
  ASSERT_EQ(Call("POST", AssetsUrl("hospital-e"), fresh).status, 200);
  EXPECT_TRUE(DiscoveredDataset("lung-hospital-e-2024").has_value());
  // Without @id the connector mints one.
  nlohmann::json anonymous = SlaveAsset("", "127.0.0.1:4");
  anonymous.erase("@id");
  identity::HttpResponse minted =
      Call("POST", AssetsUrl("hospital-e"), anonymous);
  ASSERT_EQ(minted.status, 200) << minted.body;
  EXPECT_FALSE(
      nlohmann::json::parse(minted.body)["@id"].get<std::string>().empty());

  identity::HttpResponse bad =
      Call("POST", AssetsUrl("hospital-e"),
           {{"@id", "x"},
            {"properties", {{"dsfl:slaveEndpoint", 1}}},
            {"dataAddress", {{"type", "dsflSlave"}}}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("properties.dsfl:slaveEndpoint"));
  nlohmann::json impostor = SlaveAsset("lung-x", "127.0.0.1:5");
  impostor["properties"]["dsfl:participantId"] =
      server_->dataspace().DidOf("hospital-a");
  identity::HttpResponse refused =
      Call("POST", AssetsUrl("hospital-e"), impostor);
  EXPECT_EQ(refused.status, 400);
  EXPECT_THAT(refused.body, HasSubstr("participantId"));
  EXPECT_EQ(Call("POST", AssetsUrl("hospital-e"), fresh, "wrong").status, 401);
  identity::HttpRequest request{"POST",
                                AssetsUrl("hospital-e"),
                                {{"X-Api-Key", "test-api-key"}},
                                "{",
                                ""};
  StatusOr<identity::HttpResponse> response = fetcher_->Fetch(request);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 400);
}

}  // namespace
}  // namespace dsfl::devspace
