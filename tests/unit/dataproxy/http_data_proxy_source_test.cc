// HttpDataProxySource against a real DevDataProxyServer over HTTPS (dev CA
// certificates) and against a misbehaving plain-HTTP server.
#include "connector-adapters/dataproxy/http_data_proxy_source.h"

#include <cmath>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "connector-adapters/dataproxy/csv_data_source.h"
#include "connector-adapters/dataproxy/dev_data_proxy_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/unit/dataproxy/test_util.h"

namespace dsfl::dataproxy {
namespace {

using ::testing::HasSubstr;
using testing::LungCsvPath;
using ::testing::Not;
using testing::PlainHttpServer;
using testing::TablesEqual;
using testing::TempDir;
using testing::TestPki;

constexpr char kToken[] = "s3cr3t-token-for-tests";

class HttpDataProxySourceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    StatusOr<TestPki> pki = testing::MakeTestPki("dsfl test CA");
    ASSERT_TRUE(pki.ok()) << pki.status();
    pki_ = new TestPki(*std::move(pki));
    StatusOr<TestPki> other = testing::MakeTestPki("another CA");
    ASSERT_TRUE(other.ok()) << other.status();
    other_pki_ = new TestPki(*std::move(other));
    StatusOr<Table> lung = CsvDataSource(LungCsvPath()).Read();
    ASSERT_TRUE(lung.ok()) << lung.status();
    lung_ = new Table(*std::move(lung));
  }
  static void TearDownTestSuite() {
    delete pki_;
    delete other_pki_;
    delete lung_;
  }

  void SetUp() override {
    ASSERT_NE(pki_, nullptr);
    ca_file_ = dir_.WriteFile("ca.pem", pki_->ca_pem);
    other_ca_file_ = dir_.WriteFile("other-ca.pem", other_pki_->ca_pem);
  }

  // A started HTTPS server for lung.csv with certificates from `pki`.
  std::unique_ptr<DevDataProxyServer> StartServer(const TestPki& pki,
                                                  uint64_t max_page_size) {
    DevDataProxyServerConfig config;
    config.csv_path = LungCsvPath();
    config.certificate_pem = pki.server_cert_pem;
    config.private_key_pem = pki.server_key_pem;
    config.bearer_token = kToken;
    config.max_page_size = max_page_size;
    StatusOr<std::unique_ptr<DevDataProxyServer>> server =
        DevDataProxyServer::Create(config);
    EXPECT_TRUE(server.ok()) << server.status();
    if (!server.ok()) return nullptr;
    Status started = (*server)->Start();
    EXPECT_TRUE(started.ok()) << started;
    return *std::move(server);
  }
  std::unique_ptr<DevDataProxyServer> StartServer() {
    return StartServer(*pki_, 10000);
  }

  HttpDataProxyConfig ClientConfig(const std::string& base_url) const {
    HttpDataProxyConfig config;
    config.base_url = base_url;
    config.bearer_token = kToken;
    config.ca_file = ca_file_;
    config.timeout = std::chrono::seconds(20);
    return config;
  }

  static StatusOr<Table> ReadWith(HttpDataProxyConfig config) {
    DSFL_ASSIGN_OR_RETURN(std::unique_ptr<HttpDataProxySource> source,
                          HttpDataProxySource::Create(std::move(config)));
    return source->Read();
  }

  static TestPki* pki_;
  static TestPki* other_pki_;
  static Table* lung_;
  TempDir dir_;
  std::string ca_file_;
  std::string other_ca_file_;
};

TestPki* HttpDataProxySourceTest::pki_ = nullptr;
TestPki* HttpDataProxySourceTest::other_pki_ = nullptr;
Table* HttpDataProxySourceTest::lung_ = nullptr;

TEST_F(HttpDataProxySourceTest, JsonPagesRoundTripTheLungData) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  HttpDataProxyConfig config = ClientConfig(server->base_url());
  config.page_size = 50;
  StatusOr<Table> table = ReadWith(config);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_TRUE(TablesEqual(*lung_, *table));
  EXPECT_EQ(server->pages_served(), 5u);  // 0, 50, 100, 150, 200.
}

TEST_F(HttpDataProxySourceTest, JsonSinglePage) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  StatusOr<Table> table = ReadWith(ClientConfig(server->base_url()));
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_TRUE(TablesEqual(*lung_, *table));
  EXPECT_EQ(server->pages_served(), 1u);
}

