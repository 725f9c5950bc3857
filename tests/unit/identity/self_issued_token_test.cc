// DCP self-issued ID tokens: the signed fixture (consumer -> provider) and
// its access token at their fixed times, round trips, and refusals.
#include "connector-adapters/identity/self_issued_token.h"

#include "connector-adapters/identity/credential_issuer.h"
#include "connector-adapters/identity/jws.h"
#include "connector-adapters/identity/refusal.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/identity/test_util.h"

namespace dsfl::identity {
namespace {

using ::testing::ElementsAre;
using testing::FakeClock;
using testing::kConsumerDid;
using testing::kProviderDid;
using testing::ReadJsonFixture;
using testing::ReadJwtFixture;
using testing::Unix;

TEST(SelfIssuedTokenFixture, VerifiesAtItsFixedTime) {
  StaticDidResolver resolver = testing::MvdResolver();
  FakeClock clock(Unix(1767225700));
  SelfIssuedTokenPolicy policy;
  policy.own_did = kProviderDid;
  policy.require_access_token = true;
  JtiCache jtis;
  policy.jti_cache = &jtis;
  const std::string jwt =
      ReadJwtFixture("edc/dcp/self-issued-id-token.consumer-to-provider.jwt");
  StatusOr<VerifiedSelfIssuedToken> token =
      VerifySelfIssuedToken(jwt, resolver, clock, policy);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->issuer, kConsumerDid);
  EXPECT_EQ(token->jti, "2f5c7a0e-6b8d-4b8e-8f7a-4b1e9d6c3a21");
  nlohmann::json decoded = ReadJsonFixture(
      "edc/dcp/self-issued-id-token.consumer-to-provider.decoded.json");
  EXPECT_EQ(token->claims, decoded["payload"]);
  // The same token again is a replay.
  EXPECT_EQ(
      ReasonOf(VerifySelfIssuedToken(jwt, resolver, clock, policy).status()),
      Reason::kTokenReplay);
  // The access token inside: signed by the consumer for the provider.
  StatusOr<VerifiedAccessToken> access = VerifyAccessToken(
      token->access_token, kConsumerDid, resolver, clock, absl::Seconds(5));
  ASSERT_TRUE(access.ok()) << access.status();
  EXPECT_EQ(access->verifier, kProviderDid);
  EXPECT_THAT(
      access->scopes,
      ElementsAre("org.eclipse.dspace.dcp.vc.type:MembershipCredential:read"));
  nlohmann::json access_decoded =
      ReadJsonFixture("edc/dcp/access-token.decoded.json");
  EXPECT_EQ(access->holder, access_decoded["payload"]["iss"]);
}

TEST(SelfIssuedTokenFixture, RefusedOutsideItsWindowOrForAnotherVerifier) {
  StaticDidResolver resolver = testing::MvdResolver();
  const std::string jwt =
      ReadJwtFixture("edc/dcp/self-issued-id-token.consumer-to-provider.jwt");
  SelfIssuedTokenPolicy policy;
  policy.own_did = kProviderDid;
  FakeClock late(Unix(1767226000));
  EXPECT_EQ(
      ReasonOf(VerifySelfIssuedToken(jwt, resolver, late, policy).status()),
      Reason::kExpired);
  FakeClock early(Unix(1767225000));
  EXPECT_EQ(
      ReasonOf(VerifySelfIssuedToken(jwt, resolver, early, policy).status()),
      Reason::kNotYetValid);
  FakeClock now(Unix(1767225700));
  policy.own_did = "did:web:someone-else.example";
  EXPECT_EQ(
      ReasonOf(VerifySelfIssuedToken(jwt, resolver, now, policy).status()),
      Reason::kWrongAudience);
  // DCP's capabilityInvocation rule would refuse every IdentityHub token.
  policy.own_did = kProviderDid;
  policy.require_capability_invocation = true;
  EXPECT_EQ(
      ReasonOf(VerifySelfIssuedToken(jwt, resolver, now, policy).status()),
      Reason::kKeyRelationship);
}

TEST(SelfIssuedToken, MasterTokenForACredentialServiceRoundTrips) {
  // The claims shape of the fixture the master must produce.
  nlohmann::json expected = ReadJsonFixture(
      "edc/dcp/"
      "self-issued-id-token.verifier-to-credential-service.claims.json");
  const std::string master = "did:web:master.example";
  StatusOr<std::unique_ptr<SigningKey>> key =
      SigningKey::Generate(KeyType::kP256, master + "#key-1");
  ASSERT_TRUE(key.ok());
  StaticDidResolver resolver;
  resolver.Add(*DidDocument::Parse(
      BuildDidDocumentJson(master, {key->get()}, {}, false)));
  FakeClock clock(Unix(1767225601));
  SelfIssuedTokenRequest request;
  request.own_did = master;
  request.audience = kConsumerDid;
  request.access_token = expected["payload"]["token"].get<std::string>();
  StatusOr<std::string> jwt = CreateSelfIssuedToken(**key, request, clock);
  ASSERT_TRUE(jwt.ok());
  StatusOr<CompactJws> jws = ParseCompactJws(*jwt);
  ASSERT_TRUE(jws.ok());
  EXPECT_EQ(jws->header["typ"], expected["header"]["typ"]);
  EXPECT_EQ(jws->header["alg"], expected["header"]["alg"]);
  nlohmann::json claims = *JwsClaims(*jws);
  for (const char* name : {"iat", "nbf", "exp", "token"}) {
    EXPECT_EQ(claims[name], expected["payload"][name]) << name;
  }
  EXPECT_EQ(claims["iss"], master);
  EXPECT_EQ(claims["sub"], master);
  EXPECT_EQ(claims["aud"], kConsumerDid);
  EXPECT_EQ(claims["jti"].get<std::string>().size(), 36u);
  SelfIssuedTokenPolicy policy;
  policy.own_did = kConsumerDid;
  policy.require_access_token = true;
  StatusOr<VerifiedSelfIssuedToken> verified =
      VerifySelfIssuedToken(*jwt, resolver, clock, policy);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->issuer, master);
  // Without an access token the policy refuses it.
  request.access_token.clear();
  StatusOr<std::string> bare = CreateSelfIssuedToken(**key, request, clock);
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(
      ReasonOf(VerifySelfIssuedToken(*bare, resolver, clock, policy).status()),
      Reason::kMalformed);
}

TEST(RandomUuid, IsVersion4AndUnique) {
  std::string a = RandomUuid();
  std::string b = RandomUuid();
  EXPECT_NE(a, b);
  ASSERT_EQ(a.size(), 36u);
  EXPECT_EQ(a[14], '4');
  EXPECT_TRUE(a[19] == '8' || a[19] == '9' || a[19] == 'a' || a[19] == 'b');
}

}  // namespace
}  // namespace dsfl::identity
