// MasterAdmission (Flow 1 steps 1-3 on the master) against a fake connector,
// fake did:web documents and a fake CredentialService serving tampered
// presentations: every JWT attack the identity tests refuse at the verifier
// is refused here at the admission level, for the node, with its own
// reason, after the negotiation succeeded and before any connection (the
// node is never admitted, so the master's connector never dials it). Also:
// the negotiation's states are kept on the candidate, also when it fails,
// and the observer sees discovery and every candidate, failing closed.
#include "connector-adapters/edc/master_admission.h"

#include <openssl/hmac.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/crypto/base64url.h"
#include "connector-adapters/edc/slave_dataset.h"
#include "connector-adapters/identity/credential_issuer.h"
#include "connector-adapters/identity/did_resolver.h"
#include "connector-adapters/identity/refusal.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/identity/test_util.h"

namespace dsfl::edc {
namespace {

using identity::CredentialRequest;
using identity::KeyType;
using identity::PresentationRequest;
using identity::Reason;
using identity::ReasonOf;
using identity::SigningKey;
using identity::testing::FakeClock;
using identity::testing::FakeFetcher;
using identity::testing::ReadFixture;
using identity::testing::ReadJsonFixture;
using identity::testing::Unix;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The hospital of the constructed DSP 2025-1 catalog fixture.
constexpr char kHospital[] = "did:web:hospital-a.example.org";
constexpr char kHospitalDoc[] =
    "https://hospital-a.example.org/.well-known/did.json";
constexpr char kCredentialService[] = "https://hospital-a.example.org/cs";
constexpr char kIssuer[] = "did:web:authority.example";
constexpr char kIssuerDoc[] = "https://authority.example/.well-known/did.json";
constexpr char kAttacker[] = "did:web:attacker.example";
constexpr char kAttackerDoc[] = "https://attacker.example/.well-known/did.json";
constexpr char kMaster[] = "did:web:master.example";
constexpr char kMgmt[] = "https://master.example/api/management/v3";
constexpr char kNegotiation[] =
    "/contractnegotiations/c003809f-6f9f-4e3a-b718-2dbd8184a903";
constexpr int64_t kNow = 1767225600;

std::unique_ptr<SigningKey> MustKey(KeyType type, const std::string& did) {
  StatusOr<std::unique_ptr<SigningKey>> key =
      SigningKey::Generate(type, did + "#key-1");
  EXPECT_TRUE(key.ok()) << key.status();
  return *std::move(key);
}

nlohmann::json HospitalCatalog() {
  nlohmann::json catalog = ReadJsonFixture(
      "edc/management-api/catalog-response.edc-dsp2025.constructed.json");
  nlohmann::json& dataset = catalog["dataset"][0];
  dataset[DsflIri("slaveEndpoint")] = "hospital-a.example.org:50051";
  dataset[DsflIri("datasetProfile")] =
      "https://w3id.org/dsfl/profiles/lung-survival/v1";
  return nlohmann::json::array({catalog});
}

std::string StateJson(const std::string& state) {
  return absl::StrCat(R"({"@type":"NegotiationState","state":")", state, "\"}");
}

// Re-signs nothing: replaces a JWT's header and signature.
std::string Reencode(const std::string& jwt, const nlohmann::json& header,
                     const std::string& signature) {
  size_t first = jwt.find('.');
  size_t second = jwt.find('.', first + 1);
  return absl::StrCat(crypto::Base64UrlEncode(header.dump()),
                      jwt.substr(first, second - first), ".",
                      crypto::Base64UrlEncode(signature));
}

// Records what the observer sees; fails on demand.
class RecordingObserver final : public AdmissionObserver {
 public:
  Status OnDiscovered(const SlaveDiscovery& discovery) override {
    discovered += static_cast<int>(discovery.slaves.size());
    return fail_discovery ? absl::InternalError("audit log: disk full")
                          : absl::OkStatus();
  }
  Status OnCandidate(const CandidateNode& node) override {
    candidates.push_back(node);
    return absl::OkStatus();
  }
  int discovered = 0;
  bool fail_discovery = false;
  std::vector<CandidateNode> candidates;
};

class MasterAdmissionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fetcher_.Answer(absl::StrCat(kMgmt, "/catalogs/request?flatten=false"), 200,
                    HospitalCatalog().dump());
    fetcher_.Answer(
        absl::StrCat(kMgmt, "/contractnegotiations"), 200,
        ReadFixture(
            "edc/management-api/negotiation-initiate-response.sedimark.json"));
    fetcher_.Answer(absl::StrCat(kMgmt, kNegotiation, "/state"), 200,
                    StateJson("FINALIZED"));
    fetcher_.Answer(
        absl::StrCat(kMgmt, kNegotiation, "/agreement"), 200,
        ReadFixture(
            "edc/management-api/contract-agreement.openapi-example.json"));
    fetcher_.Answer(
        absl::StrCat(kMgmt, kNegotiation), 200,
        ReadFixture("edc/management-api/"
                    "negotiation-state-terminated.constructed.json"));
    ServeDocument(
        kHospitalDoc, kHospital, hospital_.get(),
        {{"#credentialservice", "CredentialService", kCredentialService}});
    ServeDocument(kIssuerDoc, kIssuer, issuer_.get(), {});
    ServeDocument(kAttackerDoc, kAttacker, attacker_.get(), {});
    ManagementApiConfig config;
    config.management_url = "https://master.example/api/management";
    connector_ = *ManagementApiClient::Create(config, &fetcher_);
  }

  void ServeDocument(const std::string& url, const std::string& did,
                     const SigningKey* key,
                     std::vector<identity::DidService> services) {
    fetcher_.Answer(
        url, 200,
        identity::BuildDidDocumentJson(did, {key}, services, true).dump());
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
        identity::IssueCredentialJwt(*issuer_, kIssuer, request);
    EXPECT_TRUE(vc.ok()) << vc.status();
    return vc.ok() ? *vc : "";
  }

  std::string Vp(std::vector<std::string> vcs, const SigningKey* key = nullptr,
                 const std::string& audience = kMaster) const {
    PresentationRequest request;
    request.holder_did = kHospital;
    request.audience = audience;
    request.credentials = std::move(vcs);
    request.issued = Unix(kNow);
    StatusOr<std::string> vp =
        identity::CreatePresentationJwt(key ? *key : *hospital_, request);
    EXPECT_TRUE(vp.ok()) << vp.status();
    return vp.ok() ? *vp : "";
  }

  // The hospital's CredentialService answers with `vp`.
  void Present(const std::string& vp) {
    fetcher_.Answer(absl::StrCat(kCredentialService, "/presentations/query"),
                    200,
                    nlohmann::json{{"@context", {identity::kDcpContext}},
                                   {"type", "PresentationResponseMessage"},
                                   {"presentation", {vp}}}
                        .dump());
  }

  StatusOr<AdmissionReport> Run(AdmissionObserver* observer = nullptr,
                                Sleeper* sleeper = nullptr) {
    identity::DidWebResolver resolver(&fetcher_, {});
    identity::PresentationVerifier verifier(&resolver, nullptr, &clock_);
    identity::PresentationQueryClient dcp(&fetcher_, &resolver, master_.get(),
                                          kMaster, &clock_);
    MasterAdmission admission(connector_.get(), &dcp, &verifier, &clock_,
                              sleeper != nullptr ? sleeper : &sleeper_);
    MasterAdmissionOptions options = options_;
    options.master_did = kMaster;
    options.trusted_issuers = {{kIssuer, {"MembershipCredential"}}};
    options.required_types = {"MembershipCredential"};
    options.negotiation.timeout = absl::Seconds(5);
    return admission.Run(options, observer);
  }

  // The single candidate's refusal after a successful negotiation.
  Status RefusalOf(const std::string& vp) {
    Present(vp);
    StatusOr<AdmissionReport> report = Run();
    EXPECT_TRUE(report.ok()) << report.status();
    if (!report.ok() || report->nodes.size() != 1) {
      return absl::UnknownError("no single candidate");
    }
    const CandidateNode& node = report->nodes[0];
    EXPECT_EQ(node.reached, AdmissionStep::kVerify);
    EXPECT_EQ(node.agreement.id.empty(), false);
    EXPECT_EQ(report->admitted(), node.admitted() ? 1 : 0);
    return node.refusal;
  }

  class ClockSleeper final : public Sleeper {
   public:
    explicit ClockSleeper(FakeClock* clock) : clock_(clock) {}
    void SleepFor(absl::Duration d) override { clock_->Advance(d); }

   private:
    FakeClock* clock_;
  };

  // The catalog lists `count` dsfl datasets, "slot-0".., each of its own
  // participant did:web:hospital-<i>.example.org (only hospital-a has a DID
  // document, so the others are refused at verification).
  void AdvertiseSlots(int count) {
    nlohmann::json catalogs = nlohmann::json::array();
    for (int i = 0; i < count; ++i) {
      nlohmann::json catalog = HospitalCatalog()[0];
      catalog["participantId"] = ParticipantOf(i);
      catalog["dataset"][0]["@id"] = absl::StrCat("slot-", i);
      catalog["dataset"][0]["id"] = absl::StrCat("slot-", i);
      catalogs.push_back(catalog);
    }
    fetcher_.Answer(absl::StrCat(kMgmt, "/catalogs/request?flatten=false"), 200,
                    catalogs.dump());
  }
  static std::string ParticipantOf(int i) {
    return absl::StrCat("did:web:hospital-", i, ".example.org");
  }
  int NegotiationsStarted() const {
    int started = 0;
    for (const identity::HttpRequest& request : fetcher_.requests()) {
      started += request.url == absl::StrCat(kMgmt, "/contractnegotiations");
    }
    return started;
  }

  MasterAdmissionOptions options_;
  FakeFetcher fetcher_;
  FakeClock clock_{Unix(kNow + 10)};
  ClockSleeper sleeper_{&clock_};
  std::unique_ptr<ManagementApiClient> connector_;
  std::unique_ptr<SigningKey> issuer_ = MustKey(KeyType::kEd25519, kIssuer);
  std::unique_ptr<SigningKey> hospital_ = MustKey(KeyType::kP256, kHospital);
  std::unique_ptr<SigningKey> attacker_ = MustKey(KeyType::kP256, kAttacker);
  std::unique_ptr<SigningKey> master_ = MustKey(KeyType::kP256, kMaster);
};