TEST_F(HttpDataProxySourceTest, CsvPagesRoundTripTheLungData) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  HttpDataProxyConfig config = ClientConfig(server->base_url());
  config.format = DataProxyFormat::kCsv;
  config.page_size = 37;
  StatusOr<Table> table = ReadWith(config);
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_TRUE(TablesEqual(*lung_, *table));
  EXPECT_EQ(server->pages_served(), 7u);  // 6 x 37 + 6.
}

TEST_F(HttpDataProxySourceTest, FollowsServerClippedPages) {
  auto server = StartServer(*pki_, /*max_page_size=*/40);
  ASSERT_NE(server, nullptr);
  for (DataProxyFormat format :
       {DataProxyFormat::kJson, DataProxyFormat::kCsv}) {
    HttpDataProxyConfig config = ClientConfig(server->base_url());
    config.page_size = 100;
    config.format = format;
    StatusOr<Table> table = ReadWith(config);
    ASSERT_TRUE(table.ok()) << table.status();
    EXPECT_TRUE(TablesEqual(*lung_, *table));
  }
  EXPECT_EQ(server->pages_served(), 12u);  // 2 x (5 x 40 + 28).
}

TEST_F(HttpDataProxySourceTest, EveryReadRefetches) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  auto source = HttpDataProxySource::Create(ClientConfig(server->base_url()));
  ASSERT_TRUE(source.ok()) << source.status();
  for (int i = 0; i < 2; ++i) {
    StatusOr<Table> table = (*source)->Read();
    ASSERT_TRUE(table.ok()) << table.status();
    EXPECT_TRUE(TablesEqual(*lung_, *table));
  }
  EXPECT_EQ(server->pages_served(), 2u);
}

TEST_F(HttpDataProxySourceTest, WrongTokenIsUnauthenticated) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  HttpDataProxyConfig config = ClientConfig(server->base_url());
  config.bearer_token = "wrong-token";
  StatusOr<Table> table = ReadWith(config);
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(table.status().message(), HasSubstr("HTTP 401"));
  EXPECT_THAT(table.status().message(), Not(HasSubstr("wrong-token")));
  EXPECT_EQ(server->pages_served(), 0u);
}

TEST_F(HttpDataProxySourceTest, ServerCertificateFromAnotherCaIsUnavailable) {
  auto server = StartServer(*other_pki_, 10000);
  ASSERT_NE(server, nullptr);
  StatusOr<Table> table = ReadWith(ClientConfig(server->base_url()));
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(table.status().message(),
              HasSubstr(absl::StrCat("127.0.0.1:", server->port())));
  EXPECT_THAT(table.status().message(), HasSubstr("TLS verification"));
  EXPECT_EQ(server->pages_served(), 0u);
}

TEST_F(HttpDataProxySourceTest, SystemCasDoNotTrustTheDevCa) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  HttpDataProxyConfig config = ClientConfig(server->base_url());
  config.ca_file.clear();
  StatusOr<Table> table = ReadWith(config);
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(table.status().message(), HasSubstr("system CAs"));
}

TEST_F(HttpDataProxySourceTest, CertificateForAnotherHostIsUnavailable) {
  StatusOr<TestPki> pki =
      testing::MakeTestPki("dsfl test CA 2", "proxy.other.example", "");
  ASSERT_TRUE(pki.ok()) << pki.status();
  auto server = StartServer(*pki, 10000);
  ASSERT_NE(server, nullptr);
  HttpDataProxyConfig config = ClientConfig(server->base_url());
  config.ca_file = dir_.WriteFile("ca2.pem", pki->ca_pem);
  StatusOr<Table> table = ReadWith(config);
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(table.status().message(), HasSubstr("does not match"));
}

TEST_F(HttpDataProxySourceTest, ConnectionRefusedIsUnavailableNamingTheHost) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  const std::string url = server->base_url();
  const int port = server->port();
  server->Stop();
  StatusOr<Table> table = ReadWith(ClientConfig(url));
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(table.status().message(),
              HasSubstr(absl::StrCat("127.0.0.1:", port)));
}

TEST_F(HttpDataProxySourceTest, PlainHttpIsRefusedUnlessAllowed) {
  HttpDataProxyConfig config = ClientConfig("http://127.0.0.1:8080/v1/x");
  auto source = HttpDataProxySource::Create(config);
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(source.status().message(), HasSubstr("base_url: plain http://"));
  EXPECT_THAT(source.status().message(), HasSubstr("allow_insecure_http"));

  config.allow_insecure_http = true;
  EXPECT_TRUE(HttpDataProxySource::Create(config).ok());
}

