// The negotiation loop with an injected clock: a state machine walked to
// FINALIZED, TERMINATED with EDC's errorDetail, still pending at the
// timeout, and the back-off schedule. No test sleeps.
#include "connector-adapters/edc/negotiator.h"

#include <deque>

#include "absl/strings/str_cat.h"
#include "connector-adapters/identity/refusal.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/identity/test_util.h"

namespace dsfl::edc {
namespace {

using identity::HttpRequest;
using identity::HttpResponse;
using identity::Reason;
using identity::ReasonOf;
using identity::testing::FakeClock;
using identity::testing::ReadFixture;
using identity::testing::Unix;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kMgmt[] = "https://connector.example/api/management/v3";

// Answers /state with the next scripted state (the last one repeats).
class ScriptedConnector final : public identity::HttpFetcher {
 public:
  explicit ScriptedConnector(std::deque<std::string> states)
      : states_(std::move(states)) {}
  StatusOr<HttpResponse> Fetch(const HttpRequest& request) override {
    const std::string path = request.url.substr(std::string(kMgmt).size());
    if (path == "/contractnegotiations") {
      return HttpResponse{
          200,
          ReadFixture(
              "edc/management-api/negotiation-initiate-response.sedimark.json"),
          ""};
    }
    const std::string neg =
        "/contractnegotiations/c003809f-6f9f-4e3a-b718-2dbd8184a903";
    if (path == neg + "/state") {
      ++polls_;
      std::string state = states_.front();
      if (states_.size() > 1) states_.pop_front();
      return HttpResponse{
          200,
          absl::StrCat(R"({"@type":"NegotiationState","state":")", state,
                       "\"}"),
          ""};
    }
    if (path == neg) {
      return HttpResponse{
          200,
          ReadFixture("edc/management-api/"
                      "negotiation-state-terminated.constructed.json"),
          ""};
    }
    if (path == neg + "/agreement") {
      return HttpResponse{
          200,
          ReadFixture(
              "edc/management-api/contract-agreement.openapi-example.json"),
          ""};
    }
    return HttpResponse{404, "", ""};
  }
  int polls() const { return polls_; }

 private:
  std::deque<std::string> states_;
  int polls_ = 0;
};

// Advances the fake clock instead of sleeping, and records the waits.
class FakeSleeper final : public Sleeper {
 public:
  explicit FakeSleeper(FakeClock* clock) : clock_(clock) {}
  void SleepFor(absl::Duration d) override {
    waits.push_back(d);
    clock_->Advance(d);
  }
  std::vector<absl::Duration> waits;

 private:
  FakeClock* clock_;
};

class NegotiatorTest : public ::testing::Test {
 protected:
  StatusOr<NegotiationOutcome> Run(std::deque<std::string> states) {
    connector_ = std::make_unique<ScriptedConnector>(std::move(states));
    ManagementApiConfig config;
    config.management_url = "https://connector.example/api/management";
    client_ = *ManagementApiClient::Create(config, connector_.get());
    ContractRequest request;
    request.counter_party_address = "https://hospital.example/api/dsp/2025-1";
    request.offer = {{"@id", "offer-1"}, {"@type", "Offer"}};
    request.assigner = "did:web:hospital.example";
    request.target = "asset-id";
    return NegotiateContract(*client_, request, options_, clock_, sleeper_);
  }
  FakeClock clock_{Unix(1767225600)};
  FakeSleeper sleeper_{&clock_};
  NegotiationOptions options_;
  std::unique_ptr<ScriptedConnector> connector_;
  std::unique_ptr<ManagementApiClient> client_;
};

TEST_F(NegotiatorTest, WalksTheConsumerPathToAnAgreement) {
  StatusOr<NegotiationOutcome> outcome =
      Run({"INITIAL", "REQUESTING", "REQUESTED", "REQUESTED", "AGREED",
           "VERIFYING", "VERIFIED", "FINALIZED"});
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->negotiation_id, "c003809f-6f9f-4e3a-b718-2dbd8184a903");
  EXPECT_EQ(outcome->agreement.id, "negotiation-id");
  EXPECT_EQ(outcome->agreement.asset_id, "asset-id");
  EXPECT_THAT(
      outcome->states_seen,
      ElementsAre(NegotiationState::kInitial, NegotiationState::kRequesting,
                  NegotiationState::kRequested, NegotiationState::kAgreed,
                  NegotiationState::kVerifying, NegotiationState::kVerified,
                  NegotiationState::kFinalized));
  EXPECT_EQ(connector_->polls(), 8);
  // Exponential back-off from 100 ms, capped at 5 s.
  EXPECT_THAT(sleeper_.waits,
              ElementsAre(absl::Milliseconds(100), absl::Milliseconds(200),
                          absl::Milliseconds(400), absl::Milliseconds(800),
                          absl::Milliseconds(1600), absl::Milliseconds(3200),
                          absl::Seconds(5)));
}

TEST_F(NegotiatorTest, TerminatedIsRefusedWithEdcsReason) {
  StatusOr<NegotiationOutcome> outcome =
      Run({"REQUESTING", "REQUESTED", "TERMINATING", "TERMINATED"});
  EXPECT_EQ(ReasonOf(outcome.status()), Reason::kAgreementTerminated);
  EXPECT_THAT(outcome.status().message(),
              HasSubstr("Policy in scope contract.negotiation not fulfilled"));
}

TEST_F(NegotiatorTest, StillPendingAtTheTimeout) {
  options_.timeout = absl::Seconds(30);
  StatusOr<NegotiationOutcome> outcome = Run({"REQUESTED"});
  EXPECT_EQ(ReasonOf(outcome.status()), Reason::kAgreementPending);
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(outcome.status().message(),
              HasSubstr("still REQUESTED after 30s"));
  // Waited exactly up to the deadline, then polled once more.
  absl::Duration total;
  for (absl::Duration d : sleeper_.waits) total += d;
  EXPECT_EQ(total, absl::Seconds(30));
  EXPECT_EQ(clock_.Now(), Unix(1767225630));
}

}  // namespace
}  // namespace dsfl::edc
