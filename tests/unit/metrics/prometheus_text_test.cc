#include "common/metrics/prometheus_text.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace dsfl::metrics {
namespace {

TEST(FormatValueTest, IntegersExactlyOthersShortestRoundTrip) {
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(42), "42");
  EXPECT_EQ(FormatValue(-3), "-3");
  EXPECT_EQ(FormatValue(4294967296.0), "4294967296");  // no exponent
  EXPECT_EQ(FormatValue(9007199254740991.0), "9007199254740991");
  EXPECT_EQ(FormatValue(0.25), "0.25");
  EXPECT_EQ(FormatValue(0.1), "0.1");
  EXPECT_EQ(std::stod(FormatValue(1.0 / 3)), 1.0 / 3);  // round-trips
  EXPECT_EQ(FormatValue(1e300), "1e+300");
}

TEST(FormatValueTest, SpecialValuesAsPrometheusSpellsThem) {
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
}

TEST(EscapeLabelValueTest, EscapesBackslashQuoteAndNewlineOnly) {
  EXPECT_EQ(EscapeLabelValue(R"(a "b" \c)"), R"(a \"b\" \\c)");
  EXPECT_EQ(EscapeLabelValue("line1\nline2"), "line1\\nline2");
  EXPECT_EQ(EscapeLabelValue("tab\tand é"), "tab\tand é");
}

TEST(PrometheusTextTest, FamilyThenSamples) {
  PrometheusText out;
  out.Family("dsfl_x_total", "counter", "Things, with a \\ and\na newline.");
  out.Sample("dsfl_x_total", 3);
  out.Sample("dsfl_x_total", {{"method", "Slave/Train"}, {"code", "OK"}}, 2);
  out.Sample("dsfl_x_total", {{"error", "said \"no\"\n"}}, 1);
  EXPECT_EQ(out.text(),
            "# HELP dsfl_x_total Things, with a \\\\ and\\na newline.\n"
            "# TYPE dsfl_x_total counter\n"
            "dsfl_x_total 3\n"
            "dsfl_x_total{method=\"Slave/Train\",code=\"OK\"} 2\n"
            "dsfl_x_total{error=\"said \\\"no\\\"\\n\"} 1\n");
}

}  // namespace
}  // namespace dsfl::metrics
