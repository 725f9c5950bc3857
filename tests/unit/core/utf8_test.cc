// Utf8Prefix / ClipUtf8: clipping never ends inside a UTF-8 sequence.
#include "common/utf8.h"

#include "gtest/gtest.h"

namespace dsfl {
namespace {

TEST(Utf8Test, ShortTextIsUnchanged) {
  EXPECT_EQ(Utf8Prefix("abc", 3), "abc");
  EXPECT_EQ(ClipUtf8("abc", 10), "abc");
  EXPECT_EQ(Utf8Prefix("", 0), "");
}

TEST(Utf8Test, CutsAtTheLimitOrBeforeASplitSequence) {
  EXPECT_EQ(Utf8Prefix("abcdef", 4), "abcd");
  EXPECT_EQ(ClipUtf8("abcdef", 4), "abcd...");
  // "é" is C3 A9 and "→" is E2 86 92: a cut inside either backs up to
  // the sequence's lead byte.
  const std::string text = "ab\xC3\xA9\xE2\x86\x92z";
  EXPECT_EQ(Utf8Prefix(text, 3), "ab");
  EXPECT_EQ(Utf8Prefix(text, 4), "ab\xC3\xA9");
  EXPECT_EQ(Utf8Prefix(text, 5), "ab\xC3\xA9");
  EXPECT_EQ(Utf8Prefix(text, 6), "ab\xC3\xA9");
  EXPECT_EQ(Utf8Prefix(text, 7), "ab\xC3\xA9\xE2\x86\x92");
}

}  // namespace
}  // namespace dsfl
