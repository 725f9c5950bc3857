// did:web URL rules (the fixture vectors), DID documents (every fixture
// document, relative ids, null fields, unsupported keys) and resolution
// with the document-id check.
#include "connector-adapters/identity/did_document.h"
#include "connector-adapters/identity/did_resolver.h"
#include "connector-adapters/identity/did_web.h"
#include "connector-adapters/identity/refusal.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/identity/test_util.h"

namespace dsfl::identity {
namespace {

using ::testing::ElementsAre;
using testing::FakeFetcher;
using ::testing::HasSubstr;
using testing::ReadFixture;
using testing::ReadJsonFixture;

TEST(DidWebToUrl, FixtureVectors) {
  nlohmann::json vectors = ReadJsonFixture("edc/did/did-web-url-vectors.json");
  ASSERT_EQ(vectors["valid"].size(), 9u);
  for (const auto& v : vectors["valid"]) {
    const bool http = v.value("scheme", "https") == "http";
    StatusOr<std::string> url = DidWebToUrl(v["did"].get<std::string>(), http);
    ASSERT_TRUE(url.ok()) << v["did"] << ": " << url.status();
    EXPECT_EQ(*url, v["url"].get<std::string>()) << v["did"];
  }
  ASSERT_EQ(vectors["invalid"].size(), 3u);
  for (const auto& v : vectors["invalid"]) {
    StatusOr<std::string> url = DidWebToUrl(v["did"].get<std::string>());
    EXPECT_EQ(ReasonOf(url.status()), Reason::kInvalidDid) << v["did"];
  }
  for (const auto& v : vectors["did_url_split"]) {
    StatusOr<DidUrl> split = SplitDidUrl(v["did_url"].get<std::string>());
    ASSERT_TRUE(split.ok());
    EXPECT_EQ(split->did, v["did"].get<std::string>());
    EXPECT_EQ(split->fragment, v["fragment"].get<std::string>());
  }
}

TEST(DidWebToUrl, MoreInvalidIdentifiers) {
  for (const char* did :
       {"did:web:", "did:web:example.com::alice", "did:web:[::1]",
        "did:web:example.com%3A0", "did:web:example.com%3A70000",
        "did:web:example.com%3Axyz", "did:web:exa mple.com",
        "did:web:example.com:..", "did:web:example.com:a%2Fb",
        "did:web:example.com#key-1", "did:web:example.com%3", "did:key:z6Mk"}) {
    EXPECT_EQ(ReasonOf(DidWebToUrl(did).status()), Reason::kInvalidDid) << did;
  }
}

TEST(DidWebToUrl, MakeDidWebRoundTrips) {
  std::string did =
      MakeDidWeb("localhost", 8443, {"participants", "hospital-a"});
  EXPECT_EQ(did, "did:web:localhost%3A8443:participants:hospital-a");
  StatusOr<std::string> url = DidWebToUrl(did);
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(*url, "https://localhost:8443/participants/hospital-a/did.json");
}

StatusOr<DidDocument> ParseFixture(const std::string& name) {
  return DidDocument::Parse(ReadJsonFixture("edc/did/" + name));
}

TEST(DidDocument, MvdIssuerWithNullMultibaseAndRelativeAuthentication) {
  StatusOr<DidDocument> doc = ParseFixture("did-document.mvd-issuer.json");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->id(), "did:web:localhost%3A9876");
  ASSERT_EQ(doc->methods().size(), 1u);
  const VerificationMethod& method = doc->methods()[0];
  EXPECT_EQ(method.id, "did:web:localhost%3A9876#key-1");
  EXPECT_EQ(method.type, "JsonWebKey2020");
  ASSERT_TRUE(method.key.has_value());
  EXPECT_EQ(method.key->type, KeyType::kEd25519);
  // "authentication": ["key-1"] resolves against the document id.
  EXPECT_TRUE(doc->HasRelationship(Relationship::kAuthentication,
                                   "did:web:localhost%3A9876#key-1"));
  EXPECT_FALSE(doc->HasRelationship(Relationship::kAssertionMethod,
                                    "did:web:localhost%3A9876#key-1"));
  EXPECT_TRUE(doc->services().empty());
  StatusOr<const VerificationMethod*> by_full =
      doc->FindMethod("did:web:localhost%3A9876#key-1");
  StatusOr<const VerificationMethod*> by_fragment = doc->FindMethod("key-1");
  StatusOr<const VerificationMethod*> by_hash = doc->FindMethod("#key-1");
  StatusOr<const VerificationMethod*> no_kid = doc->FindMethod("");
  ASSERT_TRUE(by_full.ok() && by_fragment.ok() && by_hash.ok() && no_kid.ok());
  EXPECT_EQ(*by_full, &method);
  EXPECT_EQ(*by_fragment, &method);
  EXPECT_EQ(*by_hash, &method);
  EXPECT_EQ(*no_kid, &method);
  EXPECT_EQ(ReasonOf(doc->FindMethod("key-2").status()), Reason::kWrongKey);
  EXPECT_EQ(ReasonOf(doc->FindMethod("did:web:other#key-1").status()),
            Reason::kWrongKey);
}

TEST(DidDocument, ParticipantConsumerWithServicesAndEmptyAuthentication) {
  StatusOr<DidDocument> doc =
      ParseFixture("did-document.participant-consumer.json");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->id(), "did:web:localhost%3A7083");
  ASSERT_EQ(doc->methods().size(), 1u);
  ASSERT_TRUE(doc->methods()[0].key.has_value());
  EXPECT_EQ(doc->methods()[0].key->type, KeyType::kP256);
  EXPECT_FALSE(doc->HasRelationship(Relationship::kAuthentication,
                                    "did:web:localhost%3A7083#key-1"));
  ASSERT_EQ(doc->services().size(), 2u);
  EXPECT_EQ(doc->services()[0].id,
            "did:web:localhost%3A7083#consumer-credentialservice-1");
  EXPECT_EQ(doc->ServiceEndpoint("CredentialService"),
            "http://localhost:7081/api/credentials/v1/participants/"
            "ZGlkOndlYjpsb2NhbGhvc3QlM0E3MDgz");
  EXPECT_EQ(doc->ServiceEndpoint("ProtocolEndpoint"),
            "http://localhost:8082/api/dsp");
  EXPECT_EQ(doc->ServiceEndpoint("IssuerService"), std::nullopt);
}

