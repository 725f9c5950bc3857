// Incremental SHA-256 (OpenSSL EVP; uses the CPU's SHA extensions when
// present).
//
// Usage: Sha256 h; h.Update(bytes); ...; auto digest = h.Finish();
// Finish() may be called once; afterwards the object must not be updated.
// Thread-compatibility: one object per thread.
#ifndef DSFL_COMMON_SHA256_H_
#define DSFL_COMMON_SHA256_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace dsfl {

using Sha256Digest = std::array<uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, size_t size);
  void Update(std::string_view bytes) { Update(bytes.data(), bytes.size()); }
  Sha256Digest Finish();

  // One-shot helpers.
  static Sha256Digest Of(std::string_view bytes);
  static std::string HexOf(std::string_view bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string ToHex(const uint8_t* data, size_t size);
inline std::string ToHex(const Sha256Digest& digest) {
  return ToHex(digest.data(), digest.size());
}
// Parses 64 hex characters; returns false on any other input.
bool ParseSha256Hex(std::string_view hex, Sha256Digest* out);

}  // namespace dsfl

#endif  // DSFL_COMMON_SHA256_H_
