// Audit of the exact survival analytics (docs/audit.md): the slave's
// SiteAnalytics records each read of its data source (dataset.read) and
// every query, released, refused or failed (analytics.query), durably
// before the answer is returned, never with a data value, and releases
// nothing when the log fails; the master's AnalysisAudit records each
// query round of an analysis (analysis.round) with every site's outcome,
// and an analysis that cannot audit a round stops.
#include <fstream>
#include <set>

#include "common/audit/audit_log.h"
#include "common/audit/verifier.h"
#include "connector-adapters/dataproxy/csv_data_source.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "master/analytics/analysis.h"
#include "master/analytics/analysis_audit.h"
#include "tests/testing/temp_dir.h"
#include "tests/unit/survival/survival_fixture.h"

namespace dsfl::analytics {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

SurvivalSpec MainSpec() {
  return {"time", "event", {"age", "sex", "ph.ecog"}, RowSet::kAll, 0, 0};
}

std::string Shard(const std::string& split, const std::string& label) {
  return testing::SourcePath("tests/fixtures/lung_shards/" + split + "/lung_" +
                             split + "_" + label + ".csv");
}

std::unique_ptr<SiteAnalytics> Site(const std::string& file,
                                    DisclosureLimits limits,
                                    audit::AuditSink* sink) {
  return std::make_unique<SiteAnalytics>(
      std::make_unique<dataproxy::CsvDataSource>(file), limits, sink);
}

// The only members an analytics.query record may have, and the only ones
// that may hold numbers (counts and limits, never a data value).
void ExpectNoValues(const nlohmann::json& details) {
  static const std::set<std::string> kAllowed = {
      "query",   "decision", "columns", "rows",   "events",
      "row_set", "released", "values",  "reason", "limits"};
  static const std::set<std::string> kNumeric = {"rows", "events", "values"};
  for (const auto& [key, value] : details.items()) {
    EXPECT_TRUE(kAllowed.count(key)) << "unexpected member " << key;
    if (value.is_number()) {
      EXPECT_TRUE(kNumeric.count(key)) << key << " holds a number";
      EXPECT_TRUE(value.is_number_integer()) << key;
    }
  }
  for (const auto& column : details.at("columns")) {
    EXPECT_TRUE(column.is_string());
  }
  for (const auto& [key, value] : details.at("limits").items()) {
    EXPECT_TRUE(value.is_number_integer()) << key;
  }
}

class FailingSink final : public audit::AuditSink {
 public:
  Status Record(const audit::AuditEvent& /*event*/) override {
    ++calls;
    return absl::InternalError("disk full");
  }
  int calls = 0;
};

TEST(AnalyticsAuditTest, ReleasedQueryIsRecordedWithItsCounts) {
  audit::MemoryAuditSink sink;
  const std::string file = Shard("mod3", "0");
  auto site = Site(file, testing::OpenLimits(), &sink);
  auto summary = site->Summary({"job-1"}, MainSpec(), true);
  ASSERT_TRUE(summary.ok()) << summary.status();

  // The read, then the query: both before the answer came back.
  std::vector<audit::AuditEvent> events = sink.events();
  ASSERT_EQ(events.size(), 2u);
  const audit::AuditEvent& read = events[0];
  EXPECT_EQ(read.type, "dataset.read");
  EXPECT_EQ(read.job, "job-1");
  EXPECT_EQ(read.subject, "csv:" + file);
  EXPECT_EQ(read.details.at("source"), "csv:" + file);
  EXPECT_EQ(read.details.at("purpose"), "analytics");
  EXPECT_GE(read.details.at("rows").get<int64_t>(), summary->rows);
  EXPECT_THAT(read.details.at("columns").get<std::vector<std::string>>(),
              ::testing::IsSupersetOf({"time", "event", "age"}));

  const audit::AuditEvent& query = events[1];
  EXPECT_EQ(query.type, "analytics.query");
  EXPECT_EQ(query.job, "job-1");
  EXPECT_FALSE(query.round.has_value());
  EXPECT_EQ(query.subject, "csv:" + file);
  const nlohmann::json& d = query.details;
  EXPECT_EQ(d.at("query"), "Summary");
  EXPECT_EQ(d.at("decision"), "released");
  EXPECT_EQ(d.at("columns"),
            nlohmann::json({"time", "event", "age", "sex", "ph.ecog"}));
  EXPECT_EQ(d.at("row_set"), "all");
  EXPECT_EQ(d.at("rows").get<int64_t>(), summary->rows);
  EXPECT_EQ(d.at("events").get<int64_t>(), summary->events);
  EXPECT_EQ(d.at("values").get<int64_t>(),
            2 + 3 + 2 * static_cast<int64_t>(summary->event_times.size()));
  EXPECT_THAT(
      d.at("released").get<std::string>(),
      HasSubstr(std::to_string(summary->event_times.size()) + " event times"));
  EXPECT_EQ(d.at("limits"),
            nlohmann::json(
                {{"min_rows", 0}, {"min_events", 0}, {"min_cell_count", 1}}));
  EXPECT_FALSE(d.contains("reason"));
  ExpectNoValues(d);
}

TEST(AnalyticsAuditTest, EveryQueryKindIsRecordedAndTheSourceReadOncePerJob) {
  audit::MemoryAuditSink sink;
  auto site = Site(Shard("mod3", "1"), testing::OpenLimits(), &sink);
  const QueryContext job{"job-2"};
  auto summary = site->Summary(job, MainSpec(), true);
  ASSERT_TRUE(summary.ok());
  CoxQuery query{MainSpec(),
                 Ties::kEfron,
                 {0.01, -0.3, 0.4},
                 {60, 1.4, 1},
                 summary->event_times};
  ASSERT_TRUE(site->CoxStratified(job, query).ok());
  ASSERT_TRUE(site->CoxRiskSets(job, query).ok());
  ASSERT_TRUE(site->CoxBaseline(job, query).ok());
  ASSERT_TRUE(site->KaplanMeier(job, MainSpec()).ok());
  RiskModel model;
  model.beta = {0.01, -0.3, 0.4};
  auto probes = site->RiskProbes(job, MainSpec(), model);
  ASSERT_TRUE(probes.ok());
  ASSERT_TRUE(site->Concordance(job, {MainSpec(), model, *probes}).ok());

  EXPECT_EQ(sink.events("dataset.read").size(), 1u);
  std::vector<std::string> kinds;
  for (const audit::AuditEvent& e : sink.events("analytics.query")) {
    kinds.push_back(e.details.at("query"));
    EXPECT_EQ(e.details.at("decision"), "released");
    EXPECT_EQ(e.details.at("rows").get<int64_t>(), summary->rows);
    EXPECT_GT(e.details.at("values").get<int64_t>(), 0);
    ExpectNoValues(e.details);
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{
                       "Summary", "CoxStratified", "CoxRiskSets", "CoxBaseline",
                       "KaplanMeier", "RiskProbes", "Concordance"}));
  // RiskProbes: three numbers per probe.
  EXPECT_EQ(sink.events("analytics.query")[5].details.at("values"),
            3 * static_cast<int64_t>(probes->size()));

