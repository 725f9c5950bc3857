#include <thread>
#include <vector>

#include "common/metrics/counter.h"
#include "common/metrics/histogram.h"
#include "common/metrics/last_error.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dsfl::metrics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Rendered(const Counter& counter) {
  PrometheusText out;
  counter.Render(&out, "c_total", "help");
  return out.text();
}

TEST(CounterTest, UnlabeledCounterIsRenderedFromZero) {
  Counter counter;
  EXPECT_EQ(Rendered(counter),
            "# HELP c_total help\n# TYPE c_total counter\nc_total 0\n");
  counter.Add();
  counter.Add(2.5);
  counter.Add(-10);  // counters never go down
  EXPECT_EQ(counter.Value(), 3.5);
  EXPECT_THAT(Rendered(counter), HasSubstr("\nc_total 3.5\n"));
}

TEST(CounterTest, LabeledSeriesAreSortedAndPresetOnesShowZero) {
  Counter counter({"method", "code"});
  EXPECT_EQ(Rendered(counter), "# HELP c_total help\n# TYPE c_total counter\n");
  counter.Add({"Slave/Train", "OK"});
  counter.Add({"Slave/Train", "OK"});
  counter.Add({"Slave/GetInfo", "UNAVAILABLE"});
  counter.Preset({"Slave/Evaluate", "OK"});
  EXPECT_EQ(Rendered(counter),
            "# HELP c_total help\n# TYPE c_total counter\n"
            "c_total{method=\"Slave/Evaluate\",code=\"OK\"} 0\n"
            "c_total{method=\"Slave/GetInfo\",code=\"UNAVAILABLE\"} 1\n"
            "c_total{method=\"Slave/Train\",code=\"OK\"} 2\n");
  // Missing label values are empty, not a crash or a new label.
  counter.Add({"Slave/Train"});
  EXPECT_EQ(counter.Value({"Slave/Train", ""}), 1);
}

TEST(CounterTest, ConcurrentAddsAreAllCounted) {
  Counter counter({"thread"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&counter, t] {
      for (int i = 0; i < 1000; ++i) {
        counter.Add({t % 2 == 0 ? "even" : "odd"});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter.Value({"even"}), 2000);
  EXPECT_EQ(counter.Value({"odd"}), 2000);
}

TEST(HistogramTest, BucketsAreLessOrEqualAndRenderedCumulatively) {
  Histogram histogram({1, 0.1, 10, 1});  // sorted, deduplicated
  EXPECT_EQ(histogram.upper_bounds(), (std::vector<double>{0.1, 1, 10}));
  histogram.Observe(0.1);  // == bound: in le="0.1"
  histogram.Observe(0.5);
  histogram.Observe(1);
  histogram.Observe(100);  // only +Inf
  Histogram::Series series = histogram.Get();
  EXPECT_EQ(series.buckets, (std::vector<uint64_t>{1, 2, 0}));
  EXPECT_EQ(series.count, 4u);
  EXPECT_DOUBLE_EQ(series.sum, 101.6);
  PrometheusText out;
  histogram.Render(&out, "h_seconds", "help");
  EXPECT_EQ(out.text(),
            "# HELP h_seconds help\n# TYPE h_seconds histogram\n"
            "h_seconds_bucket{le=\"0.1\"} 1\n"
            "h_seconds_bucket{le=\"1\"} 3\n"
            "h_seconds_bucket{le=\"10\"} 3\n"
            "h_seconds_bucket{le=\"+Inf\"} 4\n"
            "h_seconds_sum 101.6\n"
            "h_seconds_count 4\n");
}

TEST(HistogramTest, EmptyUnlabeledHistogramIsRenderedLabeledOnlyWhenSeen) {
  PrometheusText empty;
  Histogram({1}).Render(&empty, "h", "help");
  EXPECT_THAT(empty.text(), HasSubstr("h_bucket{le=\"+Inf\"} 0\nh_sum 0\n"));

  Histogram per_node({1}, {"node"});
  PrometheusText none;
  per_node.Render(&none, "h", "help");
  EXPECT_THAT(none.text(), Not(HasSubstr("h_count")));
  per_node.Observe({"hospital-b"}, 2);
  per_node.Observe({"hospital-a"}, 0.5);
  PrometheusText two;
  per_node.Render(&two, "h", "help");
  EXPECT_THAT(two.text(),
              HasSubstr("h_bucket{node=\"hospital-a\",le=\"1\"} 1\n"));
  EXPECT_THAT(two.text(),
              HasSubstr("h_bucket{node=\"hospital-b\",le=\"1\"} 0\n"));
  EXPECT_THAT(two.text(), HasSubstr("h_count{node=\"hospital-b\"} 1\n"));
}

TEST(HistogramTest, ExponentialBuckets) {
  EXPECT_EQ(ExponentialBuckets(0.01, 10, 3),
            (std::vector<double>{0.01, 0.1, 1}));
}

TEST(LastErrorTest, RenderedAsInfoAndTimestampGauges) {
  LastError error;
  PrometheusText before;
  error.Render(&before, "dsfl_last_error", "help");
  EXPECT_THAT(before.text(), HasSubstr("dsfl_last_error_info{error=\"\"} 0\n"));
  EXPECT_THAT(before.text(),
              HasSubstr("\ndsfl_last_error_timestamp_seconds 0\n"));
  error.Set("job x: \"bad\"", absl::FromUnixMillis(1700000000250));
  PrometheusText after;
  error.Render(&after, "dsfl_last_error", "help");
  EXPECT_THAT(
      after.text(),
      HasSubstr("dsfl_last_error_info{error=\"job x: \\\"bad\\\"\"} 1\n"));
  EXPECT_THAT(after.text(),
              HasSubstr("\ndsfl_last_error_timestamp_seconds 1700000000.25\n"));
}

TEST(LastErrorTest, LongTextIsCutWithoutSplittingACharacter) {
  LastError error;
  // 299 ASCII bytes, then a 2-byte character across the 300-byte limit.
  error.Set(std::string(299, 'x') + "é and more", absl::UnixEpoch());
  EXPECT_EQ(error.text(), std::string(299, 'x'));
  error.Set(std::string(400, 'y'), absl::UnixEpoch());
  EXPECT_EQ(error.text().size(), LastError::kMaxBytes);
}

}  // namespace
}  // namespace dsfl::metrics
