#include "connector-adapters/dataproxy/numeric_field.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include "absl/strings/str_cat.h"

namespace dsfl::dataproxy {
namespace {

std::string_view TrimBlanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

StatusOr<double> ParseNumericField(std::string_view text) {
  std::string_view value = TrimBlanks(text);
  if (value.empty() || value == "NA" || value == "NaN") {
    return std::numeric_limits<double>::quiet_NaN();
  }
  std::string_view digits = value;
  bool negative = false;
  if (digits.front() == '+' || digits.front() == '-') {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  // from_chars also accepts "inf"/"nan" and hex floats only with a flag;
  // require a digit or a '.' to start the number.
  if (digits.empty() || !((digits.front() >= '0' && digits.front() <= '9') ||
                          digits.front() == '.')) {
    return absl::InvalidArgumentError(
        absl::StrCat(QuoteForMessage(value), " is not a number"));
  }
  double parsed = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(),
                                   parsed, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) {
    return absl::InvalidArgumentError(
        absl::StrCat(QuoteForMessage(value), " is out of range for a double"));
  }
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(QuoteForMessage(value), " is not a number"));
  }
  if (!std::isfinite(parsed)) {
    return absl::InvalidArgumentError(
        absl::StrCat(QuoteForMessage(value), " is not a finite number"));
  }
  return negative ? -parsed : parsed;
}

std::string FormatNumericField(double value) {
  if (std::isnan(value)) return "";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (ec != std::errc()) return "";  // Cannot happen with 64 bytes.
  return std::string(buffer, end);
}

std::string QuoteForMessage(std::string_view value) {
  constexpr size_t kMaxChars = 40;
  std::string out = "'";
  for (size_t i = 0; i < value.size() && i < kMaxChars; ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    out.push_back(c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c));
  }
  if (value.size() > kMaxChars) out += "...";
  out += "'";
  return out;
}

}  // namespace dsfl::dataproxy
