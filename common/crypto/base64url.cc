#include "common/crypto/base64url.h"

#include <array>
#include <cstdint>

#include "absl/strings/str_cat.h"

namespace dsfl::crypto {
namespace {

constexpr char kStandard[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrl[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Encode(std::string_view bytes, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint8_t>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    out += alphabet[v >> 18 & 63];
    out += alphabet[v >> 12 & 63];
    out += alphabet[v >> 6 & 63];
    out += alphabet[v & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t v = byte(i) << 16;
    out += alphabet[v >> 18 & 63];
    out += alphabet[v >> 12 & 63];
    if (pad) out += "==";
  } else if (rest == 2) {
    uint32_t v = byte(i) << 16 | byte(i + 1) << 8;
    out += alphabet[v >> 18 & 63];
    out += alphabet[v >> 12 & 63];
    out += alphabet[v >> 6 & 63];
    if (pad) out += '=';
  }
  return out;
}

// Value of `c` in base64 (either alphabet when `both`), or -1.
int Sextet(char c, bool url, bool standard) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (url && c == '-') return 62;
  if (url && c == '_') return 63;
  if (standard && c == '+') return 62;
  if (standard && c == '/') return 63;
  return -1;
}

StatusOr<std::string> Decode(std::string_view text, bool url, bool standard,
                             bool allow_padding, const char* name) {
  size_t end = text.size();
  if (allow_padding) {
    // At most two '=' and only when they complete a 4-character group.
    size_t pads = 0;
    while (end > 0 && text[end - 1] == '=' && pads < 2) {
      --end;
      ++pads;
    }
    if (pads > 0 && text.size() % 4 != 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          name, ": padding at position ", end, " does not complete a group"));
    }
  }
  if (end % 4 == 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": length ", end, " is not a valid base64 length"));
  }
  std::string out;
  out.reserve(end / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < end; ++i) {
    int v = Sextet(text[i], url, standard);
    if (v < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": invalid character at position ", i));
    }
    acc = acc << 6 | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(acc >> bits & 0xFF);
    }
  }
  // Leftover bits must be zero (canonical encoding).
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": non-zero trailing bits at position ", end - 1));
  }
  return out;
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  return Encode(bytes, kUrl, /*pad=*/false);
}

StatusOr<std::string> Base64UrlDecode(std::string_view text) {
  return Decode(text, /*url=*/true, /*standard=*/false,
                /*allow_padding=*/false, "base64url");
}

std::string Base64Encode(std::string_view bytes) {
  return Encode(bytes, kStandard, /*pad=*/true);
}

StatusOr<std::string> Base64Decode(std::string_view text) {
  return Decode(text, /*url=*/true, /*standard=*/true,
                /*allow_padding=*/true, "base64");
}

}  // namespace dsfl::crypto
