// JWS: RFC 7515 A.3 (ES256, high S) and RFC 8037 A.4/A.5 (EdDSA) vectors,
// round trips with fresh keys, and the algorithm-confusion refusals.
#include "connector-adapters/identity/jws.h"

#include <openssl/hmac.h>

#include "absl/strings/str_cat.h"
#include "common/crypto/base64url.h"
#include "connector-adapters/identity/es256.h"
#include "connector-adapters/identity/refusal.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/identity/test_util.h"

namespace dsfl::identity {
namespace {

using ::testing::HasSubstr;
using testing::ReadJsonFixture;

std::string Hex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

PublicJwk MustJwk(const nlohmann::json& json) {
  StatusOr<PublicJwk> jwk = ParsePublicJwk(json);
  EXPECT_TRUE(jwk.ok()) << jwk.status();
  return jwk.ok() ? *jwk : PublicJwk{};
}

std::optional<Reason> VerifyReason(const std::string& compact,
                                   const PublicJwk& key) {
  StatusOr<CompactJws> jws = ParseCompactJws(compact);
  if (!jws.ok()) return ReasonOf(jws.status());
  Status status = VerifyJwsSignature(*jws, key);
  if (status.ok()) return std::nullopt;
  return ReasonOf(status);
}

TEST(Rfc7515A3, HighSSignatureVerifies) {
  nlohmann::json v = ReadJsonFixture("vectors/jws_es256_rfc7515_a3.json");
  ASSERT_TRUE(v["s_gt_half_order"].get<bool>());
  PublicJwk key = MustJwk(v["jwk_public"]);
  StatusOr<CompactJws> jws =
      ParseCompactJws(v["jws_compact"].get<std::string>());
  ASSERT_TRUE(jws.ok()) << jws.status();
  EXPECT_EQ(jws->signing_input, v["signing_input_ascii"].get<std::string>());
  EXPECT_EQ(jws->payload, v["payload_utf8"].get<std::string>());
  EXPECT_EQ(jws->signature, Hex(v["signature_r_hex"].get<std::string>() +
                                v["signature_s_hex"].get<std::string>()));
  EXPECT_TRUE(VerifyJwsSignature(*jws, key).ok());
}

TEST(Rfc7515A3, TamperedPayloadFails) {
  nlohmann::json v = ReadJsonFixture("vectors/jws_es256_rfc7515_a3.json");
  PublicJwk key = MustJwk(v["jwk_public"]);
  const std::string tampered =
      v["negative_cases"][0]["jws_compact"].get<std::string>();
  EXPECT_EQ(VerifyReason(tampered, key), Reason::kBadSignature);
}

TEST(Rfc7515A3, DerSignatureIsRefused) {
  nlohmann::json v = ReadJsonFixture("vectors/jws_es256_rfc7515_a3.json");
  PublicJwk key = MustJwk(v["jwk_public"]);
  // The same (R, S) as ASN.1 DER: 0x30 len 0x02 0x20 R 0x02 0x21 0x00 S.
  std::string r = Hex(v["signature_r_hex"].get<std::string>());
  std::string s = Hex(v["signature_s_hex"].get<std::string>());
  std::string der = std::string("\x30\x45\x02\x20", 4) + r +
                    std::string("\x02\x21\x00", 3) + s;
  std::string compact =
      absl::StrCat(v["signing_input_ascii"].get<std::string>(), ".",
                   crypto::Base64UrlEncode(der));
  EXPECT_EQ(VerifyReason(compact, key), Reason::kBadSignature);
  EXPECT_FALSE(
      Es256Verify(key, v["signing_input_ascii"].get<std::string>(), der));
}

TEST(Rfc7515A3, PrivateKeyFromScalarMatchesAndSigns) {
  nlohmann::json v = ReadJsonFixture("vectors/jws_es256_rfc7515_a3.json");
  StatusOr<P256PrivateKey> key =
      P256PrivateKey::FromScalar(Hex(v["key_hex"]["d"].get<std::string>()));
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->public_jwk(), MustJwk(v["jwk_public"]));
  StatusOr<std::string> sig = key->Sign("message");
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig->size(), 64u);
  EXPECT_TRUE(Es256Verify(key->public_jwk(), "message", *sig));
  EXPECT_FALSE(Es256Verify(key->public_jwk(), "messagf", *sig));
}