TEST_F(HttpDataProxySourceTest, CreateValidatesTheConfig) {
  struct Case {
    std::string field;
    std::function<void(HttpDataProxyConfig&)> mutate;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"empty url", [](auto& c) { c.base_url = ""; }, "base_url: "},
      {"relative url", [](auto& c) { c.base_url = "proxy/x"; },
       "base_url: 'proxy/x' is not an absolute URL"},
      {"ftp", [](auto& c) { c.base_url = "ftp://h/x"; },
       "base_url: scheme 'ftp' is not supported"},
      {"credentials", [](auto& c) { c.base_url = "https://u:p@h/x"; },
       "base_url: must not contain user credentials"},
      {"port", [](auto& c) { c.base_url = "https://h:99999/x"; },
       "base_url: port '99999' is not in 1..65535"},
      {"empty port", [](auto& c) { c.base_url = "https://h:/x"; },
       "base_url: port"},
      {"no host", [](auto& c) { c.base_url = "https:///x"; },
       "base_url: has no host"},
      {"space", [](auto& c) { c.base_url = "https://h/a b"; },
       "base_url: must not contain spaces"},
      {"empty token", [](auto& c) { c.bearer_token = ""; },
       "bearer_token: must not be empty"},
      {"token newline", [](auto& c) { c.bearer_token = "abc\r\nX-Evil: 1"; },
       "bearer_token: contains spaces, control or non-ASCII characters"},
      {"page size", [](auto& c) { c.page_size = 0; },
       "page_size: expected a positive integer"},
      {"max pages", [](auto& c) { c.max_pages = 0; }, "max_pages: "},
      {"max rows", [](auto& c) { c.max_rows = 0; }, "max_rows: "},
      {"timeout", [](auto& c) { c.timeout = std::chrono::milliseconds(0); },
       "timeout: must be positive"},
  };
  for (const Case& test : cases) {
    HttpDataProxyConfig config = ClientConfig("https://127.0.0.1:1/x");
    test.mutate(config);
    auto source = HttpDataProxySource::Create(config);
    ASSERT_FALSE(source.ok()) << test.field;
    EXPECT_EQ(source.status().code(), absl::StatusCode::kInvalidArgument)
        << test.field;
    EXPECT_THAT(source.status().message(), HasSubstr(test.expected))
        << test.field;
    EXPECT_THAT(source.status().message(), Not(HasSubstr("X-Evil")));
  }
}

TEST_F(HttpDataProxySourceTest, CaFileMustExistAndHoldACertificate) {
  HttpDataProxyConfig config = ClientConfig("https://127.0.0.1:1/x");
  config.ca_file = dir_.path() + "/absent.pem";
  auto source = HttpDataProxySource::Create(config);
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(source.status().message(), HasSubstr("ca_file: "));

  config.ca_file = dir_.WriteFile("junk.pem", "not a certificate");
  source = HttpDataProxySource::Create(config);
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(source.status().message(),
              HasSubstr("ca_file: '" + config.ca_file +
                        "' contains no PEM certificate"));
}

TEST_F(HttpDataProxySourceTest, DescribeHasNoSecrets) {
  HttpDataProxyConfig config =
      ClientConfig("https://proxy.example:8443/v1/lung?key=hidden");
  auto source = HttpDataProxySource::Create(config);
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ((*source)->Describe(),
            "http-proxy:https://proxy.example:8443/v1/lung");
  EXPECT_EQ(HttpDataProxySource::Create(ClientConfig("https://proxy.example"))
                .value()
                ->Describe(),
            "http-proxy:https://proxy.example:443/");
}

// --- A misbehaving data proxy (plain HTTP, handlers written per test). ---

class MisbehavingProxyTest : public ::testing::Test {
 protected:
  // Serves `handler` at /data and reads it with allow_insecure_http.
  StatusOr<Table> Serve(httplib::Server::Handler handler,
                        HttpDataProxyConfig config = {}) {
    server_.server().Get("/data", std::move(handler));
    if (!server_.Start()) return absl::InternalError("test server failed");
    if (config.base_url.empty()) config.base_url = server_.Url("/data");
    config.bearer_token = kToken;
    config.allow_insecure_http = true;
    config.timeout = std::chrono::seconds(20);
    DSFL_ASSIGN_OR_RETURN(std::unique_ptr<HttpDataProxySource> source,
                          HttpDataProxySource::Create(std::move(config)));
    return source->Read();
  }

