// VP/VC verification: the real MVD presentation at its fixed timestamps,
// then one test per refusal reason with tokens signed here by fresh keys.
#include "connector-adapters/identity/presentation_verifier.h"

#include <openssl/hmac.h>

#include "absl/strings/str_cat.h"
#include "common/crypto/base64url.h"
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
using testing::FakeFetcher;
using ::testing::HasSubstr;
using testing::kConsumerDid;
using testing::kIssuerDid;
using testing::kProviderDid;
using testing::ReadFixture;
using testing::ReadJwtFixture;
using testing::Unix;

constexpr int64_t kVpValidAt = 1767225610;

PresentationPolicy MvdPolicy() {
  PresentationPolicy policy;
  policy.trusted_issuers = {{kIssuerDid, {"MembershipCredential"}}};
  policy.required_types = {"MembershipCredential"};
  policy.audience = kProviderDid;
  policy.expected_holder = kConsumerDid;
  return policy;
}

class MvdPresentation : public ::testing::Test {
 protected:
  StatusOr<VerifiedPresentation> Verify(int64_t at,
                                        const PresentationPolicy& policy) {
    clock_.Set(Unix(at));
    PresentationVerifier verifier(&resolver_, nullptr, &clock_);
    return verifier.VerifyPresentation(vp_, policy);
  }
  StaticDidResolver resolver_ = testing::MvdResolver();
  FakeClock clock_{Unix(kVpValidAt)};
  std::string vp_ = ReadJwtFixture("edc/vc/vp.consumer.jwt");
};

TEST_F(MvdPresentation, VerifiesAtItsFixedTime) {
  StatusOr<VerifiedPresentation> vp = Verify(kVpValidAt, MvdPolicy());
  ASSERT_TRUE(vp.ok()) << vp.status();
  EXPECT_EQ(vp->holder, kConsumerDid);
  EXPECT_THAT(vp->audiences, ElementsAre(kProviderDid));
  EXPECT_EQ(vp->expires, Unix(1767225662));
  ASSERT_EQ(vp->credentials.size(), 1u);
  const VerifiedCredential& vc = vp->credentials[0];
  EXPECT_EQ(vc.id, "http://org.yourdataspace.com/credentials/2347");
  EXPECT_EQ(vc.issuer, kIssuerDid);
  EXPECT_THAT(vc.types,
              ElementsAre("VerifiableCredential", "MembershipCredential"));
  EXPECT_EQ(vc.subject_id, kConsumerDid);
  EXPECT_EQ(vc.valid_from, Unix(1692316800));  // issuanceDate 2023-08-18
  EXPECT_EQ(vc.valid_until, std::nullopt);
  nlohmann::json json = vp->ToJson();
  EXPECT_EQ(json["holder"], kConsumerDid);
  EXPECT_EQ(json["issuers"], nlohmann::json({kIssuerDid}));
}

TEST_F(MvdPresentation, TheWrappedRealVcVerifiesOnItsOwn) {
  PresentationVerifier verifier(&resolver_, nullptr, &clock_);
  StatusOr<VerifiedCredential> vc =
      verifier.VerifyCredential(ReadJwtFixture("edc/vc/membership-vc.mvd.jwt"),
                                kConsumerDid, MvdPolicy());
  ASSERT_TRUE(vc.ok()) << vc.status();
  EXPECT_EQ(vc->issuer, kIssuerDid);
}

TEST_F(MvdPresentation, Expired) {
  Status status = Verify(1767300000, MvdPolicy()).status();
  EXPECT_EQ(ReasonOf(status), Reason::kExpired);
  EXPECT_THAT(status.message(),
              HasSubstr("VP expired at 2026-01-01T00:01:02Z"));
}

TEST_F(MvdPresentation, NotYetValid) {
  EXPECT_EQ(ReasonOf(Verify(1767225500, MvdPolicy()).status()),
            Reason::kNotYetValid);
}

TEST_F(MvdPresentation, WrongAudience) {
  PresentationPolicy policy = MvdPolicy();
  policy.audience = "did:web:someone-else.example";
  EXPECT_EQ(ReasonOf(Verify(kVpValidAt, policy).status()),
            Reason::kWrongAudience);
}

