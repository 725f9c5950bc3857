#include "common/crypto/jcs.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace dsfl::crypto {
namespace {

using Json = nlohmann::json;

// Decodes UTF-8 into UTF-16 code units; false on invalid UTF-8 (overlong
// forms, surrogate code points, values above U+10FFFF, truncation).
bool Utf8ToUtf16(const std::string& s, std::u16string* out) {
  out->clear();
  size_t i = 0;
  auto cont = [&](size_t k) {
    return k < s.size() && (static_cast<uint8_t>(s[k]) & 0xC0) == 0x80;
  };
  while (i < s.size()) {
    uint8_t c = static_cast<uint8_t>(s[i]);
    uint32_t cp;
    size_t len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else {
      return false;
    }
    for (size_t k = 1; k < len; ++k) {
      if (!cont(i + k)) return false;
      cp = cp << 6 | (static_cast<uint8_t>(s[i + k]) & 0x3F);
    }
    static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out->push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out->push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out->push_back(static_cast<char16_t>(cp));
    }
    i += len;
  }
  return true;
}

Status InvalidAt(const std::string& pointer, const std::string& what) {
  return absl::InvalidArgumentError(
      absl::StrCat("JCS: ", what, " at JSON pointer '",
                   pointer.empty() ? "/" : pointer, "'"));
}

std::string EscapePointerToken(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

Status AppendString(const std::string& s, const std::string& pointer,
                    std::string* out) {
  std::u16string ignored;
  if (!Utf8ToUtf16(s, &ignored)) return InvalidAt(pointer, "invalid UTF-8");
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char ch : s) {
    uint8_t c = static_cast<uint8_t>(ch);
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\b':
        *out += "\\b";
        break;
      case '\f':
        *out += "\\f";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (c < 0x20) {
          *out += "\\u00";
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 0xF]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
  return absl::OkStatus();
}

Status AppendValue(const Json& value, const std::string& pointer,
                   std::string* out) {
  switch (value.type()) {
    case Json::value_t::null:
      *out += "null";
      return absl::OkStatus();
    case Json::value_t::boolean:
      *out += value.get<bool>() ? "true" : "false";
      return absl::OkStatus();
    case Json::value_t::number_integer: {
      auto text = JcsSerializeNumber(static_cast<double>(value.get<int64_t>()));
      if (!text.ok())
        return InvalidAt(pointer, std::string(text.status().message()));
      *out += *text;
      return absl::OkStatus();
    }
    case Json::value_t::number_unsigned: {
      auto text =
          JcsSerializeNumber(static_cast<double>(value.get<uint64_t>()));
      if (!text.ok())
        return InvalidAt(pointer, std::string(text.status().message()));
      *out += *text;
      return absl::OkStatus();
    }
    case Json::value_t::number_float: {
      auto text = JcsSerializeNumber(value.get<double>());
      if (!text.ok())
        return InvalidAt(pointer, std::string(text.status().message()));
      *out += *text;
      return absl::OkStatus();
    }
    case Json::value_t::string:
      return AppendString(value.get_ref<const std::string&>(), pointer, out);
    case Json::value_t::array: {
      out->push_back('[');
      size_t index = 0;
      for (const Json& element : value) {
        if (index > 0) out->push_back(',');
        Status status =
            AppendValue(element, absl::StrCat(pointer, "/", index), out);
        if (!status.ok()) return status;
        ++index;
      }
      out->push_back(']');
      return absl::OkStatus();
    }
    case Json::value_t::object: {
      // Sort member names by UTF-16 code units (RFC 8785 §3.2.3).
      std::vector<std::pair<std::u16string, Json::const_iterator>> members;
      members.reserve(value.size());
      for (auto it = value.begin(); it != value.end(); ++it) {
        std::u16string key16;
        if (!Utf8ToUtf16(it.key(), &key16)) {
          return InvalidAt(pointer, "invalid UTF-8 in a member name");
        }
        members.emplace_back(std::move(key16), it);
      }
      std::sort(members.begin(), members.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      out->push_back('{');
      bool first = true;
      for (const auto& [key16, it] : members) {
        if (!first) out->push_back(',');
        first = false;
        const std::string child =
            absl::StrCat(pointer, "/", EscapePointerToken(it.key()));
        Status status = AppendString(it.key(), child, out);
        if (!status.ok()) return status;
        out->push_back(':');
        status = AppendValue(it.value(), child, out);
        if (!status.ok()) return status;
      }
      out->push_back('}');
      return absl::OkStatus();
    }
    case Json::value_t::binary:
      return InvalidAt(pointer, "binary values have no JSON form");
    case Json::value_t::discarded:
      return InvalidAt(pointer, "discarded value");
  }
  return InvalidAt(pointer, "unknown value type");
}

}  // namespace

StatusOr<std::string> JcsSerializeNumber(double value) {
  if (std::isnan(value)) {
    return absl::InvalidArgumentError("NaN is not allowed in JSON");
  }
  if (std::isinf(value)) {
    return absl::InvalidArgumentError("Infinity is not allowed in JSON");
  }
  if (value == 0) return std::string("0");  // also -0
  std::string out;
  if (value < 0) {
    out.push_back('-');
    value = -value;
  }
  // Shortest round-trip digits, scientific form "d[.ddd]e[+-]xx"; when
  // several candidates have the fewest digits, to_chars picks the closest
  // (ties to even), as ECMAScript Number::toString does.
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value,
                              std::chars_format::scientific);
  if (result.ec != std::errc()) {
    return absl::InternalError("number formatting failed");
  }
  std::string_view text(buffer, static_cast<size_t>(result.ptr - buffer));
  size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  int exponent = 0;
  std::string_view exp_text = text.substr(e + 1);
  std::from_chars(exp_text.data() + (exp_text[0] == '+' ? 1 : 0),
                  exp_text.data() + exp_text.size(), exponent);
  // ECMAScript: value = 0.digits × 10^n, k = number of digits.
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<size_t>(n));
    out.push_back('.');
    out += digits.substr(static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-n), '0');
    out += digits;
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out += digits.substr(1);
    }
    out.push_back('e');
    out.push_back(n - 1 >= 0 ? '+' : '-');
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

StatusOr<std::string> JcsCanonicalize(const nlohmann::json& value) {
  std::string out;
  Status status = AppendValue(value, "", &out);
  if (!status.ok()) return status;
  return out;
}

StatusOr<nlohmann::json> ParseIJson(std::string_view text) {
  std::vector<std::set<std::string>> open_objects;
  std::string duplicate;
  auto callback = [&](int /*depth*/, Json::parse_event_t event,
                      Json& parsed) -> bool {
    switch (event) {
      case Json::parse_event_t::object_start:
        open_objects.emplace_back();
        break;
      case Json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case Json::parse_event_t::key:
        if (!open_objects.empty() && duplicate.empty() &&
            !open_objects.back().insert(parsed.get<std::string>()).second) {
          duplicate = parsed.get<std::string>();
        }
        break;
      default:
        break;
    }
    return true;
  };
  try {
    Json value = Json::parse(text.begin(), text.end(), callback);
    if (!duplicate.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("duplicate member name '", duplicate, "'"));
    }
    return value;
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(e.what());
  }
}

}  // namespace dsfl::crypto
