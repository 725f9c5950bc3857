// SlaveAdmission (the Authorize RPC's checks) against the in-process dev
// dataspace over real HTTPS, with an injected clock: the audit trail of an
// admission and of refusals at each stage, refusals as answers with their
// reason, failures that are not refusals, fail-closed auditing, and the
// SIGHUP reload (swap, session revocation, rejected reload keeps the old).
#include "slave/service/slave_admission.h"

#include <fstream>

#include "common/audit/audit_event.h"
#include "common/tls/certificate_info.h"
#include "common/tls/dev_ca.h"
#include "connector-adapters/devspace/devspace_config.h"
#include "connector-adapters/edc/master_admission.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/devspace/test_support.h"

namespace dsfl::slave {
namespace {

using devspace::testing::ClockSleeper;
using devspace::testing::TempDir;
using devspace::testing::WriteTempFile;
using identity::testing::FakeClock;
using identity::testing::Unix;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr char kModel[] =
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
constexpr char kOtherModel[] =
    "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";

// Counts records and fails from the `fail_from`-th on (0 = never).
class FlakySink final : public audit::AuditSink {
 public:
  explicit FlakySink(int fail_from) : fail_from_(fail_from) {}
  Status Record(const audit::AuditEvent& event) override {
    DSFL_RETURN_IF_ERROR(audit::ValidateAuditEvent(event));
    if (fail_from_ > 0 && ++count_ >= fail_from_) {
      return absl::UnavailableError("disk full");
    }
    return absl::OkStatus();
  }

 private:
  int fail_from_;
  int count_ = 0;
};

std::vector<std::string> Types(const std::vector<audit::AuditEvent>& events) {
  std::vector<std::string> types;
  for (const audit::AuditEvent& e : events) types.push_back(e.type);
  return types;
}

class SlaveAdmissionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Parsed like dsfl-devspace's participants file: a master, a member
    // without the creator credential (hospital-b) and the slave's hospital.
    const nlohmann::json creator = {"MembershipCredential",
                                    "FederatedModelCreatorCredential"};
    const nlohmann::json participants = {
        {"api_key", "test-api-key"},
        {"negotiation_step_ms", 150},
        {"participants",
         {{{"name", "master"}, {"credentials", creator}},
          {{"name", "hospital-b"}, {"credentials", {"MembershipCredential"}}},
          {{"name", "outsider"}},
          {{"name", "hospital-a"},
           {"key_file", "hospital-a.key"},
           {"credentials", {"MembershipCredential"}},
           {"datasets",
            {{{"id", "lung-hospital-a"},
              {"slave_endpoint", "127.0.0.1:50051"},
              {"profile", devspace::testing::kLungProfile},
              {"required_credential", "FederatedModelCreatorCredential"}}}}}}}};
    auto space_config =
        devspace::ParseDevspaceConfig(participants, dir_.path());
    ASSERT_TRUE(space_config.ok()) << space_config.status();
    server_ = devspace::testing::StartServer(pki_, *space_config, &clock_);
    ASSERT_NE(server_, nullptr);
    ca_file_ = WriteTempFile(dir_.path(), "https-ca.pem", pki_.ca_pem);
    auto federation = tls::DevCertificateAuthority::Create("federation CA");
    ASSERT_TRUE(federation.ok());
    federation_ca_ =
        std::make_unique<tls::DevCertificateAuthority>(*std::move(federation));
    federation_file_ = WriteTempFile(dir_.path(), "federation-ca.pem",
                                     federation_ca_->certificate_pem());
    master_peer_ = PeerNaming(space().DidOf("master"));
  }

  const devspace::Dataspace& space() const { return server_->dataspace(); }

  // A client certificate of the federation CA naming `did`, as gRPC would
  // hand it to the handler.
  tls::PeerIdentity PeerNaming(const std::string& did) {
    tls::CertificateRequest request;
    request.common_name = "master";
    request.uris = {did};
    auto pair = federation_ca_->Issue(request);
    EXPECT_TRUE(pair.ok());
    auto info = tls::InspectCertificatePem(pair->certificate_pem);
    EXPECT_TRUE(info.ok());
    tls::PeerIdentity peer;
    peer.common_name = info->common_name;
    peer.uris = info->uris;
    peer.certificate_pem = info->certificate_pem;
    peer.sha256_fingerprint = info->sha256_fingerprint;
    return peer;
  }