TEST(Rfc8037, EdDsaVectorVerifies) {
  nlohmann::json v =
      ReadJsonFixture("vectors/jws_eddsa_rfc8037_appendix_a.json");
  PublicJwk key = MustJwk(v["A2_jwk_public"]);
  EXPECT_EQ(key.type, KeyType::kEd25519);
  EXPECT_EQ(VerifyReason(v["A4_jws_compact"].get<std::string>(), key),
            std::nullopt);
  // RFC 9864 "Ed25519" alg name, same key.
  EXPECT_EQ(
      VerifyReason(
          v["derived_not_in_rfc8037"]["jws_compact"].get<std::string>(), key),
      std::nullopt);
}

TEST(Rfc8037, NegativeCasesFail) {
  nlohmann::json v =
      ReadJsonFixture("vectors/jws_eddsa_rfc8037_appendix_a.json");
  PublicJwk key = MustJwk(v["A2_jwk_public"]);
  EXPECT_EQ(VerifyReason(
                v["negative_cases"][1]["jws_compact"].get<std::string>(), key),
            Reason::kBadSignature);
  std::string bad_sig = crypto::Base64UrlEncode(
      Hex(v["negative_cases"][0]["signature_hex"].get<std::string>()));
  EXPECT_EQ(
      VerifyReason(absl::StrCat(v["A4_signing_input_ascii"].get<std::string>(),
                                ".", bad_sig),
                   key),
      Reason::kBadSignature);
}

TEST(Rfc8037, PrivateJwkIsRefusedAsPublicKey) {
  nlohmann::json v =
      ReadJsonFixture("vectors/jws_eddsa_rfc8037_appendix_a.json");
  StatusOr<PublicJwk> key = ParsePublicJwk(v["A1_jwk_private"]);
  EXPECT_EQ(ReasonOf(key.status()), Reason::kMalformed);
  EXPECT_THAT(key.status().message(), HasSubstr("'d'"));
}

std::string Unsigned(const nlohmann::json& header, const std::string& payload) {
  return absl::StrCat(crypto::Base64UrlEncode(header.dump()), ".",
                      crypto::Base64UrlEncode(payload));
}

TEST(AlgorithmConfusion, AlgNoneIsRefused) {
  nlohmann::json v = ReadJsonFixture("vectors/jws_es256_rfc7515_a3.json");
  PublicJwk key = MustJwk(v["jwk_public"]);
  for (const char* alg : {"none", "None", "NONE"}) {
    std::string compact =
        Unsigned({{"alg", alg}}, v["payload_utf8"].get<std::string>()) + ".";
    EXPECT_EQ(VerifyReason(compact, key), Reason::kAlgorithmRefused) << alg;
  }
}

TEST(AlgorithmConfusion, HmacWithThePublicKeyIsRefused) {
  nlohmann::json v =
      ReadJsonFixture("vectors/jws_eddsa_rfc8037_appendix_a.json");
  PublicJwk key = MustJwk(v["A2_jwk_public"]);
  // The attacker MACs with the public key bytes (and its JWK text) as secret.
  for (const std::string& secret : {key.x, v["A2_jwk_public"].dump()}) {
    std::string input = Unsigned({{"alg", "HS256"}}, "{\"iss\":\"evil\"}");
    unsigned char mac[32];
    unsigned int mac_length = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(input.data()), input.size(),
         mac, &mac_length);
    std::string compact = absl::StrCat(
        input, ".",
        crypto::Base64UrlEncode(std::string(reinterpret_cast<char*>(mac), 32)));
    StatusOr<CompactJws> jws = ParseCompactJws(compact);
    ASSERT_TRUE(jws.ok());
    Status status = VerifyJwsSignature(*jws, key);
    EXPECT_EQ(ReasonOf(status), Reason::kAlgorithmRefused);
    EXPECT_THAT(status.message(), HasSubstr("HMAC"));
  }
}

TEST(AlgorithmConfusion, AlgMustMatchTheKey) {
  StatusOr<std::unique_ptr<SigningKey>> p256 =
      SigningKey::Generate(KeyType::kP256, "did:web:a#k");
  StatusOr<std::unique_ptr<SigningKey>> ed =
      SigningKey::Generate(KeyType::kEd25519, "did:web:b#k");
  ASSERT_TRUE(p256.ok() && ed.ok());
  StatusOr<std::string> es256_token = SignCompactJws({}, "{}", **p256);
  ASSERT_TRUE(es256_token.ok());
  // An ES256 token checked against an Ed25519 key: refused, not "bad sig".
  EXPECT_EQ(VerifyReason(*es256_token, (*ed)->public_jwk()),
            Reason::kAlgorithmRefused);
  // RS256 / ES384 headers never verify with our keys.
  for (const char* alg : {"RS256", "ES384", "PS256", "EdDSA"}) {
    std::string compact = Unsigned({{"alg", alg}}, "{}") + ".AAAA";
    EXPECT_EQ(VerifyReason(compact, (*p256)->public_jwk()),
              Reason::kAlgorithmRefused)
        << alg;
  }
}