  // Another job re-reads the source, and says so.
  ASSERT_TRUE(site->KaplanMeier({"job-3"}, MainSpec()).ok());
  ASSERT_EQ(sink.events("dataset.read").size(), 2u);
  EXPECT_EQ(sink.events("dataset.read")[1].job, "job-3");
}

TEST(AnalyticsAuditTest, RefusalIsRecordedWithTheLimitAndNothingElse) {
  audit::MemoryAuditSink sink;
  // Institution 02: 5 patients, below the default 10 rows.
  auto site = Site(Shard("inst", "02"), DisclosureLimits{}, &sink);
  auto summary = site->Summary({"job-4"}, MainSpec(), false);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kFailedPrecondition);
  auto queries = sink.events("analytics.query");
  ASSERT_EQ(queries.size(), 1u);
  const nlohmann::json& d = queries[0].details;
  EXPECT_EQ(d.at("decision"), "refused");
  EXPECT_EQ(d.at("reason"), std::string(summary.status().message()));
  EXPECT_THAT(d.at("reason").get<std::string>(), HasSubstr("limits.min_rows"));
  EXPECT_EQ(d.at("rows"), 5);
  EXPECT_FALSE(d.contains("released"));
  EXPECT_FALSE(d.contains("values"));
  ExpectNoValues(d);

  // A per-time refusal (min_cell_count) after the cohort passed.
  audit::MemoryAuditSink cells;
  auto strict = Site(Shard("mod3", "0"), DisclosureLimits{10, 3, 2}, &cells);
  ASSERT_FALSE(strict->KaplanMeier({"job-5"}, MainSpec()).ok());
  auto km = cells.events("analytics.query");
  ASSERT_EQ(km.size(), 1u);
  EXPECT_EQ(km[0].details.at("decision"), "refused");
  EXPECT_THAT(km[0].details.at("reason").get<std::string>(),
              HasSubstr("limits.min_cell_count"));
  EXPECT_EQ(km[0].details.at("limits").at("min_cell_count"), 2);
}