  DataspaceConfig Config() {
    DataspaceConfig config;
    config.participant.did = space().DidOf("hospital-a");
    config.participant.key_path = dir_.path() + "/hospital-a.key";
    config.participant.key_id = config.participant.did + "#key-1";
    config.participant.connector.management_url =
        space().ManagementUrl("hospital-a");
    config.participant.connector.api_key = "test-api-key";
    config.participant.https_ca = ca_file_;
    config.participant.trusted_issuers = {
        {space().IssuerDid(), {"FederatedModelCreatorCredential"}}};
    config.participant.path = "dataspace";
    config.dataset_id = "lung-hospital-a";
    config.allowed_model_sha256 = {kModel};
    config.min_cohort = 20;
    config.required_privacy_settings = {"dp.noise_multiplier"};
    return config;
  }

  std::unique_ptr<SlaveAdmission> Create(audit::AuditSink* audit) {
    auto admission = SlaveAdmission::Create(Config(), federation_file_,
                                            {&clock_, &sessions_, audit});
    EXPECT_TRUE(admission.ok()) << admission.status();
    return admission.ok() ? *std::move(admission) : nullptr;
  }

  // The master negotiates hospital-a's dataset through its connector.
  std::string Agreement() {
    identity::HttpsFetcherOptions options;
    options.ca_pem = pki_.ca_pem;
    auto fetcher = identity::NewHttpsFetcher(options);
    identity::DidWebResolver resolver(fetcher.get(), {});
    identity::HttpStatusListSource lists(fetcher.get(), &resolver, &clock_, {});
    identity::PresentationVerifier verifier(&resolver, &lists, &clock_);
    edc::ManagementApiConfig connector_config;
    connector_config.management_url = space().ManagementUrl("master");
    connector_config.api_key = "test-api-key";
    auto connector =
        *edc::ManagementApiClient::Create(connector_config, fetcher.get());
    identity::PresentationQueryClient dcp(fetcher.get(), &resolver,
                                          space().KeyOf("master"),
                                          space().DidOf("master"), &clock_);
    ClockSleeper sleeper(&clock_);
    edc::MasterAdmission admission(connector.get(), &dcp, &verifier, &clock_,
                                   &sleeper);
    edc::MasterAdmissionOptions run;
    run.master_did = space().DidOf("master");
    run.trusted_issuers = {{space().IssuerDid(), {"MembershipCredential"}}};
    run.negotiation.timeout = absl::Seconds(10);
    auto report = admission.Run(run);
    EXPECT_TRUE(report.ok()) << report.status();
    for (const edc::CandidateNode& node : report->nodes) {
      if (node.dataset.participant_id == space().DidOf("hospital-a")) {
        EXPECT_TRUE(node.admitted()) << node.refusal;
        return node.agreement.id;
      }
    }
    ADD_FAILURE() << "hospital-a not discovered among " << report->nodes.size()
                  << " nodes, skipped: "
                  << (report->skipped.empty() ? "" : report->skipped[0]);
    return "";
  }

  edc::AuthorizationRequest Request(const std::string& agreement) {
    edc::AuthorizationRequest request;
    request.job_id = "job-1";
    request.master_did = space().DidOf("master");
    request.agreement_id = agreement;
    request.model_sha256 = kModel;
    request.privacy = {{"dp.noise_multiplier", "1.1"}};
    return request;
  }

  TempDir dir_;
  devspace::testing::Pki pki_ = devspace::testing::MakePki();
  FakeClock clock_{Unix(1767225600)};
  std::unique_ptr<devspace::DevDataspaceServer> server_;
  std::string ca_file_;
  std::unique_ptr<tls::DevCertificateAuthority> federation_ca_;
  std::string federation_file_;
  tls::PeerIdentity master_peer_;
  AdmissionSessions sessions_{&clock_, &SecureRandomBytes()};
  audit::MemoryAuditSink audit_;
};

