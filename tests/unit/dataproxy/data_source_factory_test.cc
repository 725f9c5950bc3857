#include "connector-adapters/dataproxy/data_source_factory.h"

#include <memory>
#include <string>

#include "connector-adapters/dataproxy/csv_data_source.h"
#include "connector-adapters/dataproxy/dev_data_proxy_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/unit/dataproxy/test_util.h"

namespace dsfl::dataproxy {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::LungCsvPath;
using ::testing::Not;
using testing::TablesEqual;
using testing::TempDir;

constexpr char kToken[] = "factory-token";

class DataSourceFactoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    token_file_ = dir_.WriteFile("proxy.token", std::string(kToken) + "\n");
  }

  json HttpConfig() const {
    return {{"type", "http"},
            {"base_url", "https://proxy.example/v1/lung"},
            {"token_file", token_file_}};
  }

  // Expects MakeDataSource(config) to fail with `code` and `message`.
  static void ExpectError(const json& config, absl::StatusCode code,
                          const std::string& message) {
    auto source = MakeDataSource(config);
    ASSERT_FALSE(source.ok()) << config.dump();
    EXPECT_EQ(source.status().code(), code) << config.dump();
    EXPECT_THAT(source.status().message(), HasSubstr(message)) << config.dump();
    EXPECT_THAT(source.status().message(), Not(HasSubstr(kToken)));
  }

  TempDir dir_;
  std::string token_file_;
};

TEST_F(DataSourceFactoryTest, BuildsACsvSource) {
  auto source = MakeDataSource({{"type", "csv"}, {"path", LungCsvPath()}});
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ((*source)->Describe(), "csv:" + LungCsvPath());
  StatusOr<Table> table = (*source)->Read();
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->num_rows(), 228u);
}

TEST_F(DataSourceFactoryTest, BuildsAnHttpSource) {
  json config = HttpConfig();
  config["ca_file"] = dir_.WriteFile(
      "ca.pem", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
  config["format"] = "csv";
  config["page_size"] = 500;
  config["timeout_seconds"] = 2.5;
  config["max_pages"] = 10;
  config["max_rows"] = 1000;
  config["max_page_bytes"] = 1 << 20;
  config["allow_insecure_http"] = false;
  auto source = MakeDataSource(config);
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ((*source)->Describe(),
            "http-proxy:https://proxy.example:443/v1/lung");
}

TEST_F(DataSourceFactoryTest, StructuralErrors) {
  ExpectError(json::array(), absl::StatusCode::kInvalidArgument,
              "data_source: expected an object");
  ExpectError(json::object(), absl::StatusCode::kInvalidArgument,
              "data_source.type: is required");
  ExpectError({{"type", 3}}, absl::StatusCode::kInvalidArgument,
              "data_source.type: expected a non-empty string");
  ExpectError({{"type", "sql"}}, absl::StatusCode::kInvalidArgument,
              "data_source.type: unknown source type 'sql'");
  ExpectError({{"type", "csv"}}, absl::StatusCode::kInvalidArgument,
              "data_source.path: is required");
  ExpectError({{"type", "csv"}, {"path", 5}},
              absl::StatusCode::kInvalidArgument,
              "data_source.path: expected a non-empty string");
  ExpectError({{"type", "csv"}, {"path", "x.csv"}, {"colour", "red"}},
              absl::StatusCode::kInvalidArgument,
              "data_source.colour: unknown key (allowed: type, path)");
}

TEST_F(DataSourceFactoryTest, UsesTheGivenPathAsPrefix) {
  auto source = MakeDataSource({{"type", "csv"}}, "slaves[2].data_source");
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().message(),
            "slaves[2].data_source.path: is required");
}