  static uint64_t Offset(const httplib::Request& req) {
    return req.has_param("offset") ? std::stoull(req.get_param_value("offset"))
                                   : 0;
  }

  static void Json(httplib::Response& res, const std::string& body) {
    res.set_content(body, "application/json");
  }

  PlainHttpServer server_;
};

::testing::Matcher<const Status&> IsError(absl::StatusCode code,
                                          const std::string& text) {
  return ::testing::AllOf(
      ::testing::Property(&Status::code, code),
      ::testing::Property(&Status::message, HasSubstr(text)));
}

TEST_F(MisbehavingProxyTest, SendsTokenPagingParametersAndExistingQuery) {
  std::vector<std::string> seen;
  HttpDataProxyConfig config;
  config.page_size = 2;
  config.format = DataProxyFormat::kCsv;
  server_.server().Get("/data", [&](const httplib::Request& req,
                                    httplib::Response& res) {
    seen.push_back(absl::StrCat(
        req.get_header_value("Authorization"), " ",
        req.get_param_value("dataset"), " ", req.get_param_value("offset"), " ",
        req.get_param_value("limit"), " ", req.get_param_value("format")));
    if (Offset(req) == 0) {
      res.set_header("X-Next-Offset", "2");
      res.set_content("a,b\n1,2\n3,4\n", "text/csv");
    } else {
      res.set_content("a,b\n5,\n", "text/csv");
    }
  });
  ASSERT_TRUE(server_.Start());
  config.base_url = server_.Url("/data?dataset=lung");
  config.bearer_token = kToken;
  config.allow_insecure_http = true;
  auto source = HttpDataProxySource::Create(config);
  ASSERT_TRUE(source.ok()) << source.status();
  StatusOr<Table> table = (*source)->Read();
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_EQ(table->num_rows(), 3u);
  EXPECT_EQ(table->at(2, 0), 5);
  EXPECT_TRUE(std::isnan(table->at(2, 1)));
  EXPECT_THAT(seen, ::testing::ElementsAre(
                        absl::StrCat("Bearer ", kToken, " lung 0 2 csv"),
                        absl::StrCat("Bearer ", kToken, " lung 2 2 csv")));
}

TEST_F(MisbehavingProxyTest, AcceptsNullsNumericStringsAndAbsentKeys) {
  StatusOr<Table> table = Serve([](const auto&, auto& res) {
    Json(res, R"({"columns":["a","b","c"],"records":[
        {"a":1,"b":null,"c":"2.5"},{"a":"NA","c":-3e2},{}],
        "next_offset":null,"extra":"ignored"})");
  });
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_EQ(table->num_rows(), 3u);
  EXPECT_EQ(table->at(0, 0), 1);
  EXPECT_TRUE(std::isnan(table->at(0, 1)));
  EXPECT_EQ(table->at(0, 2), 2.5);
  EXPECT_TRUE(std::isnan(table->at(1, 0)));
  EXPECT_TRUE(std::isnan(table->at(1, 1)));
  EXPECT_EQ(table->at(1, 2), -300);
  EXPECT_TRUE(std::isnan(table->at(2, 2)));
}

TEST_F(MisbehavingProxyTest, MalformedJsonIsInvalidArgument) {
  StatusOr<Table> table =
      Serve([](const auto&, auto& res) { Json(res, "<html>oops</html>"); });
  EXPECT_THAT(table.status(), IsError(absl::StatusCode::kInvalidArgument,
                                      "page at offset 0: malformed JSON"));
}

