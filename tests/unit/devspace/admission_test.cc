// Flow 1 end to end against the dev dataspace over HTTPS: the master's
// discover/negotiate/verify pipeline over four hospitals (one admitted,
// one revoked, one stalled, one terminated), then the admitted slave's
// three Authorize checks, each refusal with its own reason.
#include "connector-adapters/edc/master_admission.h"
#include "connector-adapters/edc/slave_authorizer.h"
#include "connector-adapters/identity/refusal.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/devspace/test_support.h"

namespace dsfl::devspace {
namespace {

using edc::AdmissionStep;
using identity::Reason;
using identity::ReasonOf;
using identity::testing::FakeClock;
using identity::testing::Unix;
using ::testing::HasSubstr;

constexpr char kModel[] =
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

class AdmissionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = testing::StartServer(pki_, testing::DemoConfig(), &clock_);
    ASSERT_NE(server_, nullptr);
    identity::HttpsFetcherOptions options;
    options.ca_pem = pki_.ca_pem;
    fetcher_ = identity::NewHttpsFetcher(options);
    resolver_ = std::make_unique<identity::DidWebResolver>(
        fetcher_.get(), identity::DidWebResolverOptions{});
    lists_ = std::make_unique<identity::HttpStatusListSource>(
        fetcher_.get(), resolver_.get(), &clock_,
        identity::HttpStatusListSourceOptions{});
    verifier_ = std::make_unique<identity::PresentationVerifier>(
        resolver_.get(), lists_.get(), &clock_);
  }

  const Dataspace& space() const { return server_->dataspace(); }

  std::unique_ptr<edc::ManagementApiClient> Connector(const std::string& name) {
    edc::ManagementApiConfig config;
    config.management_url = space().ManagementUrl(name);
    config.api_key = "test-api-key";
    return *edc::ManagementApiClient::Create(config, fetcher_.get());
  }

  std::unique_ptr<identity::PresentationQueryClient> Dcp(
      const std::string& name) {
    return std::make_unique<identity::PresentationQueryClient>(
        fetcher_.get(), resolver_.get(), space().KeyOf(name),
        space().DidOf(name), &clock_);
  }

  edc::AdmissionReport RunMaster() {
    auto connector = Connector("master");
    auto dcp = Dcp("master");
    edc::MasterAdmission admission(connector.get(), dcp.get(), verifier_.get(),
                                   &clock_, &sleeper_);
    edc::MasterAdmissionOptions options;
    options.master_did = space().DidOf("master");
    options.profile = testing::kLungProfile;
    options.trusted_issuers = {{space().IssuerDid(), {"MembershipCredential"}}};
    options.negotiation.timeout = absl::Seconds(10);
    StatusOr<edc::AdmissionReport> report = admission.Run(options);
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? *report : edc::AdmissionReport{};
  }

  const edc::CandidateNode* NodeOf(const edc::AdmissionReport& report,
                                   const std::string& name) {
    for (const edc::CandidateNode& node : report.nodes) {
      if (node.dataset.participant_id == space().DidOf(name)) return &node;
    }
    return nullptr;
  }

  edc::SlaveAdmissionPolicy HospitalPolicy(const std::string& name) {
    edc::SlaveAdmissionPolicy policy;
    policy.own_did = space().DidOf(name);
    policy.dataset_id = "lung-" + name;
    policy.trusted_issuers = {
        {space().IssuerDid(), {"FederatedModelCreatorCredential"}}};
    policy.allowed_model_sha256 = {kModel};
    policy.min_cohort = 20;
    policy.required_privacy_settings = {"dp.noise_multiplier"};
    return policy;
  }

  StatusOr<edc::AuthorizationDecision> Authorize(
      const std::string& hospital, edc::AuthorizationRequest request,
      int64_t cohort = 60) {
    auto connector = Connector(hospital);
    auto dcp = Dcp(hospital);
    edc::SlaveAuthorizer authorizer(connector.get(), dcp.get(), verifier_.get(),
                                    HospitalPolicy(hospital));
    return authorizer.Authorize(request, cohort);
  }

  edc::AuthorizationRequest RequestFor(const std::string& agreement_id) {
    edc::AuthorizationRequest request;
    request.job_id = "job-1";
    request.master_did = space().DidOf("master");
    request.agreement_id = agreement_id;
    request.model_sha256 = kModel;
    request.privacy = {{"dp.noise_multiplier", "1.1"}};
    return request;
  }

