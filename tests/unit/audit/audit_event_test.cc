#include "common/audit/audit_event.h"

#include <set>

#include "common/audit/audit_sink.h"
#include "gtest/gtest.h"

namespace dsfl::audit {
namespace {

TEST(AuditEventTest, CatalogueNamesAreUniqueAndDocumented) {
  std::set<std::string> names;
  for (const EventSpec& spec : EventCatalogue()) {
    EXPECT_TRUE(names.insert(spec.type).second) << spec.type;
    EXPECT_NE(std::string(spec.description), "") << spec.type;
    EXPECT_EQ(FindEventSpec(spec.type), &spec);
  }
  // Issue #4 item 2 and the dataspace admission steps.
  for (const char* required :
       {"node.start", "node.stop", "authorize.decision", "dataset.read",
        "round.participation", "job.submitted", "discovery.result",
        "negotiation.state", "credential.check", "admission.granted",
        "admission.refused", "round.completed", "model.final", "job.cancelled",
        "analytics.query", "analysis.round", "analysis.report"}) {
    EXPECT_NE(FindEventSpec(required), nullptr) << required;
  }
  EXPECT_EQ(FindEventSpec("nope"), nullptr);
}

TEST(AuditEventTest, Validation) {
  AuditEvent e;
  e.type = "round.completed";
  e.job = "j";
  e.round = 3;
  e.details = {{"participants", {"a"}},
               {"dropouts", nlohmann::json::array()},
               {"global_model_digest", std::string(64, 'f')}};
  EXPECT_TRUE(ValidateAuditEvent(e).ok());

  AuditEvent no_round = e;
  no_round.round.reset();
  EXPECT_FALSE(ValidateAuditEvent(no_round).ok());
  AuditEvent no_job = e;
  no_job.job.clear();
  EXPECT_FALSE(ValidateAuditEvent(no_job).ok());
  AuditEvent bad_hash = e;
  bad_hash.details["global_model_digest"] = "ABC";
  Status s = ValidateAuditEvent(bad_hash);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("global_model_digest"),
            std::string::npos);
  AuditEvent missing = e;
  missing.details.erase("dropouts");
  s = ValidateAuditEvent(missing);
  EXPECT_NE(std::string(s.message()).find("details.dropouts is required"),
            std::string::npos)
      << s;
  AuditEvent not_object = e;
  not_object.details = nlohmann::json::array();
  EXPECT_FALSE(ValidateAuditEvent(not_object).ok());
  AuditEvent negative_rows;
  negative_rows.type = "dataset.read";
  negative_rows.details = {
      {"source", "csv:x"}, {"rows", -1}, {"columns", nlohmann::json::array()}};
  EXPECT_FALSE(ValidateAuditEvent(negative_rows).ok());
  AuditEvent reserved;
  reserved.type = "log.genesis";
  EXPECT_FALSE(ValidateAuditEvent(reserved).ok());
}

TEST(AuditEventTest, AnalyticsEvents) {
  // The slave's answer to one analytics query.
  AuditEvent query;
  query.type = "analytics.query";
  query.job = "j";
  query.subject = "csv:lung.csv";
  query.details = {{"query", "KaplanMeier"},
                   {"decision", "released"},
                   {"columns", {"time", "event"}},
                   {"rows", 60},
                   {"events", 40},
                   {"values", 121},
                   {"limits", {{"min_rows", 10}}}};
  EXPECT_TRUE(ValidateAuditEvent(query).ok());
  AuditEvent no_job = query;
  no_job.job.clear();
  EXPECT_FALSE(ValidateAuditEvent(no_job).ok());
  AuditEvent no_decision = query;
  no_decision.details.erase("decision");
  EXPECT_FALSE(ValidateAuditEvent(no_decision).ok());
  AuditEvent negative_events = query;
  negative_events.details["events"] = -1;
  EXPECT_FALSE(ValidateAuditEvent(negative_events).ok());
  AuditEvent limits_not_object = query;
  limits_not_object.details["limits"] = 10;
  EXPECT_FALSE(ValidateAuditEvent(limits_not_object).ok());

  // The master's query round and report.
  AuditEvent round;
  round.type = "analysis.round";
  round.job = "j";
  round.round = 1;
  round.details = {{"query", "Summary"},
                   {"sites", {"a", "b"}},
                   {"answered", {"a"}},
                   {"refused", {"b: disclosure limit"}}};
  EXPECT_TRUE(ValidateAuditEvent(round).ok());
  AuditEvent no_round = round;
  no_round.round.reset();
  EXPECT_FALSE(ValidateAuditEvent(no_round).ok());
  AuditEvent sites_not_array = round;
  sites_not_array.details["sites"] = "a";
  EXPECT_FALSE(ValidateAuditEvent(sites_not_array).ok());
  AuditEvent report;
  report.type = "analysis.report";
  report.job = "j";
  report.details = {{"report_sha256", std::string(64, 'e')}, {"rounds", 9}};
  EXPECT_TRUE(ValidateAuditEvent(report).ok());
  report.details["report_sha256"] = "E";
  EXPECT_FALSE(ValidateAuditEvent(report).ok());
}

TEST(AuditSinkTest, NullAndMemorySinksValidate) {
  AuditEvent ok;
  ok.type = "node.start";
  ok.details = {{"role", "slave"}, {"config_sha256", std::string(64, '0')}};
  AuditEvent bad;
  bad.type = "node.start";
  EXPECT_TRUE(NullAuditSink().Record(ok).ok());
  EXPECT_FALSE(NullAuditSink().Record(bad).ok());
  MemoryAuditSink memory;
  EXPECT_TRUE(memory.Record(ok).ok());
  EXPECT_FALSE(memory.Record(bad).ok());
  ASSERT_EQ(memory.events().size(), 1u);
  EXPECT_EQ(memory.events("node.start").size(), 1u);
  EXPECT_TRUE(memory.events("node.stop").empty());
}

}  // namespace
}  // namespace dsfl::audit