TEST(AnalyticsAuditTest, FailuresAreRecordedWithoutTheDataSourcesWords) {
  audit::MemoryAuditSink sink;
  // A field that is not a number: the CSV reader's message quotes it.
  const std::string csv = testing::WriteTempFile(
      "secret.csv", "time,event,age\n5,1,60\n7,0,SECRET-VALUE-42\n");
  auto site = Site(csv, testing::OpenLimits(), &sink);
  auto km = site->KaplanMeier({"job-6"}, MainSpec());
  ASSERT_FALSE(km.ok());
  EXPECT_TRUE(sink.events("dataset.read").empty());
  auto queries = sink.events("analytics.query");
  ASSERT_EQ(queries.size(), 1u);
  const nlohmann::json& d = queries[0].details;
  EXPECT_EQ(d.at("decision"), "failed");
  EXPECT_THAT(d.at("reason").get<std::string>(),
              HasSubstr("reading the data source failed"));
  EXPECT_THAT(queries[0].details.dump(), Not(HasSubstr("SECRET")));
  EXPECT_FALSE(d.contains("rows"));

  // A query naming an unknown column: the reason says which.
  audit::MemoryAuditSink sink2;
  auto lung = Site(Shard("mod3", "0"), testing::OpenLimits(), &sink2);
  SurvivalSpec wrong = MainSpec();
  wrong.covariates = {"nope"};
  ASSERT_FALSE(lung->Summary({"job-7"}, wrong, false).ok());
  auto failed = sink2.events("analytics.query");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].details.at("decision"), "failed");
  EXPECT_THAT(failed[0].details.at("reason").get<std::string>(),
              HasSubstr("'nope'"));
}

TEST(AnalyticsAuditTest, InvalidValuesAreNamedByRowNotByValue) {
  audit::MemoryAuditSink sink;
  const std::string csv = testing::WriteTempFile(
      "negative.csv", "time,event,age\n5,1,60\n-123456,0,70\n");
  auto site = Site(csv, testing::OpenLimits(), &sink);
  SurvivalSpec spec = MainSpec();
  spec.covariates = {"age"};
  auto km = site->KaplanMeier({"job-8"}, spec);
  ASSERT_FALSE(km.ok());
  const std::string message(km.status().message());
  EXPECT_THAT(message, HasSubstr("column 'time' row 1"));
  EXPECT_THAT(message, Not(HasSubstr("123456")));
  EXPECT_THAT(sink.events("analytics.query")[0].details.dump(),
              Not(HasSubstr("123456")));
}