TEST_F(SlaveAdmissionTest, AdmitsAndAuditsEveryStepBeforeAnswering) {
  auto admission = Create(&audit_);
  ASSERT_NE(admission, nullptr);
  EXPECT_EQ(admission->did(), space().DidOf("hospital-a"));
  const std::string agreement = Agreement();
  AuthorizeOutcome outcome =
      admission->Authorize(master_peer_, Request(agreement), 60);
  ASSERT_TRUE(outcome.error.ok()) << outcome.error;
  ASSERT_TRUE(outcome.admitted) << outcome.reason << ": " << outcome.message;
  EXPECT_THAT(outcome.session_id, MatchesRegex("[0-9a-f]{32}"));

  SessionCheck check = sessions_.Check("job-1", master_peer_.sha256_fingerprint,
                                       outcome.session_id);
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check.session.grant.model_sha256, kModel);
  EXPECT_EQ(check.session.grant.agreement_id, agreement);
  EXPECT_EQ(check.session.grant.master_did, space().DidOf("master"));

  const auto events = audit_.events();
  EXPECT_THAT(Types(events), ElementsAre("authorize.request",
                                         "credential.check", "agreement.check",
                                         "policy.check", "authorize.decision"));
  for (const audit::AuditEvent& e : events) EXPECT_EQ(e.job, "job-1");
  EXPECT_EQ(events[0].subject, space().DidOf("master"));
  EXPECT_EQ(events[0].details["agreement_id"], agreement);
  EXPECT_EQ(events[0].details["model_sha256"], kModel);
  EXPECT_EQ(events[0].details["privacy"]["dp.noise_multiplier"], "1.1");
  EXPECT_EQ(events[0].details["peer_sha256"], master_peer_.sha256_fingerprint);
  EXPECT_EQ(events[0].details["credential"], "dcp");
  EXPECT_EQ(events[1].details["result"], "valid");
  EXPECT_EQ(events[1].details["holder"], space().DidOf("master"));
  EXPECT_THAT(events[1].details["credential_types"].dump(),
              HasSubstr("FederatedModelCreatorCredential"));
  EXPECT_EQ(events[2].subject, agreement);
  EXPECT_EQ(events[2].details["consumer"], space().DidOf("master"));
  EXPECT_EQ(events[2].details["asset"], "lung-hospital-a");
  EXPECT_EQ(events[3].details["result"], "allow");
  EXPECT_EQ(events[3].details["cohort_size"], 60);
  EXPECT_EQ(events[4].details["decision"], "allow");
  EXPECT_EQ(events[4].details["checks"]["tls"], "certificate_names_did");
}

TEST_F(SlaveAdmissionTest, RefusalsAreAnswersWithTheirReasonAndAudited) {
  const std::string agreement = Agreement();
  struct Case {
    std::string name;
    edc::AuthorizationRequest request;
    StatusOr<tls::PeerIdentity> peer;
    int64_t cohort;
    std::string reason;
    std::vector<std::string> events;
  };
  auto request = [&](auto change) {
    edc::AuthorizationRequest r = Request(agreement);
    change(r);
    return r;
  };
  const std::vector<std::string> policy_stage = {
      "authorize.request", "credential.check", "agreement.check",
      "policy.check", "authorize.decision"};
  const std::vector<Case> cases = {
      {"model", request([](auto& r) { r.model_sha256 = kOtherModel; }),
       master_peer_, 60, "model_not_allowed", policy_stage},
      {"cohort", Request(agreement), master_peer_, 19, "cohort_too_small",
       policy_stage},
      {"privacy", request([](auto& r) { r.privacy.clear(); }), master_peer_, 60,
       "privacy_setting_missing", policy_stage},
      {"agreement",
       request([](auto& r) { r.agreement_id = "nope"; }),
       master_peer_,
       60,
       "agreement_not_found",
       {"authorize.request", "credential.check", "agreement.check",
        "authorize.decision"}},
      {"credential",
       request([&](auto& r) { r.master_did = space().DidOf("hospital-b"); }),
       PeerNaming(space().DidOf("hospital-b")),
       60,
       "missing_credential",
       {"authorize.request", "credential.check", "authorize.decision"}},
      {"tls other did",
       Request(agreement),
       PeerNaming(space().DidOf("hospital-b")),
       60,
       "tls_key_not_bound",
       {"authorize.request", "authorize.decision"}},
      {"tls none",
       Request(agreement),
       StatusOr<tls::PeerIdentity>(absl::UnauthenticatedError("no TLS")),
       60,
       "tls_key_not_bound",
       {"authorize.request", "authorize.decision"}},
      {"malformed",
       request([](auto& r) { r.model_sha256 = "xyz"; }),
       master_peer_,
       60,
       "malformed",
       {"authorize.request", "authorize.decision"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    audit::MemoryAuditSink audit;
    auto admission = SlaveAdmission::Create(Config(), federation_file_,
                                            {&clock_, &sessions_, &audit});
    ASSERT_TRUE(admission.ok());
    AuthorizeOutcome outcome =
        (*admission)->Authorize(c.peer, c.request, c.cohort);
    ASSERT_TRUE(outcome.error.ok()) << outcome.error;
    EXPECT_FALSE(outcome.admitted);
    EXPECT_EQ(outcome.reason, c.reason) << outcome.message;
    EXPECT_NE(outcome.message, "");
    EXPECT_THAT(outcome.message, ::testing::Not(HasSubstr("[reason:")));
    EXPECT_EQ(outcome.session_id, "");
    const auto events = audit.events();
    EXPECT_EQ(Types(events), c.events);
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().details["decision"], "deny");
    EXPECT_EQ(events.back().details["reason"], c.reason);
  }
  EXPECT_EQ(sessions_.size(), 0u);
}

TEST_F(SlaveAdmissionTest, FailuresThatAreNotRefusalsFailTheCall) {
  DataspaceConfig config = Config();
  config.participant.connector.management_url =
      "https://127.0.0.1:1/participants/hospital-a/api/management";
  auto admission = SlaveAdmission::Create(config, federation_file_,
                                          {&clock_, &sessions_, &audit_});
  ASSERT_TRUE(admission.ok());
  AuthorizeOutcome outcome =
      (*admission)->Authorize(master_peer_, Request("any"), 60);
  EXPECT_EQ(outcome.error.code(), absl::StatusCode::kUnavailable)
      << outcome.error;
  EXPECT_FALSE(outcome.admitted);
  const auto decisions = audit_.events("authorize.decision");
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].details["reason"], "error");
  EXPECT_EQ(sessions_.size(), 0u);
}