TEST_F(MvdPresentation, UntrustedIssuer) {
  PresentationPolicy policy = MvdPolicy();
  policy.trusted_issuers = {{"did:web:other-authority.example", {}}};
  Status status = Verify(kVpValidAt, policy).status();
  EXPECT_EQ(ReasonOf(status), Reason::kUntrustedIssuer);
  EXPECT_THAT(status.message(),
              HasSubstr("VP vc[0]: issuer did:web:localhost%3A9876"));
  // Trusted, but only for another credential type.
  policy.trusted_issuers = {{kIssuerDid, {"DataProcessorCredential"}}};
  EXPECT_EQ(ReasonOf(Verify(kVpValidAt, policy).status()),
            Reason::kUntrustedIssuer);
  policy.trusted_issuers = {{kIssuerDid, {"*"}}};
  EXPECT_TRUE(Verify(kVpValidAt, policy).ok());
}

TEST_F(MvdPresentation, AnotherParticipant) {
  PresentationPolicy policy = MvdPolicy();
  policy.expected_holder = kProviderDid;
  EXPECT_EQ(ReasonOf(Verify(kVpValidAt, policy).status()),
            Reason::kParticipantMismatch);
}

TEST_F(MvdPresentation, MissingRequiredCredential) {
  PresentationPolicy policy = MvdPolicy();
  policy.required_types.push_back("FederatedModelCreatorCredential");
  Status status = Verify(kVpValidAt, policy).status();
  EXPECT_EQ(ReasonOf(status), Reason::kMissingCredential);
  EXPECT_THAT(status.message(), HasSubstr("FederatedModelCreatorCredential"));
}

TEST_F(MvdPresentation, UnknownDids) {
  resolver_ = StaticDidResolver();
  EXPECT_EQ(ReasonOf(Verify(kVpValidAt, MvdPolicy()).status()),
            Reason::kUnknownDid);
  // Holder known, issuer not.
  resolver_.Add(*DidDocument::Parse(testing::ReadJsonFixture(
      "edc/did/did-document.participant-consumer.json")));
  Status status = Verify(kVpValidAt, MvdPolicy()).status();
  EXPECT_EQ(ReasonOf(status), Reason::kUnknownDid);
  EXPECT_THAT(status.message(), HasSubstr("vc[0]"));
}

TEST_F(MvdPresentation, DidDocumentWithAnotherId) {
  FakeFetcher fetcher;
  fetcher.Answer("https://localhost:7083/.well-known/did.json", 200,
                 ReadFixture("edc/did/did-document.participant-consumer.json"));
  // The issuer's URL serves the consumer's document.
  fetcher.Answer("https://localhost:9876/.well-known/did.json", 200,
                 ReadFixture("edc/did/did-document.participant-consumer.json"));
  DidWebResolver resolver(&fetcher, {});
  PresentationVerifier verifier(&resolver, nullptr, &clock_);
  Status status = verifier.VerifyPresentation(vp_, MvdPolicy()).status();
  EXPECT_EQ(ReasonOf(status), Reason::kDidDocumentIdMismatch);
}

TEST_F(MvdPresentation, KeyRelationshipChecksAreSwitchable) {
  PresentationPolicy policy = MvdPolicy();
  policy.require_authentication_relationship = true;  // IdentityHub: [].
  EXPECT_EQ(ReasonOf(Verify(kVpValidAt, policy).status()),
            Reason::kKeyRelationship);
  policy = MvdPolicy();
  policy.require_assertion_method_relationship = true;
  EXPECT_EQ(ReasonOf(Verify(kVpValidAt, policy).status()),
            Reason::kKeyRelationship);
}

TEST_F(MvdPresentation, SignedResponseExampleCarriesTheSameVp) {
  nlohmann::json response = testing::ReadJsonFixture(
      "edc/dcp/presentation-response.signed-example.json");
  EXPECT_EQ(response["presentation"][0].get<std::string>(), vp_);
}

// ----------------------------------------------------------------------
// Constructed tokens: an issuer (Ed25519), a hospital (P-256), a master.