TEST_F(MasterAdmissionTest, AdmitsTheHospitalWithAGenuinePresentation) {
  Present(Vp({Vc(Membership())}));
  RecordingObserver observer;
  StatusOr<AdmissionReport> report = Run(&observer);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->nodes.size(), 1u);
  const CandidateNode& node = report->nodes[0];
  EXPECT_TRUE(node.admitted()) << node.refusal;
  EXPECT_EQ(node.dataset.participant_id, kHospital);
  EXPECT_EQ(node.negotiation_id, "c003809f-6f9f-4e3a-b718-2dbd8184a903");
  EXPECT_THAT(node.states_seen, ElementsAre(NegotiationState::kFinalized));
  EXPECT_FALSE(node.agreement.id.empty());
  ASSERT_EQ(node.presentation.credentials.size(), 1u);
  EXPECT_EQ(node.presentation.credentials[0].issuer, kIssuer);
  EXPECT_EQ(observer.discovered, 1);
  ASSERT_EQ(observer.candidates.size(), 1u);
  EXPECT_TRUE(observer.candidates[0].admitted());
}

TEST_F(MasterAdmissionTest, ForgedSignatureIsRefused) {
  std::string vp = Vp({Vc(Membership())});
  size_t dot = vp.rfind('.');
  vp[dot + 3] = vp[dot + 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(ReasonOf(RefusalOf(vp)), Reason::kBadSignature);
}

TEST_F(MasterAdmissionTest, PresentationSignedWithAnotherKeyIsRefused) {
  // The attacker signs with its own key, naming it, claiming the holder.
  PresentationRequest request;
  request.holder_did = kHospital;
  request.audience = kMaster;
  request.credentials = {Vc(Membership())};
  request.issued = Unix(kNow);
  StatusOr<std::string> vp =
      identity::CreatePresentationJwt(*attacker_, request);
  ASSERT_TRUE(vp.ok());
  EXPECT_EQ(ReasonOf(RefusalOf(*vp)), Reason::kWrongKey);
  // A key id the hospital's document does not list.
  auto unknown =
      SigningKey::Generate(KeyType::kP256, std::string(kHospital) + "#key-9");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(ReasonOf(RefusalOf(Vp({Vc(Membership())}, unknown->get()))),
            Reason::kWrongKey);
}

TEST_F(MasterAdmissionTest, AlgNoneIsRefused) {
  std::string vp = Reencode(
      Vp({Vc(Membership())}),
      {{"alg", "none"}, {"kid", std::string(kHospital) + "#key-1"}}, "");
  EXPECT_EQ(ReasonOf(RefusalOf(vp)), Reason::kAlgorithmRefused);
}

TEST_F(MasterAdmissionTest, HmacWithThePublicKeyIsRefused) {
  std::string vp = Vp({Vc(Membership())});
  nlohmann::json header = {{"alg", "HS256"},
                           {"kid", std::string(kHospital) + "#key-1"}};
  std::string input = Reencode(vp, header, "");
  input.pop_back();  // the trailing '.'
  const std::string secret = hospital_->public_jwk().ToJson().dump();
  unsigned char mac[32];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
       &length);
  Status refusal = RefusalOf(
      Reencode(vp, header, std::string(reinterpret_cast<char*>(mac), length)));
  EXPECT_EQ(ReasonOf(refusal), Reason::kAlgorithmRefused);
}

