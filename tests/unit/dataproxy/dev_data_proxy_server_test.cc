// DevDataProxyServer: lifecycle, the wire protocol as seen by a raw HTTPS
// client, and configuration errors.
#include "connector-adapters/dataproxy/dev_data_proxy_server.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/unit/dataproxy/test_util.h"

namespace dsfl::dataproxy {
namespace {

using ::testing::HasSubstr;
using testing::LungCsvPath;
using testing::TempDir;
using testing::TestPki;

constexpr char kToken[] = "dev-server-token";

class DevDataProxyServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    StatusOr<TestPki> pki = testing::MakeTestPki("dsfl dev server test CA");
    ASSERT_TRUE(pki.ok()) << pki.status();
    pki_ = new TestPki(*std::move(pki));
  }
  static void TearDownTestSuite() { delete pki_; }

  void SetUp() override {
    ASSERT_NE(pki_, nullptr);
    ca_file_ = dir_.WriteFile("ca.pem", pki_->ca_pem);
  }

  DevDataProxyServerConfig Config() const {
    DevDataProxyServerConfig config;
    config.csv_path = LungCsvPath();
    config.certificate_pem = pki_->server_cert_pem;
    config.private_key_pem = pki_->server_key_pem;
    config.bearer_token = kToken;
    return config;
  }

  std::unique_ptr<DevDataProxyServer> Started() {
    auto server = DevDataProxyServer::Create(Config());
    EXPECT_TRUE(server.ok()) << server.status();
    if (!server.ok()) return nullptr;
    Status started = (*server)->Start();
    EXPECT_TRUE(started.ok()) << started;
    return *std::move(server);
  }

  // A verifying HTTPS client for `server`.
  std::unique_ptr<httplib::Client> Client(const DevDataProxyServer& server) {
    auto client = std::make_unique<httplib::Client>(
        absl::StrCat("https://127.0.0.1:", server.port()));
    client->set_ca_cert_path(ca_file_);
    client->enable_server_certificate_verification(true);
    return client;
  }

  static httplib::Headers Auth(const std::string& value) {
    return {{"Authorization", value}};
  }

  static TestPki* pki_;
  TempDir dir_;
  std::string ca_file_;
};

TestPki* DevDataProxyServerTest::pki_ = nullptr;

