#include "common/crypto/jcs.h"

#include <cstring>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "tests/unit/crypto/vectors.h"

namespace dsfl::crypto {
namespace {

using testing::BytesToHex;
using testing::HexToBytes;
using testing::LoadVectors;

double DoubleFromHex(const std::string& hex) {
  uint64_t bits = std::stoull(hex, nullptr, 16);
  double value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

TEST(JcsTest, Rfc8785Section32Example) {
  nlohmann::json v = LoadVectors("jcs_rfc8785.json")["rfc8785_section_3_2"];
  auto parsed = ParseIJson(v["input_json_text"].get<std::string>());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  auto canonical = JcsCanonicalize(*parsed);
  ASSERT_TRUE(canonical.ok()) << canonical.status();
  EXPECT_EQ(*canonical, v["expected_canonical_utf8"].get<std::string>());
  EXPECT_EQ(BytesToHex(*canonical), v["expected_canonical_hex"]);
}

TEST(JcsTest, Rfc8785SortingByUtf16CodeUnits) {
  nlohmann::json v =
      LoadVectors("jcs_rfc8785.json")["rfc8785_sorting_test_3_2_3"];
  auto parsed = ParseIJson(v["input_json_text"].get<std::string>());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  auto canonical = JcsCanonicalize(*parsed);
  ASSERT_TRUE(canonical.ok());
  // Re-parse preserving order: the values must come out in the RFC's order.
  nlohmann::ordered_json ordered = nlohmann::ordered_json::parse(*canonical);
  std::vector<std::string> values;
  for (const auto& item : ordered.items()) {
    values.push_back(item.value().get<std::string>());
  }
  EXPECT_EQ(values, v["expected_value_order"].get<std::vector<std::string>>());
}

TEST(JcsTest, Rfc8785AppendixBNumbers) {
  nlohmann::json rows =
      LoadVectors("jcs_rfc8785.json")["rfc8785_appendix_b_numbers"];
  ASSERT_EQ(rows.size(), 26u);
  int rejected = 0;
  for (const auto& row : rows) {
    SCOPED_TRACE(row["ieee754_hex"].get<std::string>());
    const double value = DoubleFromHex(row["ieee754_hex"]);
    auto text = JcsSerializeNumber(value);
    if (row["expected"].is_null()) {
      EXPECT_FALSE(text.ok());
      // Also as a JSON value inside a document.
      EXPECT_FALSE(JcsCanonicalize(nlohmann::json::array({value})).ok());
      ++rejected;
      continue;
    }
    ASSERT_TRUE(text.ok()) << text.status();
    EXPECT_EQ(*text, row["expected"].get<std::string>());
    auto in_doc = JcsCanonicalize(nlohmann::json::array({value}));
    ASSERT_TRUE(in_doc.ok());
    EXPECT_EQ(*in_doc, "[" + row["expected"].get<std::string>() + "]");
  }
  EXPECT_EQ(rejected, 2);
}

TEST(JcsTest, ReferenceTestSuite) {
  nlohmann::json cases = LoadVectors("jcs_rfc8785.json")["testsuite_cases"];
  ASSERT_EQ(cases.size(), 6u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c["name"].get<std::string>());
    auto parsed = ParseIJson(c["input_json_text"].get<std::string>());
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    auto canonical = JcsCanonicalize(*parsed);
    ASSERT_TRUE(canonical.ok()) << canonical.status();
    EXPECT_EQ(*canonical, c["expected_canonical_utf8"].get<std::string>());
    EXPECT_EQ(BytesToHex(*canonical), c["expected_canonical_hex"]);
  }
}

TEST(JcsTest, IntegersAreSerialisedAsDoubles) {
  nlohmann::json doc = {{"a", 1},
                        {"b", -7},
                        {"c", uint64_t{1} << 60},
                        {"d", int64_t{9007199254740993}}};
  auto canonical = JcsCanonicalize(doc);
  ASSERT_TRUE(canonical.ok());
  EXPECT_EQ(*canonical,
            "{\"a\":1,\"b\":-7,\"c\":1152921504606847000,"
            "\"d\":9007199254740992}");
}

TEST(JcsTest, EscapesOnlyWhatEcmaScriptEscapes) {
  nlohmann::json doc = std::string("\x01\x1f\x7f</\xe2\x80\xa8\t", 9);
  auto canonical = JcsCanonicalize(doc);
  ASSERT_TRUE(canonical.ok());
  EXPECT_EQ(*canonical, "\"\\u0001\\u001f\x7f</\xe2\x80\xa8\\t\"");
}

TEST(JcsTest, RejectsInvalidUtf8AndNonFinite) {
  nlohmann::json bad_string = {{"k", std::string("\xc3\x28")}};
  auto a = JcsCanonicalize(bad_string);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(std::string(a.status().message()).find("/k"), std::string::npos)
      << a.status();
  // A UTF-8-encoded surrogate (CESU) is not valid UTF-8.
  EXPECT_FALSE(JcsCanonicalize(std::string("\xed\xa0\x80")).ok());
  nlohmann::json bad_key;
  bad_key[std::string("\xff")] = 1;
  EXPECT_FALSE(JcsCanonicalize(bad_key).ok());
  nlohmann::json nan = {{"x", {1, std::numeric_limits<double>::quiet_NaN()}}};
  auto b = JcsCanonicalize(nan);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(std::string(b.status().message()).find("/x/1"), std::string::npos)
      << b.status();
}

TEST(JcsTest, ParseIJsonRejectsDuplicatesAndGarbage) {
  EXPECT_FALSE(ParseIJson("{\"a\":1,\"a\":2}").ok());
  EXPECT_FALSE(ParseIJson("{\"o\":{\"a\":1,\"b\":{},\"a\":2}}").ok());
  EXPECT_TRUE(ParseIJson("{\"a\":{\"a\":1},\"b\":[{\"a\":1},{\"a\":2}]}").ok());
  EXPECT_FALSE(ParseIJson("{\"a\":").ok());
  EXPECT_FALSE(ParseIJson("\"\\ud800\"").ok());  // lone surrogate
}

}  // namespace
}  // namespace dsfl::crypto