TEST_F(MisbehavingProxyTest, WrongShapesAreInvalidArgument) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[1,2]", "expected a JSON object"},
      {R"({"records":[]})", "'columns' must be an array"},
      {R"({"columns":[],"records":[]})", "'columns' is empty"},
      {R"({"columns":["a",""],"records":[]})", "columns[1] must be"},
      {R"({"columns":["a","a"],"records":[]})", "duplicate column name 'a'"},
      {R"({"columns":["a"]})", "'records' must be an array"},
      {R"({"columns":["a"],"records":[5]})", "records[0] is a number"},
      {R"({"columns":["a"],"records":[],"next_offset":-1})",
       "'next_offset' must be a non-negative integer"},
      {R"({"columns":["a"],"records":[],"next_offset":"2"})",
       "'next_offset' must be"},
  };
  for (const auto& [body, expected] : cases) {
    PlainHttpServer server;
    server.server().Get(
        "/data", [body = body](const auto&, auto& res) { Json(res, body); });
    ASSERT_TRUE(server.Start());
    HttpDataProxyConfig config;
    config.base_url = server.Url("/data");
    config.bearer_token = kToken;
    config.allow_insecure_http = true;
    StatusOr<Table> table = HttpDataProxySource::Create(config).value()->Read();
    EXPECT_THAT(table.status(),
                IsError(absl::StatusCode::kInvalidArgument, expected))
        << body;
  }
}

TEST_F(MisbehavingProxyTest, UnknownColumnNamesRecordAndColumn) {
  StatusOr<Table> table = Serve([](const auto&, auto& res) {
    Json(res, R"({"columns":["a"],"records":[{"a":1},{"a":2,"zz":3}]})");
  });
  EXPECT_THAT(table.status(),
              IsError(absl::StatusCode::kInvalidArgument,
                      "page at offset 0: records[1] has unknown column 'zz'"));
}

TEST_F(MisbehavingProxyTest, NonNumericValueNamesRecordAndColumn) {
  StatusOr<Table> table = Serve([](const auto& req, auto& res) {
    if (Offset(req) == 0) {
      Json(res, R"({"columns":["a","age"],"records":[{"a":1,"age":2}],
                   "next_offset":1})");
    } else {
      Json(res, R"({"columns":["a","age"],"records":[{"a":1,"age":"abc"}]})");
    }
  });
  EXPECT_THAT(table.status(),
              IsError(absl::StatusCode::kInvalidArgument,
                      "page at offset 1: records[0], column 'age': 'abc' is "
                      "not a number"));
}

TEST_F(MisbehavingProxyTest, BooleanValueIsInvalidArgument) {
  StatusOr<Table> table = Serve([](const auto&, auto& res) {
    Json(res, R"({"columns":["a"],"records":[{"a":true}]})");
  });
  EXPECT_THAT(table.status(),
              IsError(absl::StatusCode::kInvalidArgument,
                      "records[0], column 'a': expected a number, null or a "
                      "numeric string, got boolean"));
}

TEST_F(MisbehavingProxyTest, ColumnsChangingBetweenPagesIsInvalidArgument) {
  StatusOr<Table> table = Serve([](const auto& req, auto& res) {
    if (Offset(req) == 0) {
      Json(res, R"({"columns":["a","b"],"records":[{"a":1}],"next_offset":1})");
    } else {
      Json(res, R"({"columns":["a","c"],"records":[{"a":2}]})");
    }
  });
  EXPECT_THAT(table.status(),
              IsError(absl::StatusCode::kInvalidArgument,
                      "page at offset 1: column 2 is 'c' but was 'b' on the "
                      "first page"));
}

TEST_F(MisbehavingProxyTest, InconsistentNextOffsetIsInvalidArgument) {
  StatusOr<Table> table = Serve([](const auto&, auto& res) {
    Json(res, R"({"columns":["a"],"records":[{"a":1},{"a":2}],
                 "next_offset":5})");
  });
  EXPECT_THAT(table.status(),
              IsError(absl::StatusCode::kInvalidArgument,
                      "returned 2 records but next_offset is 5 (expected 2)"));
}

TEST_F(MisbehavingProxyTest, EmptyPageAnnouncingMoreIsInvalidArgument) {
  StatusOr<Table> table = Serve([](const auto&, auto& res) {
    Json(res, R"({"columns":["a"],"records":[],"next_offset":0})");
  });
  EXPECT_THAT(table.status(), IsError(absl::StatusCode::kInvalidArgument,
                                      "an empty page announces a next page"));
}

TEST_F(MisbehavingProxyTest, EndlessPagingIsBoundedByMaxPages) {
  HttpDataProxyConfig config;
  config.max_pages = 10;
  StatusOr<Table> table = Serve(
      [](const auto& req, auto& res) {
        Json(res, absl::StrCat(R"({"columns":["a"],"records":[{"a":1}],)",
                               R"("next_offset":)", Offset(req) + 1, "}"));
      },
      config);
  EXPECT_THAT(table.status(), IsError(absl::StatusCode::kResourceExhausted,
                                      "more than max_pages=10 pages"));
}