TEST_F(MasterAdmissionTest, ExpiredCredentialIsRefused) {
  CredentialRequest expired = Membership();
  expired.expires = Unix(kNow - 60);
  EXPECT_EQ(ReasonOf(RefusalOf(Vp({Vc(expired)}))), Reason::kExpired);
}

TEST_F(MasterAdmissionTest, ExpiredPresentationIsRefused) {
  clock_.Advance(absl::Minutes(2));  // the VP is valid for 60 s
  EXPECT_EQ(ReasonOf(RefusalOf(Vp({Vc(Membership())}))), Reason::kExpired);
}

TEST_F(MasterAdmissionTest, CredentialNotYetValidIsRefused) {
  CredentialRequest future = Membership();
  future.issued = Unix(kNow + 3600);
  EXPECT_EQ(ReasonOf(RefusalOf(Vp({Vc(future)}))), Reason::kNotYetValid);
}

TEST_F(MasterAdmissionTest, HolderWhoIsNotTheSubjectIsRefused) {
  CredentialRequest other = Membership();
  other.subject_did = kAttacker;
  Status refusal = RefusalOf(Vp({Vc(other)}));
  EXPECT_EQ(ReasonOf(refusal), Reason::kHolderMismatch);
  EXPECT_THAT(refusal.message(), HasSubstr(kAttacker));
}

