// SessionGate refusals: a caller-provided job id reaches the answer, the
// log and the audit record only clipped.
#include "slave/service/session_gate.h"

#include <string>

#include "common/audit/audit_event.h"
#include "common/audit/audit_sink.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "master/core/job_spec.h"

namespace dsfl::slave {
namespace {

using ::testing::HasSubstr;

class FixedClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::FromUnixSeconds(1700000000); }
};

class CountingBytes final : public RandomBytes {
 public:
  Status Fill(unsigned char* out, size_t size) override {
    for (size_t i = 0; i < size; ++i) out[i] = static_cast<unsigned char>(i);
    return absl::OkStatus();
  }
};

TEST(SessionGateTest, DisabledGatePassesEverything) {
  SessionGate gate(nullptr, nullptr);
  EXPECT_FALSE(gate.enabled());
  EXPECT_TRUE(gate.Check(nullptr, {"Train", "j", ""}).allowed);
}

TEST(SessionGateTest, RefusalWithoutTlsIsAuditedAndClipsTheJobId) {
  FixedClock clock;
  CountingBytes random;
  AdmissionSessions sessions(&clock, &random, SessionLimits{});
  audit::MemoryAuditSink audit;
  SessionGate gate(&sessions, &audit);

  const std::string huge_job(100000, 'j');
  const GatedCall call{"Summary", huge_job, "some-session"};
  const GateResult result = gate.Check(nullptr, call);
  ASSERT_FALSE(result.allowed);
  EXPECT_EQ(result.reason, "no_peer_certificate");
  EXPECT_LT(result.message.size(), 1000u);
  EXPECT_THAT(result.message, HasSubstr("no TLS client certificate"));

  const Status denied = gate.Deny(call, result);
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_LT(denied.message().size(), 1000u);
  const auto refused = audit.events(audit::events::kCallRefused);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].subject, "Summary");
  EXPECT_LT(refused[0].job.size(), 1000u);
  EXPECT_EQ(refused[0].details["reason"], "no_peer_certificate");
  EXPECT_LT(refused[0].details["message"].get<std::string>().size(), 1000u);
}

GateResult AdmittedFor(const std::string& model_sha256) {
  GateResult admitted;
  admitted.session.emplace();
  admitted.session->grant.job_id = "j";
  admitted.session->grant.model_sha256 = model_sha256;
  return admitted;
}

TEST(SessionGateTest, AnalyticsNeedASessionAdmittedForAnAnalysis) {
  SessionGate gate(nullptr, nullptr);
  for (auto type : {analytics::AnalysisSpec::Type::kCox,
                    analytics::AnalysisSpec::Type::kKaplanMeier,
                    analytics::AnalysisSpec::Type::kConcordance}) {
    EXPECT_TRUE(
        gate.CheckAnalysis(AdmittedFor(master::AnalysisSha256(type))).allowed);
  }
  // Admitted to train a model: no analytics with that session.
  const std::string model(64, 'a');
  const GateResult refused = gate.CheckAnalysis(AdmittedFor(model));
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.reason, "model_not_allowed");
  EXPECT_FALSE(refused.session.has_value());
  EXPECT_THAT(refused.message, HasSubstr(model));
  // A static federation (no session) and earlier refusals pass unchanged.
  EXPECT_TRUE(gate.CheckAnalysis(GateResult()).allowed);
  GateResult earlier;
  earlier.allowed = false;
  earlier.reason = "no_session";
  EXPECT_EQ(gate.CheckAnalysis(earlier).reason, "no_session");
}

// The converse for ComputeMoments: an analysis session cannot start the
// training side.
TEST(SessionGateTest, TrainingCallsRefuseAnAnalysisSession) {
  SessionGate gate(nullptr, nullptr);
  const std::string model(64, 'a');
  EXPECT_TRUE(gate.CheckTraining(AdmittedFor(model)).allowed);
  const std::string cox =
      master::AnalysisSha256(analytics::AnalysisSpec::Type::kCox);
  const GateResult refused = gate.CheckTraining(AdmittedFor(cox));
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.reason, "model_not_allowed");
  EXPECT_FALSE(refused.session.has_value());
  EXPECT_THAT(refused.message, HasSubstr(cox));
  EXPECT_TRUE(gate.CheckTraining(GateResult()).allowed);
  GateResult earlier;
  earlier.allowed = false;
  earlier.reason = "session_wrong_peer";
  EXPECT_EQ(gate.CheckTraining(earlier).reason, "session_wrong_peer");
}

}  // namespace
}  // namespace dsfl::slave