  testing::Pki pki_ = testing::MakePki();
  FakeClock clock_{Unix(1767225600)};
  testing::ClockSleeper sleeper_{&clock_};
  std::unique_ptr<DevDataspaceServer> server_;
  std::unique_ptr<identity::HttpFetcher> fetcher_;
  std::unique_ptr<identity::DidWebResolver> resolver_;
  std::unique_ptr<identity::HttpStatusListSource> lists_;
  std::unique_ptr<identity::PresentationVerifier> verifier_;
};

TEST_F(AdmissionTest, MasterAdmitsOnlyTheVerifiedHospital) {
  edc::AdmissionReport report = RunMaster();
  ASSERT_EQ(report.nodes.size(), 4u);
  EXPECT_EQ(report.admitted(), 1);
  const edc::CandidateNode* a = NodeOf(report, "hospital-a");
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->admitted()) << a->refusal;
  EXPECT_EQ(a->agreement.consumer_id, space().DidOf("master"));
  EXPECT_EQ(a->presentation.holder, space().DidOf("hospital-a"));
  EXPECT_EQ(a->dataset.slave_endpoint, "127.0.0.1:50051");
  const edc::CandidateNode* b = NodeOf(report, "hospital-b");
  EXPECT_EQ(b->reached, AdmissionStep::kVerify);
  EXPECT_EQ(ReasonOf(b->refusal), Reason::kRevoked);
  const edc::CandidateNode* c = NodeOf(report, "hospital-c");
  EXPECT_EQ(c->reached, AdmissionStep::kNegotiate);
  EXPECT_EQ(ReasonOf(c->refusal), Reason::kAgreementPending);
  const edc::CandidateNode* d = NodeOf(report, "hospital-d");
  EXPECT_EQ(ReasonOf(d->refusal), Reason::kAgreementTerminated);
}

TEST_F(AdmissionTest, SlaveAuthorizesTheMasterOfItsAgreement) {
  edc::AdmissionReport report = RunMaster();
  const edc::CandidateNode* a = NodeOf(report, "hospital-a");
  ASSERT_TRUE(a != nullptr && a->admitted());
  const std::string agreement = a->agreement.id;
  StatusOr<edc::AuthorizationDecision> ok =
      Authorize("hospital-a", RequestFor(agreement));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->master.holder, space().DidOf("master"));
  EXPECT_EQ(ok->agreement.id, agreement);

  edc::AuthorizationRequest other_model = RequestFor(agreement);
  other_model.model_sha256 = std::string(64, '0');
  EXPECT_EQ(ReasonOf(Authorize("hospital-a", other_model).status()),
            Reason::kModelNotAllowed);
  EXPECT_EQ(
      ReasonOf(Authorize("hospital-a", RequestFor(agreement), 5).status()),
      Reason::kCohortTooSmall);
  edc::AuthorizationRequest no_privacy = RequestFor(agreement);
  no_privacy.privacy.clear();
  EXPECT_EQ(ReasonOf(Authorize("hospital-a", no_privacy).status()),
            Reason::kPrivacySettingMissing);
  EXPECT_EQ(
      ReasonOf(
          Authorize("hospital-a", RequestFor("no-such-agreement")).status()),
      Reason::kAgreementNotFound);
  // Another hospital's connector never saw this agreement.
  EXPECT_EQ(ReasonOf(Authorize("hospital-b", RequestFor(agreement)).status()),
            Reason::kAgreementNotFound);
}

TEST_F(AdmissionTest, SlaveRefusesAMasterWithoutTheCreatorCredential) {
  edc::AdmissionReport report = RunMaster();
  const edc::CandidateNode* a = NodeOf(report, "hospital-a");
  ASSERT_TRUE(a != nullptr && a->admitted());
  // hospital-b is a member but no federated model creator.
  edc::AuthorizationRequest impostor = RequestFor(a->agreement.id);
  impostor.master_did = space().DidOf("hospital-b");
  Status status = Authorize("hospital-a", impostor).status();
  EXPECT_EQ(ReasonOf(status), Reason::kMissingCredential);
  EXPECT_THAT(status.message(), HasSubstr("master credential"));
  // A presentation addressed to someone else.
  edc::AuthorizationRequest replayed = RequestFor(a->agreement.id);
  replayed.master_presentation = "not-a-jwt";
  EXPECT_EQ(ReasonOf(Authorize("hospital-a", replayed).status()),
            Reason::kMalformed);
}

}  // namespace
}  // namespace dsfl::devspace
