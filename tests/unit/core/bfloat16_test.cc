// common/bfloat16: rounding to nearest even, no overflow to infinity, and
// an exact round trip through the 2-byte wire form.
#include "common/bfloat16.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace dsfl {
namespace {

float FromBits(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

uint32_t Bits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof(bits));
  return bits;
}

TEST(Bfloat16, RoundsToNearestWithTiesToEven) {
  // bfloat16 values stay as they are.
  for (float v : {0.0f, -0.0f, 1.0f, -2.5f, 0.15625f, 3.0e38f}) {
    const float b = FromBits(Bits(v) & 0xffff0000u);
    EXPECT_EQ(Bits(RoundToBfloat16(b)), Bits(b)) << v;
  }
  // Below, at and above the halfway point between 1.0 and the next bfloat16.
  EXPECT_EQ(Bits(RoundToBfloat16(FromBits(0x3f807fffu))), 0x3f800000u);
  EXPECT_EQ(Bits(RoundToBfloat16(FromBits(0x3f808000u))), 0x3f800000u);  // even
  EXPECT_EQ(Bits(RoundToBfloat16(FromBits(0x3f808001u))), 0x3f810000u);
  // A tie next to an odd value goes up, to the even one.
  EXPECT_EQ(Bits(RoundToBfloat16(FromBits(0x3f818000u))), 0x3f820000u);
  // Negative values round by magnitude.
  EXPECT_EQ(Bits(RoundToBfloat16(FromBits(0xbf808001u))), 0xbf810000u);
}

TEST(Bfloat16, NeverOverflowsAndLeavesNonFiniteValuesAlone) {
  const float max = std::numeric_limits<float>::max();
  EXPECT_TRUE(std::isfinite(RoundToBfloat16(max)));
  EXPECT_EQ(Bits(RoundToBfloat16(max)), 0x7f7f0000u);
  EXPECT_TRUE(std::isfinite(RoundToBfloat16(-max)));
  EXPECT_TRUE(
      std::isinf(RoundToBfloat16(std::numeric_limits<float>::infinity())));
  EXPECT_TRUE(std::isnan(RoundToBfloat16(std::nanf(""))));
}

TEST(Bfloat16, TheWireFormIsExactForRoundedValues) {
  std::vector<float> values;
  for (int i = -500; i < 500; ++i) values.push_back(0.0137f * i * i * i);
  values.push_back(std::numeric_limits<float>::denorm_min());
  RoundToBfloat16(&values);
  std::string wire(values.size() * 2 + 1, '\0');
  EncodeBfloat16(values.data(), values.size(), wire.data() + 1);  // unaligned
  std::vector<float> back(values.size());
  DecodeBfloat16(wire.data() + 1, values.size(), back.data());
  for (size_t i = 0; i < values.size(); ++i) {
    ASSERT_EQ(Bits(back[i]), Bits(values[i])) << i;
  }
  // Little-endian: 1.0 is 0x3f80.
  const float one = 1.0f;
  char two[2];
  EncodeBfloat16(&one, 1, two);
  EXPECT_EQ(static_cast<unsigned char>(two[0]), 0x80);
  EXPECT_EQ(static_cast<unsigned char>(two[1]), 0x3f);
}

TEST(Bfloat16, RelativeErrorIsAtMostHalfAnUlpOf8Bits) {
  for (int i = 1; i < 10000; ++i) {
    const float v = 1.0f + 0.000917f * i;
    EXPECT_LE(std::fabs(RoundToBfloat16(v) - v) / v, 1.0f / 256.0f) << v;
  }
}

}  // namespace
}  // namespace dsfl
