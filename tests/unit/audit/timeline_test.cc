#include "common/audit/timeline.h"

#include "common/audit/audit_log.h"
#include "gtest/gtest.h"
#include "tests/unit/audit/test_util.h"

namespace dsfl::audit {
namespace {

using testing::FakeClock;
using testing::Options;
using testing::TempDir;
using testing::TestKey;

AuditEvent Event(const std::string& type, const std::string& job,
                 std::optional<int64_t> round, nlohmann::json details,
                 const std::string& subject = "") {
  AuditEvent e;
  e.type = type;
  e.job = job;
  e.round = round;
  e.subject = subject;
  e.details = std::move(details);
  return e;
}

// A master and a slave log of one short job, interleaved in time.
class TimelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    master_ = dir_.File("master/audit.jsonl");
    slave_ = dir_.File("hospital-a/audit.jsonl");
    AuditLogOptions mo = Options(master_, &clock_);
    mo.actor = "master";
    AuditLogOptions so = Options(slave_, &clock_);
    so.actor = "hospital-a";
    auto m = AuditLog::Open(mo, TestKey('m'));
    auto s = AuditLog::Open(so, TestKey('s'));
    ASSERT_TRUE(m.ok() && s.ok());
    const std::string h(64, 'a');
    auto at = [&](int second) {
      clock_.Set(absl::FromUnixSeconds(1767225600 + second));
    };
    at(1);
    ASSERT_TRUE(
        (*m)->Record(Event("job.submitted", "j1", {}, {{"job_spec_sha256", h}}))
            .ok());
    at(2);
    ASSERT_TRUE(
        (*s)->Record(Event("authorize.decision", "j1", {},
                           {{"decision", "allow"}, {"reason", "ok"}}, "master"))
            .ok());
    ASSERT_TRUE(
        (*m)->Record(Event("admission.granted", "j1", {}, {}, "hospital-a"))
            .ok());
    at(3);
    ASSERT_TRUE((*s)->Record(Event("round.participation", "j1", 1,
                                   {{"outcome", "sent"}, {"examples", 60}}))
                    .ok());
    at(4);
    ASSERT_TRUE((*m)->Record(Event("round.completed", "j1", 1,
                                   {{"participants", {"hospital-a"}},
                                    {"dropouts", nlohmann::json::array()},
                                    {"global_model_digest", h}}))
                    .ok());
    at(5);
    ASSERT_TRUE(
        (*m)->Record(Event("model.final", "j1", {}, {{"model_digest", h}}))
            .ok());
    at(6);
    ASSERT_TRUE(
        (*m)->Record(Event("job.submitted", "j2", {}, {{"job_spec_sha256", h}}))
            .ok());
  }

  TempDir dir_;
  FakeClock clock_;
  std::string master_;
  std::string slave_;
};

TEST_F(TimelineTest, MergesByTimeThenNode) {
  auto timeline = LoadTimeline({master_, slave_});
  ASSERT_TRUE(timeline.ok()) << timeline.status();
  EXPECT_EQ(timeline->skipped_lines, 0u);
  std::vector<TimelineEntry> entries = SelectTimeline(*timeline, {});
  std::vector<std::string> order;
  for (const auto& e : entries) {
    order.push_back(e.record.actor + " " + e.record.event);
  }
  EXPECT_EQ(order, (std::vector<std::string>{
                       "master job.submitted",
                       "hospital-a authorize.decision",  // same time: by node
                       "master admission.granted",
                       "hospital-a round.participation",
                       "master round.completed",
                       "master model.final",
                       "master job.submitted",
                   }));
  const std::string text = FormatTimelineText(entries);
  EXPECT_NE(text.find("── job j1 ──"), std::string::npos) << text;
  EXPECT_NE(text.find("── job j1 · round 1 ──"), std::string::npos) << text;
  EXPECT_NE(text.find("[master] decision=allow reason=ok"), std::string::npos)
      << text;
  EXPECT_NE(text.find("global_model_digest=aaaaaaaaaaaa…"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("log.genesis"), std::string::npos);
}

TEST_F(TimelineTest, Filters) {
  auto timeline = LoadTimeline({master_, slave_});
  ASSERT_TRUE(timeline.ok());
  TimelineFilter by_job;
  by_job.job = "j2";
  EXPECT_EQ(SelectTimeline(*timeline, by_job).size(), 1u);
  TimelineFilter by_event;
  by_event.event = "round.*";
  EXPECT_EQ(SelectTimeline(*timeline, by_event).size(), 2u);
  by_event.event = "admission.";
  EXPECT_EQ(SelectTimeline(*timeline, by_event).size(), 1u);
  by_event.event = "log.genesis";
  EXPECT_EQ(SelectTimeline(*timeline, by_event).size(), 2u);
  TimelineFilter since;
  since.since = *ParseSince("2026-01-01T00:00:04Z");
  EXPECT_EQ(SelectTimeline(*timeline, since).size(), 3u);
  TimelineFilter all;
  all.include_log_events = true;
  // 7 events, 2 geneses, 2 close checkpoints.
  EXPECT_EQ(SelectTimeline(*timeline, all).size(), 11u);
  const std::string json =
      FormatTimelineJson(SelectTimeline(*timeline, by_job));
  auto line = nlohmann::json::parse(json);
  EXPECT_EQ(line["job"], "j2");
  EXPECT_EQ(line["log"], master_);
}

TEST(ParseSinceTest, Formats) {
  EXPECT_EQ(*ParseSince("2026-01-01"), absl::FromUnixSeconds(1767225600));
  EXPECT_EQ(*ParseSince("2026-01-01T01:00"), absl::FromUnixSeconds(1767229200));
  EXPECT_EQ(*ParseSince("2026-01-01T01:00:00+01:00"),
            absl::FromUnixSeconds(1767225600));
  EXPECT_EQ(*ParseSince("2026-01-01T00:00:00.500Z"),
            absl::FromUnixMillis(1767225600500));
  EXPECT_FALSE(ParseSince("yesterday").ok());
}

}  // namespace
}  // namespace dsfl::audit