TEST_F(DevDataProxyServerTest, StartStopStop) {
  auto server = DevDataProxyServer::Create(Config());
  ASSERT_TRUE(server.ok()) << server.status();
  EXPECT_EQ((*server)->port(), 0);
  (*server)->Stop();  // Not started: no-op.
  ASSERT_TRUE((*server)->Start().ok());
  const int port = (*server)->port();
  EXPECT_GT(port, 0);
  EXPECT_EQ((*server)->base_url(),
            absl::StrCat("https://127.0.0.1:", port, "/v1/dataset"));
  auto health = Client(**server)->Get("/healthz");
  ASSERT_TRUE(health) << httplib::to_string(health.error());
  EXPECT_EQ(health->status, 200);
  (*server)->Stop();
  (*server)->Stop();
  EXPECT_EQ((*server)->port(), port);
  EXPECT_FALSE(Client(**server)->Get("/healthz"));  // Nobody listens.
  EXPECT_EQ((*server)->Start().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(DevDataProxyServerTest, StartTwiceFails) {
  auto server = Started();
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->Start().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(DevDataProxyServerTest, DestructorStopsARunningServer) {
  auto server = Started();
  ASSERT_NE(server, nullptr);
  server.reset();  // Joins; the test would hang otherwise.
}

TEST_F(DevDataProxyServerTest, TwoServersGetDifferentPorts) {
  auto a = Started();
  auto b = Started();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a->port(), b->port());
}

TEST_F(DevDataProxyServerTest, ExplicitPortInUseIsUnavailable) {
  auto a = Started();
  ASSERT_NE(a, nullptr);
  DevDataProxyServerConfig config = Config();
  config.port = a->port();
  auto b = DevDataProxyServer::Create(config);
  ASSERT_TRUE(b.ok()) << b.status();
  Status started = (*b)->Start();
  EXPECT_EQ(started.code(), absl::StatusCode::kUnavailable) << started;
  EXPECT_THAT(started.message(), HasSubstr(absl::StrCat(":", a->port())));
}

TEST_F(DevDataProxyServerTest, RequiresTheBearerToken) {
  auto server = Started();
  ASSERT_NE(server, nullptr);
  auto client = Client(*server);
  for (const std::string& header :
       {std::string(""), std::string("Bearer wrong"),
        absl::StrCat("Basic ", kToken), absl::StrCat("Bearer ", kToken, "x"),
        std::string("Bearer ")}) {
    auto res = header.empty() ? client->Get("/v1/dataset")
                              : client->Get("/v1/dataset", Auth(header));
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 401) << header;
    EXPECT_THAT(res->get_header_value("WWW-Authenticate"), HasSubstr("Bearer"));
    EXPECT_THAT(res->body, ::testing::Not(HasSubstr(kToken)));
  }
  auto ok = client->Get("/v1/dataset", Auth(absl::StrCat("bearer ", kToken)));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(server->pages_served(), 1u);
}

TEST_F(DevDataProxyServerTest, ServesJsonPages) {
  auto server = Started();
  ASSERT_NE(server, nullptr);
  auto res = Client(*server)->Get("/v1/dataset?offset=0&limit=2",
                                  Auth(absl::StrCat("Bearer ", kToken)));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(res->get_header_value("X-Total-Rows"), "228");
  nlohmann::json page = nlohmann::json::parse(res->body);
  EXPECT_EQ(page["columns"].size(), 11u);
  ASSERT_EQ(page["records"].size(), 2u);
  EXPECT_EQ(page["records"][0]["time"], 306);
  EXPECT_TRUE(page["records"][0]["time"].is_number_integer());
  EXPECT_TRUE(page["records"][0]["wt.loss"].is_null());
  EXPECT_EQ(page["next_offset"], 2);
  EXPECT_EQ(page["total_rows"], 228);

  auto last = Client(*server)->Get("/v1/dataset?offset=227&limit=5",
                                   Auth(absl::StrCat("Bearer ", kToken)));
  ASSERT_TRUE(last);
  nlohmann::json last_page = nlohmann::json::parse(last->body);
  EXPECT_EQ(last_page["records"].size(), 1u);
  EXPECT_TRUE(last_page["next_offset"].is_null());

  auto beyond = Client(*server)->Get("/v1/dataset?offset=1000",
                                     Auth(absl::StrCat("Bearer ", kToken)));
  ASSERT_TRUE(beyond);
  EXPECT_EQ(beyond->status, 200);
  nlohmann::json empty = nlohmann::json::parse(beyond->body);
  EXPECT_TRUE(empty["records"].empty());
  EXPECT_TRUE(empty["next_offset"].is_null());
}

TEST_F(DevDataProxyServerTest, ServesCsvPages) {
  auto server = Started();
  ASSERT_NE(server, nullptr);
  auto res = Client(*server)->Get("/v1/dataset?format=csv&offset=0&limit=2",
                                  Auth(absl::StrCat("Bearer ", kToken)));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/csv");
  EXPECT_EQ(res->get_header_value("X-Next-Offset"), "2");
  EXPECT_EQ(res->body,
            "row_id,inst,time,event,age,sex,ph.ecog,ph.karno,pat.karno,"
            "meal.cal,wt.loss\n"
            "1,3,306,1,74,1,1,90,100,1175,\n"
            "2,3,455,1,68,1,0,90,90,1225,15\n");
  auto last = Client(*server)->Get("/v1/dataset?format=csv&offset=200",
                                   Auth(absl::StrCat("Bearer ", kToken)));
  ASSERT_TRUE(last);
  EXPECT_FALSE(last->has_header("X-Next-Offset"));
}

TEST_F(DevDataProxyServerTest, RejectsBadParameters) {
  auto server = Started();
  ASSERT_NE(server, nullptr);
  auto client = Client(*server);
  for (const char* query :
       {"offset=-1", "offset=abc", "limit=0", "limit=1x", "format=xml"}) {
    auto res = client->Get(std::string("/v1/dataset?") + query,
                           Auth(absl::StrCat("Bearer ", kToken)));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << query;
    EXPECT_THAT(res->body, HasSubstr("error")) << query;
  }
  auto other = client->Get("/v1/other", Auth(absl::StrCat("Bearer ", kToken)));
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
  EXPECT_EQ(server->pages_served(), 0u);
}

TEST_F(DevDataProxyServerTest, CreateErrors) {
  DevDataProxyServerConfig config = Config();
  config.certificate_pem = "junk";
  EXPECT_THAT(DevDataProxyServer::Create(config).status().message(),
              HasSubstr("certificate_pem: no PEM certificate"));

  config = Config();
  config.private_key_pem = "junk";
  EXPECT_THAT(DevDataProxyServer::Create(config).status().message(),
              HasSubstr("private_key_pem: cannot parse"));

  StatusOr<TestPki> other = testing::MakeTestPki("other CA");
  ASSERT_TRUE(other.ok());
  config = Config();
  config.private_key_pem = other->server_key_pem;
  EXPECT_THAT(DevDataProxyServer::Create(config).status().message(),
              HasSubstr("private_key_pem: does not match the certificate"));

  config = Config();
  config.bearer_token = "";
  EXPECT_EQ(DevDataProxyServer::Create(config).status().code(),
            absl::StatusCode::kInvalidArgument);

  config = Config();
  config.dataset_path = "v1/(.*)";
  EXPECT_THAT(DevDataProxyServer::Create(config).status().message(),
              HasSubstr("dataset_path: "));

  config = Config();
  config.csv_path = dir_.path() + "/absent.csv";
  EXPECT_EQ(DevDataProxyServer::Create(config).status().code(),
            absl::StatusCode::kNotFound);

  config = Config();
  config.csv_path = dir_.WriteFile("bad.csv", "a\nx\n");
  EXPECT_THAT(DevDataProxyServer::Create(config).status().message(),
              HasSubstr("bad.csv line 2, column 'a'"));
}

TEST_F(DevDataProxyServerTest, CustomDatasetPath) {
  DevDataProxyServerConfig config = Config();
  config.dataset_path = "/datasets/lung.v2";
  auto server = DevDataProxyServer::Create(config);
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE((*server)->Start().ok());
  EXPECT_THAT((*server)->base_url(), HasSubstr("/datasets/lung.v2"));
  auto client = Client(**server);
  auto res =
      client->Get("/datasets/lung.v2", Auth(absl::StrCat("Bearer ", kToken)));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  // '.' is matched literally, not as a regex wildcard.
  auto wrong =
      client->Get("/datasets/lungXv2", Auth(absl::StrCat("Bearer ", kToken)));
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 404);
}

}  // namespace
}  // namespace dsfl::dataproxy