TEST(DidDocument, SpecExampleWithThreeKeyTypes) {
  StatusOr<DidDocument> doc =
      ParseFixture("did-document.didweb-spec-example1.json");
  ASSERT_TRUE(doc.ok()) << doc.status();
  ASSERT_EQ(doc->methods().size(), 3u);
  EXPECT_EQ(doc->methods()[0].key->type, KeyType::kEd25519);
  // X25519 is a key-agreement key: kept, but not usable for signatures.
  EXPECT_FALSE(doc->methods()[1].key.has_value());
  EXPECT_EQ(ReasonOf(doc->methods()[1].key_error), Reason::kUnsupportedKey);
  EXPECT_EQ(ReasonOf(doc->FindMethod("did:web:example.com#key-1").status()),
            Reason::kUnsupportedKey);
  EXPECT_EQ(doc->methods()[2].key->type, KeyType::kP256);
  EXPECT_TRUE(doc->HasRelationship(Relationship::kAssertionMethod,
                                   "did:web:example.com#key-2"));
  EXPECT_TRUE(doc->HasRelationship(Relationship::kKeyAgreement,
                                   "did:web:example.com#key-1"));
  // Three methods and no kid: ambiguous.
  EXPECT_EQ(ReasonOf(doc->FindMethod("").status()), Reason::kWrongKey);
}

TEST(DidDocument, SpecExampleWithoutJwk) {
  StatusOr<DidDocument> doc =
      ParseFixture("did-document.didweb-spec-example2.json");
  ASSERT_TRUE(doc.ok()) << doc.status();
  ASSERT_EQ(doc->methods().size(), 1u);
  EXPECT_EQ(doc->methods()[0].type, "EcdsaSecp256k1RecoveryMethod2020");
  EXPECT_EQ(ReasonOf(doc->FindMethod("#address-0").status()),
            Reason::kUnsupportedKey);
}

TEST(DidDocument, EdcTestDocumentWithFragmentRelativeIds) {
  StatusOr<DidDocument> doc =
      ParseFixture("did-document.edc-did-web-test.json");
  ASSERT_TRUE(doc.ok()) << doc.status();
  const std::string id =
      "did:web:github.com:Metaform:web-did-samples:edc:"
      "EiDfkaPHt8Yojnh15O7egrj5pA9tTefh_SYtbhF1-XyAeA";
  EXPECT_EQ(doc->id(), id);
  EXPECT_EQ(doc->methods()[0].id, id + "#my-key-1");
  EXPECT_EQ(doc->methods()[0].controller, "");
  EXPECT_TRUE(
      doc->HasRelationship(Relationship::kAuthentication, id + "#my-key-1"));
  EXPECT_EQ(doc->services()[0].id, id + "#myservice-1");
  EXPECT_EQ(doc->ServiceEndpoint("LinkedDomains"),
            "https://this.goes.nowhere/myservice-1");
  // secp256k1 is not an ES256 curve.
  EXPECT_EQ(ReasonOf(doc->methods()[0].key_error), Reason::kUnsupportedKey);
}

