// DCP presentation query: the request the master sends (endpoint from the
// DID document, Bearer self-issued token signed with its own key, query
// body) and the response shapes of the spec, IdentityHub and MVD.
#include "connector-adapters/identity/dcp_client.h"

#include "connector-adapters/identity/credential_issuer.h"
#include "connector-adapters/identity/refusal.h"
#include "connector-adapters/identity/self_issued_token.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/identity/test_util.h"

namespace dsfl::identity {
namespace {

using ::testing::ElementsAre;
using testing::FakeClock;
using testing::FakeFetcher;
using ::testing::HasSubstr;
using testing::kConsumerDid;
using testing::ReadJsonFixture;
using testing::Unix;

TEST(PresentationQuery, BodyMatchesTheSpecShape) {
  nlohmann::json body = BuildPresentationQuery(
      {"org.eclipse.dspace.dcp.vc.type:MembershipCredential:read"});
  nlohmann::json edc =
      ReadJsonFixture("edc/dcp/presentation-query.edc-verifier.json");
  EXPECT_EQ(body["type"], edc["type"]);
  EXPECT_EQ(body["scope"], edc["scope"]);
  EXPECT_EQ(body["@context"][0],
            ReadJsonFixture(
                "edc/dcp/presentation-query.spec-example.json")["@context"][0]);
  EXPECT_EQ(CredentialTypeScope("MembershipCredential"), edc["scope"][0]);
}

TEST(PresentationResponse, ParsesEveryFixtureShape) {
  StatusOr<std::vector<std::string>> spec = ParsePresentationResponse(
      ReadJsonFixture("edc/dcp/presentation-response.spec-example.json"));
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_THAT(*spec, ElementsAre("presentation1", "presentation2"));
  StatusOr<std::vector<std::string>> ih =
      ParsePresentationResponse(ReadJsonFixture(
          "edc/dcp/presentation-response.identityhub-example.json"));
  ASSERT_TRUE(ih.ok()) << ih.status();  // "@type", not "type".
  EXPECT_THAT(*ih, ElementsAre("dsJdh...UMetV"));
  StatusOr<std::vector<std::string>> submission =
      ParsePresentationResponse(ReadJsonFixture(
          "edc/dcp/presentation-response-with-submission.spec-example.json"));
  ASSERT_TRUE(submission.ok());
  EXPECT_THAT(*submission, ElementsAre("jwtPresentation"));
  StatusOr<std::vector<std::string>> signed_vp = ParsePresentationResponse(
      ReadJsonFixture("edc/dcp/presentation-response.signed-example.json"));
  ASSERT_TRUE(signed_vp.ok());
  EXPECT_EQ(signed_vp->at(0),
            testing::ReadJwtFixture("edc/vc/vp.consumer.jwt"));
  // A query is not a response; JSON-LD presentations are not supported.
  EXPECT_FALSE(
      ParsePresentationResponse(
          ReadJsonFixture("edc/dcp/presentation-query.spec-example.json"))
          .ok());
  EXPECT_FALSE(
      ParsePresentationResponse({{"type", "PresentationResponseMessage"},
                                 {"presentation", {{{"@context", "x"}}}}})
          .ok());
}

TEST(PresentationQueryClient, SendsASelfIssuedTokenToTheCredentialService) {
  const std::string master = "did:web:master.example";
  StatusOr<std::unique_ptr<SigningKey>> key =
      SigningKey::Generate(KeyType::kEd25519, master + "#key-1");
  ASSERT_TRUE(key.ok());
  StaticDidResolver resolver = testing::MvdResolver();
  resolver.Add(*DidDocument::Parse(
      BuildDidDocumentJson(master, {key->get()}, {}, false)));
  FakeFetcher fetcher;
  const std::string endpoint =
      "http://localhost:7081/api/credentials/v1/participants/"
      "ZGlkOndlYjpsb2NhbGhvc3QlM0E3MDgz/presentations/query";
  fetcher.Answer(endpoint, 200,
                 testing::ReadFixture(
                     "edc/dcp/presentation-response.signed-example.json"));
  FakeClock clock(Unix(1767225601));
  PresentationQueryClient client(&fetcher, &resolver, key->get(), master,
                                 &clock);
  StatusOr<std::vector<std::string>> vps =
      client.Query(kConsumerDid, {CredentialTypeScope("MembershipCredential")},
                   "access-token");
  ASSERT_TRUE(vps.ok()) << vps.status();
  ASSERT_EQ(vps->size(), 1u);
  ASSERT_EQ(fetcher.requests().size(), 1u);
  const HttpRequest request = fetcher.requests()[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, endpoint);
  nlohmann::json body = nlohmann::json::parse(request.body);
  EXPECT_EQ(body["type"], "PresentationQueryMessage");
  std::string bearer;
  for (const auto& [name, value] : request.headers) {
    if (name == "Authorization") bearer = value;
  }
  ASSERT_EQ(bearer.rfind("Bearer ", 0), 0u);
  // The holder's side can verify the token: signed by the master, for it.
  SelfIssuedTokenPolicy policy;
  policy.own_did = kConsumerDid;
  policy.require_access_token = true;
  StatusOr<VerifiedSelfIssuedToken> token =
      VerifySelfIssuedToken(bearer.substr(7), resolver, clock, policy);
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->issuer, master);
  EXPECT_EQ(token->access_token, "access-token");
}

TEST(PresentationQueryClient, FailuresNameTheHolder) {
  const std::string master = "did:web:master.example";
  StatusOr<std::unique_ptr<SigningKey>> key =
      SigningKey::Generate(KeyType::kP256, master + "#key-1");
  ASSERT_TRUE(key.ok());
  StaticDidResolver resolver = testing::MvdResolver();
  FakeFetcher fetcher;
  FakeClock clock(Unix(1767225601));
  PresentationQueryClient client(&fetcher, &resolver, key->get(), master,
                                 &clock);
  // The issuer's document has no CredentialService.
  Status no_service = client.Query(testing::kIssuerDid, {"x"}, "").status();
  EXPECT_EQ(ReasonOf(no_service), Reason::kUnknownDid);
  EXPECT_THAT(no_service.message(), HasSubstr("CredentialService"));
  EXPECT_EQ(
      ReasonOf(client.Query("did:web:nobody.example", {"x"}, "").status()),
      Reason::kUnknownDid);
  fetcher.Answer(
      "http://localhost:7081/api/credentials/v1/participants/"
      "ZGlkOndlYjpsb2NhbGhvc3QlM0E3MDgz/presentations/query",
      401, "");
  Status refused = client.Query(kConsumerDid, {"x"}, "").status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(refused.message(), HasSubstr(kConsumerDid));
}

}  // namespace
}  // namespace dsfl::identity
