// AdmissionRecorder: the master's audit records and progress lines of
// dataspace admission — every step in order with the catalogue's required
// fields (MemoryAuditSink validates each record), node names from DIDs,
// refusals with their stage and reason, and fail-closed on audit errors.
#include "master/transport/admission_recorder.h"

#include <atomic>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "connector-adapters/identity/refusal.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dsfl::master {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kA[] = "did:web:localhost%3A8443:participants:hospital-a";
constexpr char kB[] = "did:web:localhost%3A8443:participants:hospital-b";
constexpr char kIssuer[] = "did:web:localhost%3A8443:issuer";

class Messages final : public JobListener {
 public:
  void OnJobMessage(const std::string& text) override { lines.push_back(text); }
  void OnAdmission(const std::string& node, bool admitted,
                   const std::string& reason) override {
    admissions.push_back(node + (admitted ? " admitted" : " refused ") +
                         reason);
  }
  std::vector<std::string> lines;
  std::vector<std::string> admissions;
};

class FailingSink final : public audit::AuditSink {
 public:
  Status Record(const audit::AuditEvent&) override {
    return absl::UnavailableError("disk full");
  }
};

edc::SlaveDataset Dataset(const std::string& did, const std::string& id,
                          const std::string& endpoint) {
  edc::SlaveDataset dataset;
  dataset.participant_id = did;
  dataset.dataset_id = id;
  dataset.slave_endpoint = endpoint;
  dataset.profile = "lung";
  dataset.offers.push_back({"offer-" + id, nlohmann::json::object()});
  return dataset;
}

std::vector<std::string> Types(const audit::MemoryAuditSink& sink) {
  std::vector<std::string> types;
  for (const audit::AuditEvent& e : sink.events()) types.push_back(e.type);
  return types;
}

TEST(ParticipantNameTest, IsTheLastSegmentOfTheDid) {
  EXPECT_EQ(ParticipantName(kA), "hospital-a");
  EXPECT_EQ(ParticipantName("did:web:hospital.example.org"),
            "hospital.example.org");
}

TEST(ReasonTextTest, RefusalNameElseStatusCode) {
  EXPECT_EQ(ReasonText(identity::Refuse(identity::Reason::kRevoked, "x")),
            "revoked");
  EXPECT_EQ(ReasonText(absl::DeadlineExceededError("slow")),
            "deadline_exceeded");
}

TEST(AdmissionRecorderTest, RecordsAnAdmittedNodeStepByStep) {
  audit::MemoryAuditSink sink;
  Messages messages;
  AdmissionRecorder recorder(&sink, &messages, "job-1", "lung");
  edc::SlaveDataset a = Dataset(kA, "lung-hospital-a", "127.0.0.1:5001");
  ASSERT_TRUE(recorder
                  .OnDiscovered({{a},
                                 {"x of y: slaveEndpoint 'z' is not "
                                  "host:port"}})
                  .ok());
  edc::CandidateNode node;
  node.dataset = a;
  node.reached = edc::AdmissionStep::kVerify;
  node.negotiation_id = "neg-1";
  node.states_seen = {edc::NegotiationState::kRequested,
                      edc::NegotiationState::kAgreed,
                      edc::NegotiationState::kFinalized};
  node.agreement.id = "agreement-1";
  node.presentation.holder = kA;
  node.presentation.credentials.push_back(
      {"urn:1",
       kIssuer,
       {"VerifiableCredential", "MembershipCredential"},
       kA,
       std::nullopt,
       std::nullopt});
  ASSERT_TRUE(recorder.OnCandidate(node).ok());
  tls::PeerIdentity peer;
  peer.sha256_fingerprint = std::string(64, 'f');
  ASSERT_TRUE(
      recorder
          .TlsBound(a, peer,
                    {identity::TlsBindingKind::kCertificateNamesDid, ""})
          .ok());
  AuthorizeCall call;
  call.agreement_id = "agreement-1";
  call.model_sha256 = std::string(64, 'e');
  AuthorizeAnswer answer;
  answer.admitted = true;
  answer.session_id = "s-1";
  ASSERT_TRUE(recorder.AuthorizeAnswered(a, call, answer).ok());
  ASSERT_TRUE(recorder.Admitted(a, "agreement-1", "s-1").ok());

  EXPECT_THAT(
      Types(sink),
      ElementsAre("discovery.result", "negotiation.state", "negotiation.state",
                  "negotiation.state", "credential.check", "tls.binding",
                  "authorize.answer", "admission.granted"));
  const auto events = sink.events();
  EXPECT_EQ(events[0].details["candidates"][0]["id"], "hospital-a");
  EXPECT_EQ(events[0].details["skipped"].size(), 1u);
  EXPECT_EQ(events[1].subject, kA);
  EXPECT_EQ(events[1].details["state"], "REQUESTED");
  EXPECT_FALSE(events[1].details.contains("agreement_id"));
  EXPECT_EQ(events[3].details["state"], "FINALIZED");
  EXPECT_EQ(events[3].details["agreement_id"], "agreement-1");
  EXPECT_EQ(events[3].details["offer_id"], "offer-lung-hospital-a");
  EXPECT_EQ(events[4].details["result"], "valid");
  EXPECT_EQ(events[4].details["issuer"], kIssuer);
  EXPECT_EQ(events[5].details["binding"], "certificate_names_did");
  EXPECT_EQ(events[5].details["peer_sha256"], std::string(64, 'f'));
  EXPECT_EQ(events[6].details["decision"], "allow");
  EXPECT_EQ(events[7].details["node"], "hospital-a");
  for (const audit::AuditEvent& e : events) EXPECT_EQ(e.job, "job-1");

  EXPECT_THAT(
      messages.lines,
      ElementsAre(
          HasSubstr("discovery: 1 dsfl dataset(s)"),
          HasSubstr("discovery: skipped x of y"),
          "hospital-a: discovered lung-hospital-a at 127.0.0.1:5001",
          "hospital-a: negotiation REQUESTED → AGREED → FINALIZED, agreement "
          "agreement-1",
          std::string("hospital-a: credentials verified: MembershipCredential "
                      "from ") +
              kIssuer,
          std::string("hospital-a: TLS key bound to ") + kA +
              " (certificate names the DID)",
          "hospital-a: admitted, session s-1"));
  EXPECT_THAT(messages.admissions, ElementsAre("hospital-a admitted"));
  EXPECT_TRUE(recorder.refusals().empty());
}