TEST_F(MasterAdmissionTest, PresentationForAnotherAudienceIsRefused) {
  Status refusal = RefusalOf(
      Vp({Vc(Membership())}, nullptr, "did:web:other-master.example"));
  EXPECT_EQ(ReasonOf(refusal), Reason::kWrongAudience);
}

TEST_F(MasterAdmissionTest, CredentialOfAnUnknownIssuerDidIsRefused) {
  // Issued in the name of a trusted issuer whose DID does not resolve.
  fetcher_.Answer(kIssuerDoc, 404, "not found");
  Status refusal = RefusalOf(Vp({Vc(Membership())}));
  EXPECT_EQ(ReasonOf(refusal), Reason::kUnknownDid);
}

TEST_F(MasterAdmissionTest, HospitalWithoutADidDocumentIsRefused) {
  fetcher_.Answer(kHospitalDoc, 404, "not found");
  EXPECT_EQ(ReasonOf(RefusalOf(Vp({Vc(Membership())}))), Reason::kUnknownDid);
}

TEST_F(MasterAdmissionTest, DidDocumentWithAnotherIdIsRefused) {
  // The hospital's URL serves the attacker's document (keys and service).
  fetcher_.Answer(
      kHospitalDoc, 200,
      identity::BuildDidDocumentJson(
          kAttacker, {attacker_.get()},
          {{"#credentialservice", "CredentialService", kCredentialService}},
          true)
          .dump());
  EXPECT_EQ(ReasonOf(RefusalOf(Vp({Vc(Membership())}))),
            Reason::kDidDocumentIdMismatch);
}

TEST_F(MasterAdmissionTest, UntrustedIssuerIsRefused) {
  StatusOr<std::string> vc =
      identity::IssueCredentialJwt(*attacker_, kAttacker, Membership());
  ASSERT_TRUE(vc.ok());
  EXPECT_EQ(ReasonOf(RefusalOf(Vp({*vc}))), Reason::kUntrustedIssuer);
}

