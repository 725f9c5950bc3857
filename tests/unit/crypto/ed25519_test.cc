#include "common/crypto/ed25519.h"

#include <string>

#include "common/crypto/base64url.h"
#include "gtest/gtest.h"
#include "tests/unit/crypto/vectors.h"

namespace dsfl::crypto {
namespace {

using testing::BytesToHex;
using testing::HexToBytes;
using testing::LoadVectors;

std::string AsBytes(const Ed25519Signature& s) {
  return std::string(reinterpret_cast<const char*>(s.data()), s.size());
}
std::string AsBytes(const Ed25519PublicKey& k) {
  return std::string(reinterpret_cast<const char*>(k.data()), k.size());
}

TEST(Ed25519Test, Rfc8032Vectors) {
  nlohmann::json vectors = LoadVectors("ed25519_rfc8032.json");
  ASSERT_EQ(vectors["vectors"].size(), 5u);
  for (const auto& v : vectors["vectors"]) {
    SCOPED_TRACE(v["name"].get<std::string>());
    auto key = Ed25519PrivateKey::FromSeed(HexToBytes(v["secret_key"]));
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(BytesToHex(AsBytes(key->public_key())), v["public_key"]);
    const std::string message = HexToBytes(v["message"]);
    ASSERT_EQ(message.size(), v["message_length_bytes"].get<size_t>());
    auto signature = key->Sign(message);
    ASSERT_TRUE(signature.ok()) << signature.status();
    EXPECT_EQ(BytesToHex(AsBytes(*signature)), v["signature"]);
    EXPECT_EQ(Ed25519Verify(key->public_key(), message, AsBytes(*signature)),
              v["expected_verify"].get<bool>());
    // A changed message, a changed signature and another key all fail.
    std::string tampered = message.empty() ? std::string("x") : message;
    if (!message.empty()) tampered[0] ^= 0x01;
    EXPECT_FALSE(
        Ed25519Verify(key->public_key(), tampered, AsBytes(*signature)));
    std::string bad_sig = AsBytes(*signature);
    bad_sig[63] ^= 0x01;
    EXPECT_FALSE(Ed25519Verify(key->public_key(), message, bad_sig));
    Ed25519PublicKey other = key->public_key();
    other[0] ^= 0x01;
    EXPECT_FALSE(Ed25519Verify(other, message, AsBytes(*signature)));
  }
}

TEST(Ed25519Test, Rfc8037JwsExample) {
  nlohmann::json v = LoadVectors("jws_eddsa_rfc8037_appendix_a.json");
  auto d = Base64UrlDecode(v["A1_jwk_private"]["d"].get<std::string>());
  ASSERT_TRUE(d.ok());
  auto key = Ed25519PrivateKey::FromSeed(*d);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(Base64UrlEncode(AsBytes(key->public_key())),
            v["A2_jwk_public"]["x"]);
  auto sig = key->Sign(v["A4_signing_input_ascii"].get<std::string>());
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(Base64UrlEncode(AsBytes(*sig)), v["A4_signature_b64url"]);
}

TEST(Ed25519Test, RejectsWrongSignatureLength) {
  auto key = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  auto sig = key->Sign("m");
  ASSERT_TRUE(sig.ok());
  std::string s = AsBytes(*sig);
  EXPECT_TRUE(Ed25519Verify(key->public_key(), "m", s));
  EXPECT_FALSE(Ed25519Verify(key->public_key(), "m", s.substr(0, 63)));
  EXPECT_FALSE(Ed25519Verify(key->public_key(), "m", s + "x"));
  EXPECT_FALSE(Ed25519Verify(key->public_key(), "m", ""));
}

TEST(Ed25519Test, PemRoundTrip) {
  auto key = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  const std::string pem = key->ToPem();
  EXPECT_NE(pem.find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  auto again = Ed25519PrivateKey::FromPem(pem);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->public_key(), key->public_key());
  const std::string pub_pem = key->PublicKeyPem();
  EXPECT_NE(pub_pem.find("-----BEGIN PUBLIC KEY-----"), std::string::npos);
  auto pub = Ed25519PublicKeyFromPem(pub_pem);
  ASSERT_TRUE(pub.ok()) << pub.status();
  EXPECT_EQ(*pub, key->public_key());
  EXPECT_EQ(Ed25519PublicKeyToPem(*pub), pub_pem);
}

TEST(Ed25519Test, KnownPkcs8Encoding) {
  // RFC 8410: PKCS#8 DER = 302e020100300506032b657004220420 || seed.
  auto key = Ed25519PrivateKey::FromSeed(HexToBytes(
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  ASSERT_TRUE(key.ok());
  std::string pem = key->ToPem();
  std::string body;
  for (const std::string& marker :
       {std::string("-----BEGIN PRIVATE KEY-----\n"),
        std::string("-----END PRIVATE KEY-----\n")}) {
    size_t at = pem.find(marker);
    ASSERT_NE(at, std::string::npos);
    pem.erase(at, marker.size());
  }
  for (char c : pem) {
    if (c != '\n') body.push_back(c);
  }
  auto der = Base64Decode(body);
  ASSERT_TRUE(der.ok()) << der.status();
  EXPECT_EQ(BytesToHex(*der),
            "302e020100300506032b657004220420"
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
}

TEST(Ed25519Test, RejectsBadInput) {
  EXPECT_EQ(Ed25519PrivateKey::FromSeed("short").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519PrivateKey::FromPem("not a pem").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Ed25519PublicKeyFromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n"
                                    "-----END PUBLIC KEY-----\n")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(Ed25519PublicKeyFromBytes(std::string(31, 'a')).ok());
  // A P-256 key in PEM is refused as not Ed25519.
  const char* p256 =
      "-----BEGIN PUBLIC KEY-----\n"
      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV76e8T\n"
      "us9uPHvRVEXH8UTNG72bfocs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==\n"
      "-----END PUBLIC KEY-----\n";
  auto p = Ed25519PublicKeyFromPem(p256);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(std::string(p.status().message()).find("not Ed25519"),
            std::string::npos)
      << p.status();
}

TEST(Ed25519Test, GeneratedKeysDiffer) {
  auto a = Ed25519PrivateKey::Generate();
  auto b = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->public_key(), b->public_key());
}

}  // namespace
}  // namespace dsfl::crypto