TEST(AdmissionRecorderTest, RecordsRefusalsWithStageAndReason) {
  audit::MemoryAuditSink sink;
  Messages messages;
  AdmissionRecorder recorder(&sink, &messages, "job-1", "");
  edc::SlaveDataset a = Dataset(kA, "lung-hospital-a", "127.0.0.1:5001");
  edc::SlaveDataset b = Dataset(kB, "lung-hospital-b", "127.0.0.1:5002");
  ASSERT_TRUE(recorder.OnDiscovered({{a, b}, {}}).ok());
  // a: terminated negotiation.
  edc::CandidateNode terminated;
  terminated.dataset = a;
  terminated.reached = edc::AdmissionStep::kNegotiate;
  terminated.states_seen = {edc::NegotiationState::kRequested,
                            edc::NegotiationState::kTerminated};
  terminated.refusal = identity::Refuse(identity::Reason::kAgreementTerminated,
                                        "negotiation n was TERMINATED");
  ASSERT_TRUE(recorder.OnCandidate(terminated).ok());
  // b: revoked credential.
  edc::CandidateNode revoked;
  revoked.dataset = b;
  revoked.reached = edc::AdmissionStep::kVerify;
  revoked.states_seen = {edc::NegotiationState::kFinalized};
  revoked.agreement.id = "agreement-b";
  revoked.refusal = identity::Refuse(identity::Reason::kRevoked,
                                     "vc[0]: credential is revoked");
  ASSERT_TRUE(recorder.OnCandidate(revoked).ok());

  EXPECT_THAT(Types(sink), ElementsAre("discovery.result", "negotiation.state",
                                       "negotiation.state", "admission.refused",
                                       "negotiation.state", "credential.check",
                                       "admission.refused"));
  const auto events = sink.events();
  EXPECT_EQ(events[2].details["reason"], "agreement_terminated");
  EXPECT_EQ(events[3].details["reason"], "agreement_terminated");
  EXPECT_EQ(events[3].details["stage"], "negotiation");
  EXPECT_EQ(events[3].details["message"], "negotiation n was TERMINATED");
  EXPECT_EQ(events[5].details["result"], "invalid");
  EXPECT_EQ(events[5].details["reason"], "revoked");
  EXPECT_EQ(events[6].details["stage"], "credential");
  EXPECT_EQ(events[6].subject, kB);
  EXPECT_THAT(recorder.refusals(),
              ElementsAre("hospital-a: agreement_terminated: negotiation n "
                          "was TERMINATED",
                          "hospital-b: revoked: vc[0]: credential is revoked"));
  EXPECT_THAT(messages.admissions,
              ElementsAre("hospital-a refused agreement_terminated",
                          "hospital-b refused revoked"));
  EXPECT_THAT(messages.lines,
              ::testing::Contains(
                  "hospital-a: refused at negotiation (agreement_terminated): "
                  "negotiation n was TERMINATED"));

  // Steps 4-5: a TLS binding refusal and an Authorize refusal.
  ASSERT_TRUE(recorder
                  .TlsNotBound(
                      a, std::string(64, 'f'),
                      identity::Refuse(identity::Reason::kTlsKeyNotBound, "no"))
                  .ok());
  AuthorizeCall call;
  call.model_sha256 = std::string(64, 'e');
  AuthorizeAnswer denied;
  denied.reason = "model_not_allowed";
  denied.message = "model e... is not allowed";
  ASSERT_TRUE(recorder.AuthorizeAnswered(b, call, denied).ok());
  ASSERT_TRUE(recorder
                  .AuthorizeAnswered(
                      b, call,
                      StatusOr<AuthorizeAnswer>(absl::UnimplementedError("no")))
                  .ok());
  const auto after = sink.events();
  ASSERT_EQ(after.size(), 10u);
  EXPECT_EQ(after[7].type, "tls.binding");
  EXPECT_EQ(after[7].details["result"], "not_bound");
  EXPECT_EQ(after[7].details["reason"], "tls_key_not_bound");
  EXPECT_EQ(after[8].details["decision"], "deny");
  EXPECT_EQ(after[8].details["reason"], "model_not_allowed");
  EXPECT_EQ(after[9].details["decision"], "error");
  EXPECT_EQ(after[9].details["reason"], "unimplemented");
}

