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
        "admission.refused", "round.completed", "model.final",
        "job.cancelled"}) {
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
               {"global_model_sha256", std::string(64, 'f')}};
  EXPECT_TRUE(ValidateAuditEvent(e).ok());

  AuditEvent no_round = e;
  no_round.round.reset();
  EXPECT_FALSE(ValidateAuditEvent(no_round).ok());
  AuditEvent no_job = e;
  no_job.job.clear();
  EXPECT_FALSE(ValidateAuditEvent(no_job).ok());
  AuditEvent bad_hash = e;
  bad_hash.details["global_model_sha256"] = "ABC";
  Status s = ValidateAuditEvent(bad_hash);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(std::string(s.message()).find("global_model_sha256"),
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
