#include "connector-adapters/dataproxy/csv_data_source.h"

#include <cmath>
#include <limits>
#include <string>

#include "connector-adapters/dataproxy/numeric_field.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/dataproxy/test_util.h"

namespace dsfl::dataproxy {
namespace {

using testing::CountMissing;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::LungCsvPath;
using testing::TempDir;

// Parses `text` and expects an InvalidArgument error with exactly `message`.
void ExpectError(const std::string& text, const std::string& message) {
  StatusOr<Table> table = ParseCsv(text, "t.csv");
  ASSERT_FALSE(table.ok()) << "parsed: " << text;
  EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(table.status().message(), message);
}

TEST(ParseCsvTest, ParsesHeaderAndRows) {
  StatusOr<Table> table = ParseCsv("a,b\n1,2\n3,4.5\n", "t.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(table->columns(), ElementsAre("a", "b"));
  ASSERT_EQ(table->num_rows(), 2u);
  EXPECT_EQ(table->at(0, 0), 1);
  EXPECT_EQ(table->at(0, 1), 2);
  EXPECT_EQ(table->at(1, 0), 3);
  EXPECT_EQ(table->at(1, 1), 4.5);
}

TEST(ParseCsvTest, HeaderOnlyGivesEmptyTable) {
  StatusOr<Table> table = ParseCsv("a,b\n", "t.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ(table->num_columns(), 2u);
  EXPECT_EQ(table->num_rows(), 0u);
}

TEST(ParseCsvTest, EmptyNaAndNanAreMissing) {
  StatusOr<Table> table =
      ParseCsv("a,b,c,d\n,NA,NaN,\"\"\n 1 , NA ,2,\n", "t.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_EQ(table->num_rows(), 2u);
  for (size_t c = 0; c < 4; ++c) EXPECT_TRUE(std::isnan(table->at(0, c)));
  EXPECT_EQ(table->at(1, 0), 1);
  EXPECT_TRUE(std::isnan(table->at(1, 1)));
  EXPECT_EQ(table->at(1, 2), 2);
  EXPECT_TRUE(std::isnan(table->at(1, 3)));
}

TEST(ParseCsvTest, NumberSyntax) {
  StatusOr<Table> table =
      ParseCsv("v\n-1.5e3\n+2\n.5\n7.\n1E-2\n-0\n0.1\n", "t.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_EQ(table->num_rows(), 7u);
  EXPECT_EQ(table->at(0, 0), -1500);
  EXPECT_EQ(table->at(1, 0), 2);
  EXPECT_EQ(table->at(2, 0), 0.5);
  EXPECT_EQ(table->at(3, 0), 7);
  EXPECT_EQ(table->at(4, 0), 0.01);
  EXPECT_EQ(table->at(5, 0), 0);
  EXPECT_TRUE(std::signbit(table->at(5, 0)));
  EXPECT_EQ(table->at(6, 0), 0.1);
}

TEST(ParseCsvTest, QuotedFieldsCrlfAndBom) {
  StatusOr<Table> table =
      ParseCsv("\xEF\xBB\xBF\"a\",\"b,\"\"c\"\"\"\r\n\"1\",  2 \r\n3,\"4\"\r\n",
               "t.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(table->columns(), ElementsAre("a", "b,\"c\""));
  ASSERT_EQ(table->num_rows(), 2u);
  EXPECT_EQ(table->at(0, 0), 1);
  EXPECT_EQ(table->at(0, 1), 2);
  EXPECT_EQ(table->at(1, 0), 3);
  EXPECT_EQ(table->at(1, 1), 4);
}

TEST(ParseCsvTest, NoTrailingNewlineAndBlankLines) {
  StatusOr<Table> table = ParseCsv("\na,b\n\n1,2\n   \n3,4", "t.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_EQ(table->num_rows(), 2u);
  EXPECT_EQ(table->at(1, 1), 4);
}

TEST(ParseCsvTest, OneColumnBlankLineIsMissingExceptAtTheEnd) {
  StatusOr<Table> table = ParseCsv("v\n1\n\n2\n\n\n", "t.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  ASSERT_EQ(table->num_rows(), 3u);
  EXPECT_EQ(table->at(0, 0), 1);
  EXPECT_TRUE(std::isnan(table->at(1, 0)));
  EXPECT_EQ(table->at(2, 0), 2);
}

TEST(ParseCsvTest, NotANumberNamesFileLineAndColumn) {
  ExpectError("a,age\n1,2\n3,abc\n",
              "t.csv line 3, column 'age': 'abc' is not a number");
  ExpectError("a\n0x10\n", "t.csv line 2, column 'a': '0x10' is not a number");
  ExpectError("a\n1 2\n", "t.csv line 2, column 'a': '1 2' is not a number");
  ExpectError("a\n--1\n", "t.csv line 2, column 'a': '--1' is not a number");
}

TEST(ParseCsvTest, NonFiniteNumbersAreRejected) {
  ExpectError("a\ninf\n", "t.csv line 2, column 'a': 'inf' is not a number");
  ExpectError("a\n1e999\n",
              "t.csv line 2, column 'a': '1e999' is out of range for a "
              "double");
}

TEST(ParseCsvTest, RaggedRows) {
  ExpectError("a,b\n1,2\n1,2,3\n",
              "t.csv line 3: expected 2 fields as in the header, found 3");
  ExpectError("a,b\n1\n",
              "t.csv line 2: expected 2 fields as in the header, "
              "found 1");
}

TEST(ParseCsvTest, BadHeaders) {
  ExpectError("a,b,a\n1,2,3\n",
              "t.csv line 1: duplicate column name 'a' (columns 1 and 3)");
  ExpectError("a,,c\n1,2,3\n", "t.csv line 1: column 2 has an empty name");
  ExpectError("a,\" \"\n", "t.csv line 1: column 2 has an empty name");
}

TEST(ParseCsvTest, EmptyInput) {
  ExpectError("", "t.csv is empty: expected a header line");
  ExpectError("\r\n  \n\n", "t.csv is empty: expected a header line");
}

TEST(ParseCsvTest, BadQuoting) {
  ExpectError("a,b\n1,\"2\n", "t.csv line 2: quoted field is not closed");
  ExpectError("a,b\n1,\"2\"x\n",
              "t.csv line 2, field 2: unexpected character after a closing "
              "quote");
}

TEST(ParseCsvTest, LineNumbersCountLinesInsideQuotes) {
  ExpectError("\"a\nb\",c\n1,x\n",
              "t.csv line 3, column 'c': 'x' is not a number");
}

TEST(ParseCsvTest, LongValuesAreTruncatedInMessages) {
  std::string junk(100, 'z');
  StatusOr<Table> table = ParseCsv("a\n" + junk + "\n", "t.csv");
  ASSERT_FALSE(table.ok());
  EXPECT_THAT(table.status().message(), HasSubstr("zzz...' is not a number"));
  EXPECT_LT(table.status().message().size(), 100u);
}

TEST(NumericFieldTest, FormatRoundTripsExactly) {
  for (double value : {0.0, -0.0, 1.0, -2.5, 0.1, 1.0 / 3.0, 1e-300, 6.02e23,
                       123456789.0, std::numeric_limits<double>::max(),
                       std::numeric_limits<double>::denorm_min()}) {
    std::string text = FormatNumericField(value);
    StatusOr<double> parsed = ParseNumericField(text);
    ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.status();
    EXPECT_EQ(*parsed, value) << text;
    EXPECT_EQ(std::signbit(*parsed), std::signbit(value)) << text;
  }
  EXPECT_EQ(FormatNumericField(306), "306");
  EXPECT_EQ(FormatNumericField(std::numeric_limits<double>::quiet_NaN()), "");
}

TEST(CsvDataSourceTest, ReadsTheShippedLungData) {
  CsvDataSource source(LungCsvPath());
  StatusOr<Table> table = source.Read();
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(
      table->columns(),
      ElementsAre("row_id", "inst", "time", "event", "age", "sex", "ph.ecog",
                  "ph.karno", "pat.karno", "meal.cal", "wt.loss"));
  ASSERT_EQ(table->num_rows(), 228u);
  EXPECT_EQ(CountMissing(*table, "meal.cal"), 47u);
  EXPECT_EQ(CountMissing(*table, "wt.loss"), 14u);
  EXPECT_EQ(CountMissing(*table, "pat.karno"), 3u);
  EXPECT_EQ(CountMissing(*table, "inst"), 1u);
  EXPECT_EQ(CountMissing(*table, "time"), 0u);
  // First row: 1,3,306,1,74,1,1,90,100,1175, (wt.loss missing).
  EXPECT_EQ(table->at(0, 2), 306);
  EXPECT_EQ(table->at(0, 9), 1175);
  EXPECT_TRUE(std::isnan(table->at(0, 10)));
  // Row 17: 17,22,613,1,70,1,1,90,100,1150,-5.
  EXPECT_EQ(table->at(16, 10), -5);
  double total_time = 0;
  for (size_t r = 0; r < table->num_rows(); ++r) total_time += table->at(r, 2);
  EXPECT_EQ(total_time, 69593);
}

TEST(CsvDataSourceTest, RereadsTheFileOnEveryRead) {
  TempDir dir;
  std::string path = dir.WriteFile("d.csv", "a\n1\n");
  CsvDataSource source(path);
  ASSERT_EQ(source.Read()->num_rows(), 1u);
  dir.WriteFile("d.csv", "a\n1\n2\n");
  ASSERT_EQ(source.Read()->num_rows(), 2u);
}

TEST(CsvDataSourceTest, ErrorsNameThePath) {
  TempDir dir;
  std::string path = dir.WriteFile("bad.csv", "a,age\n1,2\n3,abc\n");
  StatusOr<Table> table = CsvDataSource(path).Read();
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(table.status().message(),
            path + " line 3, column 'age': 'abc' is not a number");

  std::string empty = dir.WriteFile("empty.csv", "");
  table = CsvDataSource(empty).Read();
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().message(),
            empty + " is empty: expected a header line");
}

TEST(CsvDataSourceTest, MissingFileIsNotFound) {
  TempDir dir;
  CsvDataSource source(dir.path() + "/absent.csv");
  StatusOr<Table> table = source.Read();
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(table.status().message(), HasSubstr("absent.csv"));
}

TEST(CsvDataSourceTest, DirectoryIsInvalidArgument) {
  TempDir dir;
  StatusOr<Table> table = CsvDataSource(dir.path()).Read();
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CsvDataSourceTest, DescribeNamesThePath) {
  EXPECT_EQ(CsvDataSource("/data/lung.csv").Describe(), "csv:/data/lung.csv");
}

}  // namespace
}  // namespace dsfl::dataproxy