TEST(AnalyticsAuditTest, NothingIsReleasedWhenTheLogFails) {
  FailingSink sink;
  auto site = Site(Shard("mod3", "0"), testing::OpenLimits(), &sink);
  auto summary = site->Summary({"job-9"}, MainSpec(), false);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(summary.status().message(), HasSubstr("audit log: disk full"));
  // The read could not be recorded (so its rows were not used), nor could
  // the failed query.
  EXPECT_EQ(sink.calls, 2);
  // Still failing on the next query: the unrecorded read was not cached.
  EXPECT_FALSE(site->KaplanMeier({"job-9"}, MainSpec()).ok());
  EXPECT_EQ(sink.calls, 4);
}

TEST(AnalyticsAuditTest, EmptyJobIdIsRefusedBeforeAnythingIsRead) {
  audit::MemoryAuditSink sink;
  auto site = Site(Shard("mod3", "0"), testing::OpenLimits(), &sink);
  auto summary = site->Summary({""}, MainSpec(), false);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(summary.status().message(), HasSubstr("job id"));
  EXPECT_TRUE(sink.events().empty());
}

TEST(AnalyticsAuditTest, RecordsAreDurableInTheSignedLogBeforeTheAnswer) {
  dsfl::testing::TempDir dir;
  const std::string path = dir.File("audit.jsonl");
  auto log = audit::OpenNodeAuditLog(path, dir.File("key.pem"), "hospital-a");
  ASSERT_TRUE(log.ok()) << log.status();
  auto site = Site(Shard("mod3", "2"), testing::OpenLimits(), log->get());
  ASSERT_TRUE(site->KaplanMeier({"job-10"}, MainSpec()).ok());
  // While the log is still open: the file already ends with the record.
  audit::VerifyReport report = audit::VerifyLog(path, {});
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_EQ(report.records, 3u);  // genesis, dataset.read, analytics.query
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line)) last = line;
  EXPECT_THAT(last, HasSubstr("\"event\":\"analytics.query\""));
  EXPECT_THAT(last, HasSubstr("\"query\":\"KaplanMeier\""));
  ASSERT_TRUE((*log)->Close().ok());
}

// ------------------------------------------------------------ master side

TEST(AnalysisAuditTest, EveryQueryRoundIsRecordedInOrder) {
  testing::SimulatedFederation sim(testing::ShardFiles("mod3"),
                                   testing::OpenLimits());
  audit::MemoryAuditSink sink;
  AnalysisAudit audit(&sink, "job-11");
  Federation federation = sim.federation();
  federation.observer = &audit;
  AnalysisSpec spec;
  spec.data = MainSpec();
  auto result = RunAnalysis(spec, federation);
  ASSERT_TRUE(result.ok()) << result.status();

  std::vector<audit::AuditEvent> rounds = sink.events("analysis.round");
  ASSERT_EQ(static_cast<int64_t>(rounds.size()), audit.rounds());
  // Pooled Cox: the summary, risk-set rounds for the Newton iterations,
  // then the concordance rounds (Kaplan-Meier for Uno's C, probes, pairs).
  ASSERT_GT(rounds.size(), 4u);
  EXPECT_EQ(rounds.front().details.at("query"), "Summary");
  std::multiset<std::string> kinds;
  const nlohmann::json sites = {"lung_mod3_0", "lung_mod3_1", "lung_mod3_2"};
  for (size_t i = 0; i < rounds.size(); ++i) {
    EXPECT_EQ(rounds[i].job, "job-11");
    EXPECT_EQ(rounds[i].round, static_cast<int64_t>(i + 1));
    EXPECT_EQ(rounds[i].details.at("sites"), sites);
    EXPECT_EQ(rounds[i].details.at("answered"), sites);
    EXPECT_FALSE(rounds[i].details.contains("refused"));
    kinds.insert(rounds[i].details.at("query").get<std::string>());
  }
  EXPECT_GE(kinds.count("CoxRiskSets"),
            static_cast<size_t>(result->cox->iterations));
  EXPECT_GE(kinds.count("CoxRiskSets"), 2u);
  EXPECT_EQ(kinds.count("Summary"), 1u);
  EXPECT_EQ(kinds.count("KaplanMeier"), 1u);
  EXPECT_EQ(kinds.count("RiskProbes"), 1u);
  EXPECT_EQ(kinds.count("Concordance"), 1u);

  ASSERT_TRUE(
      audit.Report(*result, "/x/analysis.json", std::string(64, 'a')).ok());
  auto report = sink.events("analysis.report");
  ASSERT_EQ(report.size(), 1u);
  EXPECT_EQ(report[0].details.at("rounds"), audit.rounds());
  EXPECT_EQ(report[0].details.at("analysis"), "cox");
  EXPECT_EQ(report[0].details.at("sites"), sites);
}

