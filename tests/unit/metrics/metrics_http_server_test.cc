#include "common/metrics/metrics_http_server.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "common/metrics/prometheus_text.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"

namespace dsfl::metrics {
namespace {

using ::testing::HasSubstr;

TEST(ParseListenAddressTest, HostAndPort) {
  auto v4 = ParseListenAddress("127.0.0.1:9464", "metrics_listen");
  ASSERT_TRUE(v4.ok()) << v4.status();
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 9464);
  auto v6 = ParseListenAddress("[::1]:0", "metrics_listen");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 0);
  for (const char* bad : {"9464", ":9464", "127.0.0.1:", "127.0.0.1:x",
                          "127.0.0.1:65536", "127.0.0.1:-1"}) {
    auto parsed = ParseListenAddress(bad, "metrics_listen");
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_THAT(std::string(parsed.status().message()),
                HasSubstr(absl::StrCat("metrics_listen: '", bad, "'")));
  }
}

TEST(MetricsHttpServerTest, ServesTheRendererOnGetMetricsOnly) {
  std::atomic<int> scrapes{0};
  auto server = MetricsHttpServer::Start("127.0.0.1:0", [&scrapes] {
    return absl::StrCat("dsfl_scrapes ", ++scrapes, "\n");
  });
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->port(), 0);
  httplib::Client client("127.0.0.1", (*server)->port());
  auto first = client.Get("/metrics");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->body, "dsfl_scrapes 1\n");
  EXPECT_EQ(first->get_header_value("Content-Type"), kPrometheusContentType);
  auto second = client.Get("/metrics");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->body, "dsfl_scrapes 2\n");  // rendered per scrape

  auto other = client.Get("/v1/jobs");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
  auto post = client.Post("/metrics", "x", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(scrapes.load(), 2);

  (*server)->Stop();
  (*server)->Stop();  // idempotent
  EXPECT_FALSE(client.Get("/metrics"));
}

TEST(MetricsHttpServerTest, ErrorsNameTheField) {
  auto first = MetricsHttpServer::Start("127.0.0.1:0", [] { return ""; });
  ASSERT_TRUE(first.ok()) << first.status();
  auto busy = MetricsHttpServer::Start(
      absl::StrCat("127.0.0.1:", (*first)->port()), [] { return ""; },
      "metrics_listen");
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(busy.status().message()),
              HasSubstr("metrics_listen: cannot bind 127.0.0.1:"));
  auto bad = MetricsHttpServer::Start(
      "nonsense", [] { return ""; }, "master.metrics_listen");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("master.metrics_listen: 'nonsense'"));
}

}  // namespace
}  // namespace dsfl::metrics