TEST_F(SlaveAdmissionTest, NothingIsAdmittedThatTheLogDoesNotHold) {
  const std::string agreement = Agreement();
  for (int fail_from : {1, 5}) {  // the request record; the decision record
    SCOPED_TRACE(fail_from);
    FlakySink audit(fail_from);
    auto admission = SlaveAdmission::Create(Config(), federation_file_,
                                            {&clock_, &sessions_, &audit});
    ASSERT_TRUE(admission.ok());
    AuthorizeOutcome outcome =
        (*admission)->Authorize(master_peer_, Request(agreement), 60);
    EXPECT_EQ(outcome.error.code(), absl::StatusCode::kInternal);
    EXPECT_THAT(outcome.error.message(), HasSubstr("audit log"));
    EXPECT_FALSE(outcome.admitted);
    EXPECT_EQ(outcome.session_id, "");
    EXPECT_EQ(sessions_.size(), 0u);
  }
}

TEST_F(SlaveAdmissionTest, ReloadSwapsThePolicyAndRevokesWhatItNoLongerAdmits) {
  auto admission = Create(&audit_);
  ASSERT_NE(admission, nullptr);
  const std::string agreement = Agreement();
  ASSERT_TRUE(
      admission->Authorize(master_peer_, Request(agreement), 60).admitted);
  ASSERT_EQ(sessions_.size(), 1u);

  // A rejected reload (unreadable key) changes nothing.
  DataspaceConfig broken = Config();
  broken.participant.key_path = dir_.path() + "/missing.key";
  StatusOr<size_t> rejected = admission->Reload(broken, federation_file_);
  EXPECT_THAT(rejected.status().message(), HasSubstr("dataspace.key"));
  EXPECT_EQ(sessions_.size(), 1u);
  EXPECT_TRUE(
      admission->Authorize(master_peer_, Request(agreement), 60).admitted);

  // The new policy admits only the other model: the session is revoked and
  // the old model refused from now on; the other model is admitted.
  DataspaceConfig other = Config();
  other.allowed_model_sha256 = {kOtherModel};
  StatusOr<size_t> revoked = admission->Reload(other, federation_file_);
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(*revoked, 1u);
  EXPECT_EQ(sessions_.size(), 0u);
  EXPECT_EQ(admission->Authorize(master_peer_, Request(agreement), 60).reason,
            "model_not_allowed");
  edc::AuthorizationRequest request = Request(agreement);
  request.model_sha256 = kOtherModel;
  EXPECT_TRUE(admission->Authorize(master_peer_, request, 60).admitted);

  // Trusted issuers are reloaded too.
  DataspaceConfig untrusting = other;
  untrusting.participant.trusted_issuers = {
      {space().DidOf("outsider"), {"FederatedModelCreatorCredential"}}};
  ASSERT_TRUE(admission->Reload(untrusting, federation_file_).ok());
  EXPECT_EQ(admission->Authorize(master_peer_, request, 60).reason,
            "untrusted_issuer");

  // A federation CA the master's certificate does not chain to.
  ASSERT_TRUE(admission->Reload(other, ca_file_).ok());
  EXPECT_EQ(admission->Authorize(master_peer_, request, 60).reason,
            "tls_key_not_bound");
}

}  // namespace
}  // namespace dsfl::slave
