// bfloat16 on the wire (docs/performance.md, "bf16 on the wire"): a model
// is first rounded so that every value is a bfloat16 (float32 with the low
// 16 bits zero, round to nearest even), then travels as the upper 16 bits
// of each value, 2 bytes instead of 4, and is widened back exactly. Its
// digest (common/flat_model.h) stays the SHA-256 of the float32 values, so
// sender and receiver agree on it bit for bit.
//
// bfloat16 keeps float32's exponent range (no overflow; a finite value that
// would round up to infinity is truncated instead) with 8 significant bits
// (~2.4 decimal digits).
// Thread-compatibility: pure functions.
#ifndef DSFL_COMMON_BFLOAT16_H_
#define DSFL_COMMON_BFLOAT16_H_

#include <cstddef>
#include <vector>

namespace dsfl {

// `value` rounded to the nearest bfloat16 (ties to even), as a float32.
// Non-finite values are returned unchanged.
float RoundToBfloat16(float value);
// Rounds every value in place.
void RoundToBfloat16(std::vector<float>* values);

// Writes the upper 16 bits of each of `count` values, little-endian, to
// `out` (2 x count bytes). Exact for bfloat16 values; others are truncated.
void EncodeBfloat16(const float* values, size_t count, char* out);
// Widens `count` little-endian bfloat16s at `in` (possibly unaligned) to
// float32s at `out`.
void DecodeBfloat16(const char* in, size_t count, float* out);

}  // namespace dsfl

#endif  // DSFL_COMMON_BFLOAT16_H_