constexpr char kIssuer[] = "did:web:authority.example";
constexpr char kHospital[] = "did:web:hospital-a.example";
constexpr char kMaster[] = "did:web:master.example";
constexpr char kAttacker[] = "did:web:attacker.example";
constexpr char kListUrl[] = "https://authority.example/status/1";
constexpr int64_t kNow = 1767225600;

std::unique_ptr<SigningKey> MustKey(KeyType type, const std::string& did) {
  StatusOr<std::unique_ptr<SigningKey>> key =
      SigningKey::Generate(type, did + "#key-1");
  EXPECT_TRUE(key.ok());
  return *std::move(key);
}

class ConstructedPresentation : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto* participant : {&issuer_, &hospital_, &attacker_}) {
      resolver_.Add(*DidDocument::Parse(BuildDidDocumentJson(
          participant->did, {participant->key.get()}, {}, true)));
    }
    policy_.trusted_issuers = {{kIssuer, {"MembershipCredential"}}};
    policy_.required_types = {"MembershipCredential"};
    policy_.audience = kMaster;
    policy_.expected_holder = kHospital;
  }

  CredentialRequest Membership() const {
    CredentialRequest request;
    request.types = {"MembershipCredential"};
    request.subject_did = kHospital;
    request.issued = Unix(kNow - 3600);
    request.expires = Unix(kNow + 3600);
    return request;
  }

  std::string Vc(const CredentialRequest& request) const {
    StatusOr<std::string> vc =
        IssueCredentialJwt(*issuer_.key, kIssuer, request);
    EXPECT_TRUE(vc.ok());
    return *vc;
  }

  std::string Vp(std::vector<std::string> vcs,
                 const SigningKey* key = nullptr) const {
    PresentationRequest request;
    request.holder_did = kHospital;
    request.audience = kMaster;
    request.credentials = std::move(vcs);
    request.issued = Unix(kNow);
    StatusOr<std::string> vp =
        CreatePresentationJwt(key ? *key : *hospital_.key, request);
    EXPECT_TRUE(vp.ok());
    return *vp;
  }

  Status Verify(const std::string& vp, StatusListSource* lists = nullptr) {
    PresentationVerifier verifier(&resolver_, lists, &clock_);
    return verifier.VerifyPresentation(vp, policy_).status();
  }

  struct Participant {
    std::string did;
    std::unique_ptr<SigningKey> key;
  };
  Participant issuer_{kIssuer, MustKey(KeyType::kEd25519, kIssuer)};
  Participant hospital_{kHospital, MustKey(KeyType::kP256, kHospital)};
  Participant attacker_{kAttacker, MustKey(KeyType::kP256, kAttacker)};
  StaticDidResolver resolver_;
  FakeClock clock_{Unix(kNow + 10)};
  PresentationPolicy policy_;
};

TEST_F(ConstructedPresentation, HappyPath) {
  EXPECT_TRUE(Verify(Vp({Vc(Membership())})).ok());
}

