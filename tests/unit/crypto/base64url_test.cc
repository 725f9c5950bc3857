#include "common/crypto/base64url.h"

#include "gtest/gtest.h"

namespace dsfl::crypto {
namespace {

TEST(Base64Test, Rfc4648Vectors) {
  // RFC 4648 §10.
  const std::pair<std::string, std::string> cases[] = {{"", ""},
                                                       {"f", "Zg=="},
                                                       {"fo", "Zm8="},
                                                       {"foo", "Zm9v"},
                                                       {"foob", "Zm9vYg=="},
                                                       {"fooba", "Zm9vYmE="},
                                                       {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : cases) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded;
    EXPECT_EQ(*decoded, plain);
    std::string unpadded = encoded.substr(0, encoded.find('='));
    EXPECT_EQ(Base64UrlEncode(plain), unpadded);
    auto url = Base64UrlDecode(unpadded);
    ASSERT_TRUE(url.ok()) << unpadded;
    EXPECT_EQ(*url, plain);
  }
}

TEST(Base64Test, UrlAlphabet) {
  const std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(Base64UrlEncode(bytes), "-_-_");
  EXPECT_EQ(Base64Encode(bytes), "+/+/");
  EXPECT_EQ(*Base64UrlDecode("-_-_"), bytes);
  // Base64Decode accepts both alphabets.
  EXPECT_EQ(*Base64Decode("-_-_"), bytes);
  EXPECT_EQ(*Base64Decode("+/+/"), bytes);
}

TEST(Base64Test, StrictDecoding) {
  EXPECT_FALSE(Base64UrlDecode("Zg==").ok());   // no padding in base64url
  EXPECT_FALSE(Base64UrlDecode("+/+/").ok());   // standard alphabet
  EXPECT_FALSE(Base64UrlDecode("Z").ok());      // impossible length
  EXPECT_FALSE(Base64UrlDecode("Zh").ok());     // non-zero trailing bits
  EXPECT_FALSE(Base64UrlDecode("Zm 9v").ok());  // white space
  EXPECT_FALSE(Base64Decode("Zg=").ok());       // incomplete padding
  EXPECT_FALSE(Base64Decode("Zg===").ok());
  EXPECT_FALSE(Base64Decode("Z===").ok());
  auto error = Base64UrlDecode("ab*d");
  ASSERT_FALSE(error.ok());
  EXPECT_NE(std::string(error.status().message()).find("position 2"),
            std::string::npos);
  EXPECT_TRUE(Base64Decode("Zg").ok());  // padding optional
}

}  // namespace
}  // namespace dsfl::crypto