TEST_F(MasterAdmissionTest, TerminatedNegotiationKeepsItsStatesAndStopsEarly) {
  fetcher_.Answer(absl::StrCat(kMgmt, kNegotiation, "/state"), 200,
                  StateJson("TERMINATED"));
  Present(Vp({Vc(Membership())}));
  RecordingObserver observer;
  StatusOr<AdmissionReport> report = Run(&observer);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->nodes.size(), 1u);
  const CandidateNode& node = report->nodes[0];
  EXPECT_EQ(node.reached, AdmissionStep::kNegotiate);
  EXPECT_EQ(ReasonOf(node.refusal), Reason::kAgreementTerminated);
  EXPECT_EQ(node.negotiation_id, "c003809f-6f9f-4e3a-b718-2dbd8184a903");
  EXPECT_THAT(node.states_seen, ElementsAre(NegotiationState::kTerminated));
  // The hospital's credentials were never asked for.
  for (const identity::HttpRequest& request : fetcher_.requests()) {
    EXPECT_THAT(request.url, ::testing::Not(HasSubstr("presentations")));
  }
  ASSERT_EQ(observer.candidates.size(), 1u);
  EXPECT_FALSE(observer.candidates[0].admitted());
}

TEST_F(MasterAdmissionTest, PendingNegotiationKeepsItsStates) {
  fetcher_.Answer(absl::StrCat(kMgmt, kNegotiation, "/state"), 200,
                  StateJson("REQUESTED"));
  StatusOr<AdmissionReport> report = Run();
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->nodes.size(), 1u);
  EXPECT_EQ(ReasonOf(report->nodes[0].refusal), Reason::kAgreementPending);
  EXPECT_THAT(report->nodes[0].states_seen,
              ElementsAre(NegotiationState::kRequested));
}

TEST_F(MasterAdmissionTest, AnObserverErrorStopsTheRunBeforeNegotiating) {
  RecordingObserver observer;
  observer.fail_discovery = true;
  StatusOr<AdmissionReport> report = Run(&observer);
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.status().message(), HasSubstr("disk full"));
  for (const identity::HttpRequest& request : fetcher_.requests()) {
    EXPECT_THAT(request.url, ::testing::Not(HasSubstr("contractnegotiations")));
  }
  EXPECT_TRUE(observer.candidates.empty());
}

// Counts the threads inside Admit() between negotiation and verification
// (options.access_token is called there): each caller waits until `target`
// callers are inside at once, or 10 s (then the test fails: admissions ran
// one after the other).
class Gate {
 public:
  explicit Gate(int target) : target_(target) {}
  std::string Enter(const std::string& /*participant*/) {
    std::unique_lock<std::mutex> lock(mu_);
    ++inside_;
    max_inside_ = std::max(max_inside_, inside_);
    cv_.notify_all();
    if (!cv_.wait_for(lock, std::chrono::seconds(10),
                      [this] { return inside_ >= target_ || released_; })) {
      timed_out_ = true;
    }
    released_ = true;  // Later callers (beyond the bound) pass at once.
    --inside_;
    return "";
  }
  int max_inside() const {
    std::lock_guard<std::mutex> lock(mu_);
    return max_inside_;
  }
  bool timed_out() const {
    std::lock_guard<std::mutex> lock(mu_);
    return timed_out_;
  }

 private:
  const int target_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int inside_ = 0;
  int max_inside_ = 0;
  bool released_ = false;
  bool timed_out_ = false;
};

std::vector<std::string> DatasetIds(const std::vector<CandidateNode>& nodes) {
  std::vector<std::string> ids;
  for (const CandidateNode& node : nodes)
    ids.push_back(node.dataset.dataset_id);
  return ids;
}

TEST_F(MasterAdmissionTest, AdmitsDatasetsConcurrentlyInDiscoveryOrder) {
  AdvertiseSlots(3);
  Gate gate(3);
  options_.access_token = [&gate](const std::string& did) {
    return gate.Enter(did);
  };
  RecordingObserver observer;
  StatusOr<AdmissionReport> report = Run(&observer);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(gate.timed_out());
  EXPECT_EQ(gate.max_inside(), 3);
  EXPECT_THAT(DatasetIds(report->nodes),
              ElementsAre("slot-0", "slot-1", "slot-2"));
  EXPECT_EQ(observer.candidates.size(), 3u);
  EXPECT_EQ(NegotiationsStarted(), 3);
}

TEST_F(MasterAdmissionTest, NoMoreThanMaxParallelAdmissionsAtOnce) {
  AdvertiseSlots(5);
  options_.max_parallel_admissions = 2;
  Gate gate(2);
  options_.access_token = [&gate](const std::string& did) {
    return gate.Enter(did);
  };
  StatusOr<AdmissionReport> report = Run();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(gate.timed_out());
  EXPECT_EQ(gate.max_inside(), 2);
  EXPECT_THAT(DatasetIds(report->nodes),
              ElementsAre("slot-0", "slot-1", "slot-2", "slot-3", "slot-4"));
  EXPECT_EQ(NegotiationsStarted(), 5);
}