TEST(AdmissionRecorderTest, NamesStayUniqueAcrossDatasetsAndHosts) {
  audit::MemoryAuditSink sink;
  AdmissionRecorder recorder(&sink, nullptr, "job-1", "");
  edc::SlaveDataset a1 = Dataset(kA, "lung-1", "h:1");
  edc::SlaveDataset a2 = Dataset(kA, "lung-2", "h:2");
  edc::SlaveDataset other =
      Dataset("did:web:elsewhere.org:participants:hospital-b", "x", "h:3");
  edc::SlaveDataset b = Dataset(kB, "y", "h:4");
  ASSERT_TRUE(recorder.OnDiscovered({{a1, a2, other, b}, {}}).ok());
  EXPECT_EQ(recorder.NameOf(a1), "hospital-a/lung-1");
  EXPECT_EQ(recorder.NameOf(a2), "hospital-a/lung-2");
  EXPECT_EQ(recorder.NameOf(other),
            "did:web:elsewhere.org:participants:hospital-b");
  EXPECT_EQ(recorder.NameOf(b), kB);
}

TEST(AdmissionRecorderTest, FailsClosedWhenTheLogCannotRecord) {
  FailingSink sink;
  Messages messages;
  AdmissionRecorder recorder(&sink, &messages, "job-1", "");
  Status status = recorder.OnDiscovered(
      {{Dataset(kA, "lung-hospital-a", "127.0.0.1:5001")}, {}});
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(status.message(), HasSubstr("audit log: disk full"));
  EXPECT_TRUE(messages.lines.empty());  // nothing reported as done
}

// Counts listener calls that overlap another one (there must be none).
class OverlapListener final : public JobListener {
 public:
  void OnJobMessage(const std::string&) override { Enter(); }
  void OnAdmission(const std::string&, bool, const std::string&) override {
    Enter();
  }
  std::atomic<int> overlaps{0};
  std::atomic<int> calls{0};

 private:
  void Enter() {
    if (inside_.fetch_add(1) != 0) ++overlaps;
    for (int i = 0; i < 50; ++i) std::this_thread::yield();
    ++calls;
    inside_.fetch_sub(1);
  }
  std::atomic<int> inside_{0};
};

TEST(AdmissionRecorderTest, ConcurrentNodesAreRecordedOneCallAtATime) {
  audit::MemoryAuditSink sink;
  OverlapListener listener;
  AdmissionRecorder recorder(&sink, &listener, "job-1", "lung");
  constexpr int kNodes = 8;
  constexpr int kCalls = 40;
  std::vector<edc::SlaveDataset> datasets;
  for (int n = 0; n < kNodes; ++n) {
    datasets.push_back(Dataset(absl::StrCat(kA, n), "lung", "h:1"));
  }
  ASSERT_TRUE(recorder.OnDiscovered({datasets, {}}).ok());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int n = 0; n < kNodes; ++n) {
    threads.emplace_back([&, n] {
      for (int i = 0; i < kCalls; ++i) {
        if (!recorder
                 .Refused(datasets[n], "connect", "unavailable",
                          absl::StrCat(i))
                 .ok()) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(listener.overlaps.load(), 0);
  // One discovery message per node and the summary, plus two calls
  // (OnAdmission, OnJobMessage) per refusal.
  EXPECT_GE(listener.calls.load(), 2 * kNodes * kCalls);
  const auto events = sink.events();
  ASSERT_EQ(events.size(), 1u + kNodes * kCalls);  // discovery.result first
  // Each node's records keep their order.
  std::map<std::string, int> next;
  for (size_t e = 1; e < events.size(); ++e) {
    const std::string node = events[e].details["node"];
    EXPECT_EQ(events[e].details["message"], absl::StrCat(next[node]++));
  }
  EXPECT_EQ(next.size(), static_cast<size_t>(kNodes));
  EXPECT_EQ(recorder.refusals().size(), static_cast<size_t>(kNodes * kCalls));
}

}  // namespace
}  // namespace dsfl::master
