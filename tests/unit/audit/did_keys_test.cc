#include "common/audit/did_keys.h"

#include "gtest/gtest.h"

namespace dsfl::audit {
namespace {

// RFC 8037 A.2 public key (= RFC 8032 TEST 1).
constexpr char kX[] = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
// The same key as multibase: "z" + base58btc(0xed 0x01 || key).
constexpr char kMultibase[] =
    "z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw";

TEST(DidKeysTest, JsonWebKey2020) {
  nlohmann::json doc = {
      {"id", "did:web:hospital-a.example"},
      {"verificationMethod",
       {{{"id", "#key-1"},
         {"type", "JsonWebKey2020"},
         {"controller", "did:web:hospital-a.example"},
         {"publicKeyJwk", {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", kX}}}},
        {{"id", "#p256"},
         {"type", "JsonWebKey2020"},
         {"publicKeyJwk",
          {{"kty", "EC"}, {"crv", "P-256"}, {"x", "AA"}, {"y", "AA"}}}}}}};
  auto keys = Ed25519KeysFromDidDocument(doc);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->did, "did:web:hospital-a.example");
  ASSERT_EQ(keys->keys.size(), 1u);
  EXPECT_EQ(keys->keys[0].id, "did:web:hospital-a.example#key-1");
  EXPECT_EQ(keys->keys[0].key[0], 0xd7);
  EXPECT_EQ(keys->keys[0].key[31], 0x1a);
}

TEST(DidKeysTest, MultibaseKeyMatchesTheJwk) {
  nlohmann::json jwk_doc = {
      {"id", "did:example:a"},
      {"verificationMethod",
       {{{"id", "#k"},
         {"type", "JsonWebKey2020"},
         {"publicKeyJwk", {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", kX}}}}}}};
  nlohmann::json mb_doc = {{"id", "did:example:a"},
                           {"assertionMethod",
                            {{{"id", "did:example:a#m"},
                              {"type", "Ed25519VerificationKey2020"},
                              {"publicKeyMultibase", kMultibase}}}}};
  auto a = Ed25519KeysFromDidDocument(jwk_doc);
  auto b = Ed25519KeysFromDidDocument(mb_doc);
  ASSERT_TRUE(a.ok() && b.ok()) << b.status();
  EXPECT_EQ(a->keys[0].key, b->keys[0].key);
}

TEST(DidKeysTest, Rejections) {
  EXPECT_FALSE(Ed25519KeysFromDidDocument({{"no", "id"}}).ok());
  EXPECT_FALSE(Ed25519KeysFromDidDocument({{"id", "did:x:y"}}).ok());
  nlohmann::json bad = {
      {"id", "did:x:y"},
      {"verificationMethod",
       {{{"id", "#k"},
         {"type", "JsonWebKey2020"},
         {"publicKeyJwk",
          {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", "c2hvcnQ"}}}}}}};
  auto r = Ed25519KeysFromDidDocument(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("did:x:y#k"),
            std::string::npos)
      << r.status();
}

}  // namespace
}  // namespace dsfl::audit