TEST_F(ConstructedPresentation, ForgedSignature) {
  std::string vp = Vp({Vc(Membership())});
  size_t dot = vp.rfind('.');
  vp[dot + 3] = vp[dot + 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(ReasonOf(Verify(vp)), Reason::kBadSignature);
  // A credential whose payload was altered after signing.
  std::string vc = Vc(Membership());
  size_t first = vc.find('.');
  size_t second = vc.find('.', first + 1);
  nlohmann::json claims = nlohmann::json::parse(
      *crypto::Base64UrlDecode(vc.substr(first + 1, second - first - 1)));
  claims["vc"]["credentialSubject"]["role"] = "admin";
  std::string altered =
      absl::StrCat(vc.substr(0, first), ".",
                   crypto::Base64UrlEncode(claims.dump()), vc.substr(second));
  Status status = Verify(Vp({altered}));
  EXPECT_EQ(ReasonOf(status), Reason::kBadSignature);
  EXPECT_THAT(status.message(), HasSubstr("vc[0]"));
}

TEST_F(ConstructedPresentation, WrongKey) {
  // Signed by the attacker, naming the attacker's key, claiming the holder.
  PresentationRequest request;
  request.holder_did = kHospital;
  request.audience = kMaster;
  request.credentials = {Vc(Membership())};
  request.issued = Unix(kNow);
  StatusOr<std::string> vp = CreatePresentationJwt(*attacker_.key, request);
  ASSERT_TRUE(vp.ok());
  EXPECT_EQ(ReasonOf(Verify(*vp)), Reason::kWrongKey);
  // Signed by the attacker but naming the holder's key: the signature fails.
  StatusOr<std::unique_ptr<SigningKey>> impostor =
      SigningKey::Generate(KeyType::kP256, std::string(kHospital) + "#key-1");
  ASSERT_TRUE(impostor.ok());
  EXPECT_EQ(ReasonOf(Verify(Vp({Vc(Membership())}, impostor->get()))),
            Reason::kBadSignature);
  // A key id the holder's document does not have.
  StatusOr<std::unique_ptr<SigningKey>> unknown =
      SigningKey::Generate(KeyType::kP256, std::string(kHospital) + "#key-9");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(ReasonOf(Verify(Vp({Vc(Membership())}, unknown->get()))),
            Reason::kWrongKey);
}

std::string Reencode(const std::string& jwt, const nlohmann::json& header,
                     const std::string& signature) {
  size_t first = jwt.find('.');
  size_t second = jwt.find('.', first + 1);
  return absl::StrCat(crypto::Base64UrlEncode(header.dump()),
                      jwt.substr(first, second - first), ".",
                      crypto::Base64UrlEncode(signature));
}

TEST_F(ConstructedPresentation, AlgNone) {
  std::string vp = Vp({Vc(Membership())});
  std::string unsigned_vp = Reencode(
      vp, {{"alg", "none"}, {"kid", std::string(kHospital) + "#key-1"}}, "");
  EXPECT_EQ(ReasonOf(Verify(unsigned_vp)), Reason::kAlgorithmRefused);
}

TEST_F(ConstructedPresentation, HmacConfusion) {
  std::string vp = Vp({Vc(Membership())});
  nlohmann::json header = {{"alg", "HS256"},
                           {"kid", std::string(kHospital) + "#key-1"}};
  std::string input = Reencode(vp, header, "");
  input.pop_back();  // Drop the trailing '.'.
  const std::string secret = hospital_.key->public_jwk().ToJson().dump();
  unsigned char mac[32];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
       &length);
  std::string forged =
      Reencode(vp, header, std::string(reinterpret_cast<char*>(mac), length));
  Status status = Verify(forged);
  EXPECT_EQ(ReasonOf(status), Reason::kAlgorithmRefused);
  EXPECT_THAT(status.message(), HasSubstr("HMAC"));
}

TEST_F(ConstructedPresentation, ExpiredAndNotYetValidCredentials) {
  CredentialRequest expired = Membership();
  expired.expires = Unix(kNow - 60);
  EXPECT_EQ(ReasonOf(Verify(Vp({Vc(expired)}))), Reason::kExpired);
  CredentialRequest future = Membership();
  future.issued = Unix(kNow + 3600);
  EXPECT_EQ(ReasonOf(Verify(Vp({Vc(future)}))), Reason::kNotYetValid);
  // The VP itself, two minutes later (validity 60 s).
  clock_.Advance(absl::Minutes(2));
  EXPECT_EQ(ReasonOf(Verify(Vp({Vc(Membership())}))), Reason::kExpired);
}

TEST_F(ConstructedPresentation, HolderIsNotTheSubject) {
  CredentialRequest other = Membership();
  other.subject_did = kAttacker;
  Status status = Verify(Vp({Vc(other)}));
  EXPECT_EQ(ReasonOf(status), Reason::kHolderMismatch);
  EXPECT_THAT(status.message(), HasSubstr(kAttacker));
  policy_.check_holder_binding = false;
  EXPECT_TRUE(Verify(Vp({Vc(other)})).ok());
}

TEST_F(ConstructedPresentation, UntrustedIssuerIsRefusedBeforeResolution) {
  // The attacker issues itself a membership; its DID is resolvable.
  StatusOr<std::string> vc = IssueCredentialJwt(*attacker_.key, kAttacker, [&] {
    CredentialRequest r = Membership();
    return r;
  }());
  ASSERT_TRUE(vc.ok());
  EXPECT_EQ(ReasonOf(Verify(Vp({*vc}))), Reason::kUntrustedIssuer);
}