TEST_F(MisbehavingProxyTest, MaxRowsIsEnforced) {
  HttpDataProxyConfig config;
  config.max_rows = 3;
  StatusOr<Table> table = Serve(
      [](const auto& req, auto& res) {
        Json(res,
             absl::StrCat(R"({"columns":["a"],"records":[{"a":1},{"a":2}],)",
                          R"("next_offset":)", Offset(req) + 2, "}"));
      },
      config);
  EXPECT_THAT(table.status(),
              IsError(absl::StatusCode::kResourceExhausted,
                      "page at offset 2: the dataset exceeds max_rows=3"));
}

TEST_F(MisbehavingProxyTest, OversizedPageIsResourceExhausted) {
  HttpDataProxyConfig config;
  config.max_page_bytes = 1000;
  StatusOr<Table> table = Serve(
      [](const auto&, auto& res) {
        Json(res,
             R"({"columns":["a"],"records":[)" + std::string(5000, ' ') + "]}");
      },
      config);
  EXPECT_THAT(table.status(), IsError(absl::StatusCode::kResourceExhausted,
                                      "larger than max_page_bytes (1000"));
}

TEST_F(MisbehavingProxyTest, HttpStatusesMapToCodes) {
  const std::vector<std::pair<int, absl::StatusCode>> cases = {
      {401, absl::StatusCode::kUnauthenticated},
      {403, absl::StatusCode::kPermissionDenied},
      {404, absl::StatusCode::kNotFound},
      {302, absl::StatusCode::kFailedPrecondition},
      {400, absl::StatusCode::kInvalidArgument},
      {429, absl::StatusCode::kUnavailable},
      {503, absl::StatusCode::kUnavailable},
      {418, absl::StatusCode::kUnknown},
  };
  for (const auto& [http_status, code] : cases) {
    PlainHttpServer server;
    int redirected = 0;
    server.server().Get("/data",
                        [status = http_status](const auto&, auto& res) {
                          res.status = status;
                          if (status == 302)
                            res.set_header("Location", "/elsewhere");
                          Json(res, R"({"error":"nope"})");
                        });
    server.server().Get("/elsewhere",
                        [&](const auto&, auto&) { ++redirected; });
    ASSERT_TRUE(server.Start());
    HttpDataProxyConfig config;
    config.base_url = server.Url("/data");
    config.bearer_token = kToken;
    config.allow_insecure_http = true;
    StatusOr<Table> table = HttpDataProxySource::Create(config).value()->Read();
    EXPECT_EQ(table.status().code(), code)
        << http_status << ": " << table.status();
    if (http_status != 302) {
      EXPECT_THAT(table.status().message(),
                  HasSubstr(absl::StrCat("HTTP ", http_status)));
      EXPECT_THAT(table.status().message(), HasSubstr("nope"));
    }
    server.Stop();
    EXPECT_EQ(redirected, 0);
  }
}

TEST_F(MisbehavingProxyTest, CsvPageErrors) {
  HttpDataProxyConfig config;
  config.format = DataProxyFormat::kCsv;
  StatusOr<Table> table = Serve(
      [](const auto& req, auto& res) {
        if (Offset(req) == 0) {
          res.set_header("X-Next-Offset", "1");
          res.set_content("a,b\n1,2\n", "text/csv");
        } else {
          res.set_content("a,b\n1,x\n", "text/csv");
        }
      },
      config);
  EXPECT_THAT(table.status(),
              IsError(absl::StatusCode::kInvalidArgument,
                      "page at offset 1 line 2, column 'b': 'x' is not a "
                      "number"));
}

TEST_F(MisbehavingProxyTest, CsvBadNextOffsetHeader) {
  HttpDataProxyConfig config;
  config.format = DataProxyFormat::kCsv;
  StatusOr<Table> table = Serve(
      [](const auto&, auto& res) {
        res.set_header("X-Next-Offset", "soon");
        res.set_content("a\n1\n", "text/csv");
      },
      config);
  EXPECT_THAT(table.status(),
              IsError(absl::StatusCode::kInvalidArgument,
                      "header X-Next-Offset 'soon' is not a non-negative "
                      "integer"));
}

}  // namespace
}  // namespace dsfl::dataproxy