TEST(SignCompactJws, RoundTripsWithBothKeyTypes) {
  for (KeyType type : {KeyType::kP256, KeyType::kEd25519}) {
    StatusOr<std::unique_ptr<SigningKey>> key =
        SigningKey::Generate(type, "did:web:example.com#key-1");
    ASSERT_TRUE(key.ok());
    StatusOr<std::string> token = SignCompactJws(
        {{"typ", "JWT"}}, "{\"iss\":\"did:web:example.com\"}", **key);
    ASSERT_TRUE(token.ok());
    StatusOr<CompactJws> jws = ParseCompactJws(*token);
    ASSERT_TRUE(jws.ok());
    EXPECT_EQ(jws->alg(), type == KeyType::kP256 ? "ES256" : "EdDSA");
    EXPECT_EQ(jws->kid(), "did:web:example.com#key-1");
    EXPECT_TRUE(VerifyJwsSignature(*jws, (*key)->public_jwk()).ok());
    // A signature byte flipped.
    std::string forged = *token;
    forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
    EXPECT_EQ(VerifyReason(forged, (*key)->public_jwk()),
              Reason::kBadSignature);
    // PEM round trip keeps the key.
    StatusOr<std::string> pem = (*key)->ToPem();
    ASSERT_TRUE(pem.ok());
    StatusOr<std::unique_ptr<SigningKey>> reloaded =
        SigningKey::FromPem(*pem, "k");
    ASSERT_TRUE(reloaded.ok()) << reloaded.status();
    EXPECT_EQ((*reloaded)->public_jwk(), (*key)->public_jwk());
  }
}

TEST(ParseCompactJws, RejectsMalformedInput) {
  for (const char* text :
       {"", "a.b", "a.b.c.d", "!!!.e30.", "e30.e30.", "W10.e30.AA"}) {
    StatusOr<CompactJws> jws = ParseCompactJws(text);
    EXPECT_EQ(ReasonOf(jws.status()), Reason::kMalformed) << text;
  }
  std::string crit =
      Unsigned({{"alg", "ES256"}, {"crit", {"exp"}}}, "{}") + ".AAAA";
  EXPECT_EQ(ReasonOf(ParseCompactJws(crit).status()), Reason::kMalformed);
}

TEST(ParsePublicJwk, ChecksCurvePointsAndLengths) {
  nlohmann::json v = ReadJsonFixture("vectors/jws_es256_rfc7515_a3.json");
  nlohmann::json off_curve = v["jwk_public"];
  off_curve["y"] = v["jwk_public"]["x"];
  EXPECT_EQ(ReasonOf(ParsePublicJwk(off_curve).status()), Reason::kMalformed);
  nlohmann::json short_x = v["jwk_public"];
  short_x["x"] = "AAAA";
  EXPECT_EQ(ReasonOf(ParsePublicJwk(short_x).status()), Reason::kMalformed);
  EXPECT_EQ(
      ReasonOf(
          ParsePublicJwk({{"kty", "RSA"}, {"n", "x"}, {"e", "AQAB"}}).status()),
      Reason::kUnsupportedKey);
  EXPECT_EQ(ReasonOf(ParsePublicJwk({{"kty", "OKP"},
                                     {"crv", "X25519"},
                                     {"x", v["jwk_public"]["x"]}})
                         .status()),
            Reason::kUnsupportedKey);
}

TEST(PublicJwkFromSpkiPem, ReadsTheMvdPemKeys) {
  StatusOr<PublicJwk> consumer = PublicJwkFromSpkiPem(
      testing::ReadFixture("edc/vc/consumer_public.mvd.pem"));
  ASSERT_TRUE(consumer.ok()) << consumer.status();
  nlohmann::json jwk =
      testing::ReadJsonFixture("edc/vc/consumer-key.mvd.jwk.json");
  jwk.erase("kid");
  EXPECT_EQ(*consumer, MustJwk(jwk));
  StatusOr<PublicJwk> issuer = PublicJwkFromSpkiPem(
      testing::ReadFixture("edc/vc/issuer_public.mvd.pem"));
  ASSERT_TRUE(issuer.ok()) << issuer.status();
  nlohmann::json issuer_jwk =
      testing::ReadJsonFixture("edc/vc/issuer-key.mvd.jwk.json");
  issuer_jwk.erase("kid");
  EXPECT_EQ(*issuer, MustJwk(issuer_jwk));
}

}  // namespace
}  // namespace dsfl::identity