TEST(DidDocument, EmbeddedMethodsNullsAndErrors) {
  nlohmann::json json = {
      {"id", "did:web:example.com"},
      {"verificationMethod", nullptr},
      {"assertionMethod", nullptr},
      {"service", nullptr},
      {"authentication",
       {{{"id", "#embedded"},
         {"type", "JsonWebKey2020"},
         {"publicKeyJwk",
          ReadJsonFixture(
              "vectors/jws_eddsa_rfc8037_appendix_a.json")["A2_jwk_public"]}}}},
      {"unknownMember", {{"x", 1}}}};
  StatusOr<DidDocument> doc = DidDocument::Parse(json);
  ASSERT_TRUE(doc.ok()) << doc.status();
  ASSERT_EQ(doc->methods().size(), 1u);
  EXPECT_EQ(doc->methods()[0].id, "did:web:example.com#embedded");
  EXPECT_TRUE(doc->HasRelationship(Relationship::kAuthentication,
                                   "did:web:example.com#embedded"));
  EXPECT_EQ(ReasonOf(DidDocument::Parse({{"verificationMethod", {}}}).status()),
            Reason::kMalformed);
  EXPECT_EQ(ReasonOf(DidDocument::Parse(
                         {{"id", "did:web:x"}, {"verificationMethod", "x"}})
                         .status()),
            Reason::kMalformed);
  EXPECT_EQ(ReasonOf(DidDocument::ParseText("{not json", "test").status()),
            Reason::kMalformed);
}

TEST(DidWebResolver, FetchesTheSpecUrlAndChecksTheId) {
  FakeFetcher fetcher;
  fetcher.Answer("https://localhost:9876/.well-known/did.json", 200,
                 ReadFixture("edc/did/did-document.mvd-issuer.json"));
  DidWebResolver resolver(&fetcher, {});
  StatusOr<DidDocument> doc = resolver.Resolve("did:web:localhost%3A9876");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->id(), "did:web:localhost%3A9876");
  ASSERT_EQ(fetcher.requests().size(), 1u);
  EXPECT_EQ(fetcher.requests()[0].method, "GET");
}

TEST(DidWebResolver, UsesHttpOnlyWhenAllowed) {
  FakeFetcher fetcher;
  fetcher.Answer("http://localhost:7083/.well-known/did.json", 200,
                 ReadFixture("edc/did/did-document.participant-consumer.json"));
  DidWebResolver strict(&fetcher, {});
  EXPECT_EQ(ReasonOf(strict.Resolve("did:web:localhost%3A7083").status()),
            Reason::kUnknownDid);
  EXPECT_EQ(fetcher.requests().back().url,
            "https://localhost:7083/.well-known/did.json");
  DidWebResolver lenient(&fetcher, {/*allow_http=*/true});
  EXPECT_TRUE(lenient.Resolve("did:web:localhost%3A7083").ok());
}

TEST(DidWebResolver, RefusesADocumentWithAnotherId) {
  FakeFetcher fetcher;
  // The issuer's document served at the consumer's URL.
  fetcher.Answer("https://localhost:7083/.well-known/did.json", 200,
                 ReadFixture("edc/did/did-document.mvd-issuer.json"));
  DidWebResolver resolver(&fetcher, {});
  Status status = resolver.Resolve("did:web:localhost%3A7083").status();
  EXPECT_EQ(ReasonOf(status), Reason::kDidDocumentIdMismatch);
  EXPECT_THAT(status.message(), HasSubstr("did:web:localhost%3A9876"));
}

TEST(DidWebResolver, UnknownDids) {
  FakeFetcher fetcher;
  fetcher.Answer("https://example.com/users/bob/did.json", 404, "");
  fetcher.Answer("https://example.com/users/eve/did.json", 200, "<html>");
  DidWebResolver resolver(&fetcher, {});
  Status not_found = resolver.Resolve("did:web:example.com:users:bob").status();
  EXPECT_EQ(ReasonOf(not_found), Reason::kUnknownDid);
  EXPECT_THAT(not_found.message(), HasSubstr("HTTP 404"));
  EXPECT_EQ(ReasonOf(resolver.Resolve("did:web:unreachable.example").status()),
            Reason::kUnknownDid);
  EXPECT_EQ(
      ReasonOf(resolver.Resolve("did:web:example.com:users:eve").status()),
      Reason::kMalformed);
  EXPECT_EQ(ReasonOf(resolver.Resolve("did:web:10.0.0.1").status()),
            Reason::kInvalidDid);
}

TEST(StaticDidResolver, ResolvesOnlyWhatItWasGiven) {
  StaticDidResolver resolver = testing::MvdResolver();
  EXPECT_TRUE(resolver.Resolve(testing::kConsumerDid).ok());
  EXPECT_TRUE(resolver.Resolve(testing::kIssuerDid).ok());
  EXPECT_EQ(ReasonOf(resolver.Resolve(testing::kProviderDid).status()),
            Reason::kUnknownDid);
}

}  // namespace
}  // namespace dsfl::identity
