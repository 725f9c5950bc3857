#include "common/metrics/daemon_health.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dsfl::metrics {
namespace {

using ::testing::HasSubstr;

class FixedClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::FromUnixSeconds(1700000000); }
};

TEST(DecisionCounterTest, AdmittedIsPresetAndRefusalsKeepTheirReason) {
  DecisionCounter decisions;
  PrometheusText before;
  decisions.Render(&before, "d_total", "help");
  EXPECT_THAT(before.text(),
              HasSubstr("\nd_total{decision=\"admitted\",reason=\"\"} 0\n"));

  decisions.Record(true, "ignored when admitted");
  decisions.Record(false, "model_not_allowed");
  decisions.Record(false, "");
  EXPECT_EQ(decisions.Value("admitted", ""), 1);
  EXPECT_EQ(decisions.Value("refused", "model_not_allowed"), 1);
  EXPECT_EQ(decisions.Value("refused", "unknown"), 1);
}

TEST(DaemonHealthTest, FailedReloadBecomesTheLastError) {
  FixedClock clock;
  DaemonHealth health(&clock);
  PrometheusText fresh;
  health.Render(&fresh, "r_total", "help", "e");
  EXPECT_THAT(fresh.text(), HasSubstr("\nr_total{result=\"ok\"} 0\n"));
  EXPECT_THAT(fresh.text(), HasSubstr("\nr_total{result=\"failed\"} 0\n"));
  EXPECT_THAT(fresh.text(), HasSubstr("\ne_info{error=\"\"} 0\n"));

  health.RecordReload(true, "");
  EXPECT_EQ(health.last_error().text(), "");
  health.RecordReload(false, "tls.cert: no such file");
  EXPECT_EQ(health.last_error().text(), "reload: tls.cert: no such file");
  EXPECT_EQ(health.last_error().time(), absl::FromUnixSeconds(1700000000));

  PrometheusText out;
  health.Render(&out, "r_total", "help", "e");
  EXPECT_THAT(out.text(), HasSubstr("\nr_total{result=\"ok\"} 1\n"));
  EXPECT_THAT(out.text(), HasSubstr("\nr_total{result=\"failed\"} 1\n"));
  EXPECT_THAT(
      out.text(),
      HasSubstr("\ne_info{error=\"reload: tls.cert: no such file\"} 1"));
  EXPECT_THAT(out.text(), HasSubstr("\ne_timestamp_seconds 1700000000\n"));
}

}  // namespace
}  // namespace dsfl::metrics
