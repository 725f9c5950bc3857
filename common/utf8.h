// Utf8Prefix: the longest prefix of `text` of at most `max_bytes` bytes that
// does not end inside a UTF-8 sequence. Used to clip text that comes from
// the network or from errors before it goes into logs, replies and metrics,
// so a peer cannot bloat them and the result stays valid UTF-8 if the input
// was. Header-only; no allocation; thread-safe.
#ifndef DSFL_COMMON_UTF8_H_
#define DSFL_COMMON_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace dsfl {

inline std::string_view Utf8Prefix(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  // A continuation byte (10xxxxxx) at `cut` means the sequence it belongs to
  // started before `cut`: back up to its lead byte.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return text.substr(0, cut);
}

// Utf8Prefix plus "..." when something was cut.
inline std::string ClipUtf8(std::string_view text, size_t max_bytes) {
  std::string clipped(Utf8Prefix(text, max_bytes));
  if (clipped.size() < text.size()) clipped += "...";
  return clipped;
}

}  // namespace dsfl

#endif  // DSFL_COMMON_UTF8_H_
