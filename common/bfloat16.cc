#include "common/bfloat16.h"

#include <cstdint>
#include <cstring>

namespace dsfl {
namespace {

inline uint32_t Bits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

inline float FromBits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

constexpr uint32_t kExponent = 0x7f800000u;

}  // namespace

float RoundToBfloat16(float value) {
  const uint32_t bits = Bits(value);
  if ((bits & kExponent) == kExponent) return value;  // NaN or infinity
  const uint32_t lsb = (bits >> 16) & 1u;
  uint32_t rounded = (bits + 0x7fffu + lsb) & 0xffff0000u;
  // The largest finite values would round up to infinity: truncate them.
  if ((rounded & kExponent) == kExponent) rounded = bits & 0xffff0000u;
  return FromBits(rounded);
}

void RoundToBfloat16(std::vector<float>* values) {
  for (float& v : *values) v = RoundToBfloat16(v);
}

void EncodeBfloat16(const float* values, size_t count, char* out) {
  for (size_t i = 0; i < count; ++i) {
    const uint16_t upper = static_cast<uint16_t>(Bits(values[i]) >> 16);
    out[2 * i] = static_cast<char>(upper & 0xffu);
    out[2 * i + 1] = static_cast<char>(upper >> 8);
  }
}

void DecodeBfloat16(const char* in, size_t count, float* out) {
  for (size_t i = 0; i < count; ++i) {
    const uint32_t upper =
        static_cast<uint32_t>(static_cast<unsigned char>(in[2 * i])) |
        (static_cast<uint32_t>(static_cast<unsigned char>(in[2 * i + 1])) << 8);
    out[i] = FromBits(upper << 16);
  }
}

}  // namespace dsfl