TEST_F(MasterAdmissionTest, OneAtATimeRunsOnTheCallersThread) {
  AdvertiseSlots(3);
  options_.max_parallel_admissions = 1;
  std::vector<std::thread::id> threads;
  options_.access_token = [&threads](const std::string&) {
    threads.push_back(std::this_thread::get_id());
    return std::string();
  };
  StatusOr<AdmissionReport> report = Run();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(threads, ElementsAre(std::this_thread::get_id(),
                                   std::this_thread::get_id(),
                                   std::this_thread::get_id()));
}

// The observer sees candidates as they finish; the report keeps discovery
// order whatever the timing.
class CountingObserver final : public AdmissionObserver {
 public:
  Status OnDiscovered(const SlaveDiscovery&) override {
    return absl::OkStatus();
  }
  Status OnCandidate(const CandidateNode& node) override {
    std::lock_guard<std::mutex> lock(mu_);
    seen_.push_back(node.dataset.dataset_id);
    cv_.notify_all();
    return fail_ ? absl::InternalError("audit log: disk full")
                 : absl::OkStatus();
  }
  // Waits (10 s at most) until `count` candidates were seen.
  bool WaitFor(size_t count) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10),
                        [&] { return seen_.size() >= count; });
  }
  std::vector<std::string> seen() const {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  bool fail_ = false;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> seen_;
};

TEST_F(MasterAdmissionTest, TheFirstDatasetFinishingLastStaysFirst) {
  AdvertiseSlots(3);
  CountingObserver observer;
  std::atomic<bool> waited{false};
  options_.access_token = [&](const std::string& did) {
    if (did == ParticipantOf(0)) waited = observer.WaitFor(2);
    return std::string();
  };
  StatusOr<AdmissionReport> report = Run(&observer);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(waited.load());
  EXPECT_THAT(observer.seen(),
              ElementsAre(::testing::_, ::testing::_, "slot-0"));
  EXPECT_THAT(DatasetIds(report->nodes),
              ElementsAre("slot-0", "slot-1", "slot-2"));
}

TEST_F(MasterAdmissionTest, AnObserverErrorStopsNewAdmissionsAndJoins) {
  AdvertiseSlots(6);
  options_.max_parallel_admissions = 2;
  CountingObserver observer;
  observer.fail_ = true;
  StatusOr<AdmissionReport> report = Run(&observer);
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.status().message(), HasSubstr("disk full"));
  // One failed call, then nothing: the other worker's node is not
  // reported, and no worker starts another negotiation.
  EXPECT_EQ(observer.seen().size(), 1u);
  EXPECT_LE(NegotiationsStarted(), 2);
}

// Blocks every negotiation's back-off until the test opens it; then the
// clock jumps past the negotiation timeout (what a cancelled job's clock
// does, master/transport/dataspace_admission.cc).
class GateSleeper final : public Sleeper {
 public:
  explicit GateSleeper(FakeClock* clock) : clock_(clock) {}
  void SleepFor(absl::Duration) override {
    std::unique_lock<std::mutex> lock(mu_);
    ++sleeping_;
    cv_.notify_all();
    cv_.wait_for(lock, std::chrono::seconds(10), [this] { return open_; });
    --sleeping_;
  }
  bool WaitForSleepers(int count) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10),
                        [&] { return sleeping_ >= count; });
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    clock_->Advance(absl::Hours(1));
    open_ = true;
    cv_.notify_all();
  }

 private:
  FakeClock* clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  int sleeping_ = 0;
  bool open_ = false;
};

TEST_F(MasterAdmissionTest, StalledNegotiationsWaitTogetherAndEndTogether) {
  AdvertiseSlots(3);
  fetcher_.Answer(absl::StrCat(kMgmt, kNegotiation, "/state"), 200,
                  StateJson("REQUESTED"));
  GateSleeper sleeper(&clock_);
  StatusOr<AdmissionReport> report;
  std::thread run([&] { report = Run(nullptr, &sleeper); });
  // All three negotiations are waiting at once, not one after the other.
  const bool all_waiting = sleeper.WaitForSleepers(3);
  sleeper.Open();
  run.join();
  EXPECT_TRUE(all_waiting);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->nodes.size(), 3u);
  for (const CandidateNode& node : report->nodes) {
    EXPECT_EQ(ReasonOf(node.refusal), Reason::kAgreementPending);
  }
}

}  // namespace
}  // namespace dsfl::edc