TEST(AnalysisAuditTest, RefusingAndFailingSitesAreNamed) {
  audit::MemoryAuditSink sink;
  AnalysisAudit audit(&sink, "job-12");
  testing::SimulatedFederation sim(testing::ShardFiles("inst"),
                                   DisclosureLimits{});
  Federation federation = sim.federation();
  federation.observer = &audit;
  AnalysisSpec spec;
  spec.data = MainSpec();
  spec.design = CoxDesign::kStratified;
  spec.exclude_refusing_sites = true;
  spec.concordance = false;
  auto result = RunAnalysis(spec, federation);
  ASSERT_TRUE(result.ok()) << result.status();
  auto rounds = sink.events("analysis.round");
  ASSERT_GE(rounds.size(), 2u);
  // Round 1 asks all 19 institutions; the refusals are the excluded ones.
  EXPECT_EQ(rounds[0].details.at("sites").size(), 19u);
  EXPECT_EQ(rounds[0].details.at("refused").get<std::vector<std::string>>(),
            result->excluded);
  // Later rounds ask only the sites that stayed.
  EXPECT_EQ(rounds[1].details.at("sites"), nlohmann::json(result->sites));

  // Without exclusion, the refusing round is recorded, then the job fails.
  audit::MemoryAuditSink sink2;
  AnalysisAudit audit2(&sink2, "job-13");
  federation.observer = &audit2;
  spec.exclude_refusing_sites = false;
  ASSERT_FALSE(RunAnalysis(spec, federation).ok());
  auto failed = sink2.events("analysis.round");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_THAT(failed[0].details.at("refused")[0].get<std::string>(),
              HasSubstr("limits.min_"));
}

TEST(AnalysisAuditTest, AnAnalysisThatCannotAuditStops) {
  FailingSink sink;
  AnalysisAudit audit(&sink, "job-14");
  testing::SimulatedFederation sim(testing::ShardFiles("mod3"),
                                   testing::OpenLimits());
  Federation federation = sim.federation();
  federation.observer = &audit;
  AnalysisSpec spec;
  spec.type = AnalysisSpec::Type::kKaplanMeier;
  spec.data = MainSpec();
  auto result = RunAnalysis(spec, federation);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(result.status().message(), HasSubstr("audit log: disk full"));
  EXPECT_EQ(sink.calls, 1);
  EXPECT_EQ(audit.rounds(), 0);
}

TEST(AnalysisAuditTest, SubmittedAndEndedRecords) {
  audit::MemoryAuditSink sink;
  AnalysisAudit audit(&sink, "job-15");
  AnalysisSpec spec;
  spec.type = AnalysisSpec::Type::kKaplanMeier;
  ASSERT_TRUE(audit.Submitted(std::string(64, 'c'), spec, 3).ok());
  ASSERT_TRUE(audit.Ended(absl::UnavailableError("site down"), false).ok());
  ASSERT_TRUE(audit.Ended(absl::CancelledError("by user"), true).ok());
  auto events = sink.events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, "job.submitted");
  EXPECT_EQ(events[0].details.at("analysis"), "km");
  EXPECT_EQ(events[0].details.at("slaves"), 3);
  EXPECT_EQ(events[1].type, "job.failed");
  EXPECT_THAT(events[1].details.at("error").get<std::string>(),
              HasSubstr("site down"));
  EXPECT_EQ(events[2].type, "job.cancelled");
  // A digest that is not one is refused by the catalogue.
  EXPECT_FALSE(audit.Submitted("not-a-digest", spec, 3).ok());
}

}  // namespace
}  // namespace dsfl::analytics