TEST_F(DataSourceFactoryTest, HttpKeyTypeErrors) {
  struct Case {
    const char* key;
    json value;
    const char* message;
  };
  const Case cases[] = {
      {"page_size", "500",
       "data_source.page_size: expected a positive integer"},
      {"page_size", 0, "data_source.page_size: expected a positive integer"},
      {"page_size", -5, "data_source.page_size: expected a positive integer"},
      {"page_size", 1.5, "data_source.page_size: expected a positive integer"},
      {"max_pages", true, "data_source.max_pages: expected a positive integer"},
      {"max_rows", 0, "data_source.max_rows: expected a positive integer"},
      {"format", "xml", "data_source.format: expected \"json\" or \"csv\""},
      {"format", 1, "data_source.format: expected a string"},
      {"timeout_seconds", -1,
       "data_source.timeout_seconds: expected a "
       "positive number"},
      {"timeout_seconds", "30",
       "data_source.timeout_seconds: expected a "
       "positive number"},
      {"allow_insecure_http", "yes",
       "data_source.allow_insecure_http: expected true or false"},
      {"ca_file", 7, "data_source.ca_file: expected a string"},
      {"base_url", "", "data_source.base_url: expected a non-empty string"},
      {"base_url", "http://proxy.example/x",
       "data_source.base_url: plain http:// is refused"},
      {"bearer_token", kToken, "data_source.bearer_token: unknown key"},
  };
  for (const Case& test : cases) {
    json config = HttpConfig();
    config[test.key] = test.value;
    ExpectError(config, absl::StatusCode::kInvalidArgument, test.message);
  }
}

TEST_F(DataSourceFactoryTest, HttpRequiredKeys) {
  json config = HttpConfig();
  config.erase("token_file");
  ExpectError(config, absl::StatusCode::kInvalidArgument,
              "data_source.token_file: is required");
  config = HttpConfig();
  config.erase("base_url");
  ExpectError(config, absl::StatusCode::kInvalidArgument,
              "data_source.base_url: is required");
}

TEST_F(DataSourceFactoryTest, TokenFileErrors) {
  json config = HttpConfig();
  config["token_file"] = dir_.path() + "/absent.token";
  ExpectError(config, absl::StatusCode::kNotFound,
              "data_source.token_file: cannot read token file");
  config["token_file"] = dir_.WriteFile("empty.token", " \n");
  ExpectError(config, absl::StatusCode::kInvalidArgument,
              "data_source.token_file: token file");
  config["token_file"] = dir_.WriteFile("two.token", "a b\n");
  ExpectError(config, absl::StatusCode::kInvalidArgument,
              "data_source.token_file: the token in");
}

TEST_F(DataSourceFactoryTest, MissingCaFileIsNamed) {
  json config = HttpConfig();
  config["ca_file"] = dir_.path() + "/absent.pem";
  ExpectError(config, absl::StatusCode::kNotFound, "data_source.ca_file: ");
}

TEST_F(DataSourceFactoryTest, HttpSourceReadsFromADevServer) {
  StatusOr<testing::TestPki> pki = testing::MakeTestPki("factory test CA");
  ASSERT_TRUE(pki.ok()) << pki.status();
  DevDataProxyServerConfig server_config;
  server_config.csv_path = LungCsvPath();
  server_config.certificate_pem = pki->server_cert_pem;
  server_config.private_key_pem = pki->server_key_pem;
  server_config.bearer_token = kToken;
  auto server = DevDataProxyServer::Create(server_config);
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_TRUE((*server)->Start().ok());

  json config = HttpConfig();
  config["base_url"] = (*server)->base_url();
  config["ca_file"] = dir_.WriteFile("ca.pem", pki->ca_pem);
  config["page_size"] = 100;
  auto source = MakeDataSource(config);
  ASSERT_TRUE(source.ok()) << source.status();
  StatusOr<Table> table = (*source)->Read();
  ASSERT_TRUE(table.ok()) << table.status();
  StatusOr<Table> expected = CsvDataSource(LungCsvPath()).Read();
  ASSERT_TRUE(expected.ok());
  EXPECT_TRUE(TablesEqual(*expected, *table));
  EXPECT_EQ((*server)->pages_served(), 3u);
}

}  // namespace
}  // namespace dsfl::dataproxy