class RevocationTest : public ConstructedPresentation {
 protected:
  std::string VcWithStatus(uint64_t index) const {
    CredentialRequest request = Membership();
    request.status = StatusListEntry{"BitstringStatusListEntry", "revocation",
                                     index, kListUrl};
    return Vc(request);
  }
  void ServeList(const StatusBitstring& bits, const SigningKey& key,
                 const std::string& issuer) {
    StatusListRequest request;
    request.id = kListUrl;
    request.issued = Unix(kNow - 60);
    StatusOr<std::string> list = IssueStatusListJwt(key, issuer, bits, request);
    ASSERT_TRUE(list.ok());
    fetcher_.Answer(kListUrl, 200, *list, "application/vc+jwt");
  }
  FakeFetcher fetcher_;
  HttpStatusListSource lists_{&fetcher_, &resolver_, &clock_, {}};
};

TEST_F(RevocationTest, RevokedCredentialIsRefused) {
  StatusBitstring bits = StatusBitstring::Zeros(131072);
  bits.Set(42, true);
  ServeList(bits, *issuer_.key, kIssuer);
  Status status = Verify(Vp({VcWithStatus(42)}), &lists_);
  EXPECT_EQ(ReasonOf(status), Reason::kRevoked);
  EXPECT_THAT(status.message(), HasSubstr("index 42"));
  EXPECT_TRUE(Verify(Vp({VcWithStatus(43)}), &lists_).ok());
  EXPECT_TRUE(Verify(Vp({VcWithStatus(41)}), &lists_).ok());
}

TEST_F(RevocationTest, UnavailableOrForeignListsAreRefused) {
  // Nothing served.
  EXPECT_EQ(ReasonOf(Verify(Vp({VcWithStatus(1)}), &lists_)),
            Reason::kStatusUnavailable);
  // No source configured at all.
  EXPECT_EQ(ReasonOf(Verify(Vp({VcWithStatus(1)}))),
            Reason::kStatusUnavailable);
  // A list signed by someone else than the credential's issuer.
  ServeList(StatusBitstring::Zeros(131072), *attacker_.key, kAttacker);
  EXPECT_EQ(ReasonOf(Verify(Vp({VcWithStatus(1)}), &lists_)),
            Reason::kStatusUnavailable);
  // A list claiming the issuer but signed with the attacker's key.
  StatusOr<std::unique_ptr<SigningKey>> forged_issuer =
      SigningKey::Generate(KeyType::kEd25519, std::string(kIssuer) + "#key-1");
  ASSERT_TRUE(forged_issuer.ok());
  HttpStatusListSource fresh(&fetcher_, &resolver_, &clock_, {});
  ServeList(StatusBitstring::Zeros(131072), **forged_issuer, kIssuer);
  EXPECT_EQ(ReasonOf(Verify(Vp({VcWithStatus(1)}), &fresh)),
            Reason::kBadSignature);
  // Revocation checks can be switched off.
  policy_.check_revocation = false;
  EXPECT_TRUE(Verify(Vp({VcWithStatus(1)})).ok());
}

TEST_F(RevocationTest, UnsignedJsonListsOnlyByConfiguration) {
  fetcher_.Answer(
      "https://example.com/credentials/status/3", 200,
      ReadFixture("edc/vc/bitstring-status-list-credential.w3c-example.json"));
  StatusOr<StatusListCredential> refused =
      lists_.Fetch("https://example.com/credentials/status/3");
  EXPECT_EQ(ReasonOf(refused.status()), Reason::kStatusUnavailable);
  HttpStatusListSourceOptions options;
  options.allow_unsigned_json = true;
  HttpStatusListSource lenient(&fetcher_, &resolver_, &clock_, options);
  StatusOr<StatusListCredential> list =
      lenient.Fetch("https://example.com/credentials/status/3");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->issuer, "did:example:12345");
  EXPECT_EQ(list->bits.size_bits(), 131072u);
}

}  // namespace
}  // namespace dsfl::identity
