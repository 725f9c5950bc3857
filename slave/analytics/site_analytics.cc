#include "slave/analytics/site_analytics.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/audit/audit_event.h"
#include "slave/analytics/concordance_counts.h"
#include "slave/analytics/cox_sums.h"
#include "slave/analytics/risk_model.h"

namespace dsfl::analytics {
namespace {

const char* RowSetName(RowSet rows) {
  switch (rows) {
    case RowSet::kTraining:
      return "training";
    case RowSet::kHeldOut:
      return "held_out";
    case RowSet::kAll:
      break;
  }
  return "all";
}

// What an answer holds, in words, and how many numbers: for the
// analytics.query audit record (never the numbers themselves).
struct Released {
  std::string what;
  int64_t values = 0;
};

int64_t Count(size_t n) { return static_cast<int64_t>(n); }

Released Describe(const SurvivalSummary& s) {
  Released r{absl::StrCat("rows, events and ", s.covariate_sums.size(),
                          " covariate sums"),
             2 + Count(s.covariate_sums.size())};
  if (!s.event_times.empty()) {
    absl::StrAppend(&r.what, ", ", s.event_times.size(),
                    " event times with their death counts");
    r.values += Count(s.event_times.size() + s.event_counts.size());
  }
  return r;
}

Released Describe(const CoxTerms& t) {
  return {absl::StrCat("log partial likelihood, score (", t.score.size(),
                       ") and information (", t.score.size(), " x ",
                       t.score.size(), ")"),
          1 + Count(t.score.size() + t.information.size())};
}

Released Describe(const RiskSetSums& s) {
  const size_t k = s.s0.size();
  return {absl::StrCat("risk-set sums at ", k, " event times",
                       s.d0.empty() ? "" : " with Efron tied-death sums",
                       " and the event covariate sums"),
          1 + Count(s.s0.size() + s.s1.size() + s.s2.size() + s.d0.size() +
                    s.d1.size() + s.d2.size() + s.event_x.size())};
}

Released Describe(const BaselineHazard& h) {
  return {absl::StrCat("baseline-hazard increments at ", h.times.size(),
                       " event times"),
          Count(h.times.size() + h.increments.size())};
}

Released Describe(const TimeCounts& c) {
  return {absl::StrCat("events and censorings at ", c.times.size(),
                       " distinct times"),
          1 + Count(c.times.size() + c.events.size() + c.censored.size())};
}

Released Describe(const std::vector<RiskProbe>& probes) {
  return {
      absl::StrCat(probes.size(), " event probes (time, risk score, count)"),
      3 * Count(probes.size())};
}

Released Describe(const ConcordanceCounts& /*counts*/) {
  return {
      "rows, events and pair counts (across the federation and within "
      "the site)",
      14};
}

std::string SpecKey(const SurvivalSpec& spec) {
  return absl::StrCat(spec.time, "\x1f", spec.event, "\x1f",
                      absl::StrJoin(spec.covariates, "\x1e"), "\x1f",
                      static_cast<int>(spec.rows), "\x1f",
                      spec.held_out_fraction, "\x1f", spec.split_seed);
}

Status CheckGridCoversEvents(const SurvivalData& data,
                             const std::vector<double>& grid) {
  for (size_t i = 0; i < data.rows(); ++i) {
    if (data.event[i] == 0) continue;
    if (!std::binary_search(grid.begin(), grid.end(), data.time[i])) {
      return absl::InvalidArgumentError(
          "Cox query: the event times do not include all of this site's "
          "event times (use the times of the pooled summary)");
    }
  }
  return absl::OkStatus();
}

}  // namespace

SiteAnalytics::SiteAnalytics(std::unique_ptr<dataproxy::DataSource> source,
                             DisclosureLimits limits, audit::AuditSink* audit)
    : limits_(limits),
      audit_(audit != nullptr ? audit : &audit::NullAuditSink()),
      source_(std::move(source)),
      source_description_(source_->Describe()) {}

StatusOr<std::shared_ptr<const SurvivalData>> SiteAnalytics::Data(
    const QueryContext& context, const SurvivalSpec& spec,
    const std::string& what, QueryUse* use) {
  std::shared_ptr<const SurvivalData> data;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!cached_ || cached_job_ != context.job_id) {
      auto table = source_->Read();
      if (!table.ok()) {
        use->read_failed = true;
        return Status(table.status().code(),
                      absl::StrCat("reading ", source_description_, ": ",
                                   table.status().message()));
      }
      // Durable before the rows are used (and the cache never holds a read
      // the log does not).
      Status audited = audit_->Record({audit::events::kDatasetRead,
                                       context.job_id,
                                       std::nullopt,
                                       source_description_,
                                       {{"source", source_description_},
                                        {"rows", table->num_rows()},
                                        {"columns", table->columns()},
                                        {"purpose", "analytics"}}});
      if (!audited.ok()) {
        return absl::InternalError(
            absl::StrCat("audit log: ", audited.message()));
      }
      table_ = std::make_shared<const dataproxy::Table>(*std::move(table));
      cached_job_ = context.job_id;
      cached_ = true;
      prepared_.clear();
    }
    const std::string key = SpecKey(spec);
    auto it = prepared_.find(key);
    if (it == prepared_.end()) {
      DSFL_ASSIGN_OR_RETURN(SurvivalData rows,
                            ExtractSurvivalData(*table_, spec));
      it = prepared_
               .emplace(key,
                        std::make_shared<const SurvivalData>(std::move(rows)))
               .first;
    }
    data = it->second;
  }
  use->rows = static_cast<int64_t>(data->rows());
  use->events = data->events;
  DSFL_RETURN_IF_ERROR(CheckCohort(
      limits_, what, static_cast<int64_t>(data->rows()), data->events));
  return data;
}

Status SiteAnalytics::AuditQuery(const char* query, const QueryContext& context,
                                 const SurvivalSpec& spec, const QueryUse& use,
                                 const Status& outcome,
                                 const std::string& released, int64_t values) {
  std::vector<std::string> columns = {spec.time, spec.event};
  columns.insert(columns.end(), spec.covariates.begin(), spec.covariates.end());
  nlohmann::json details = {{"query", query},
                            {"columns", columns},
                            {"row_set", RowSetName(spec.rows)},
                            {"limits",
                             {{"min_rows", limits_.min_rows},
                              {"min_events", limits_.min_events},
                              {"min_cell_count", limits_.min_cell_count}}}};
  if (use.rows.has_value()) details["rows"] = *use.rows;
  if (use.events.has_value()) details["events"] = *use.events;
  if (outcome.ok()) {
    details["decision"] = "released";
    details["released"] = released;
    details["values"] = values;
  } else if (outcome.code() == absl::StatusCode::kFailedPrecondition) {
    // Disclosure refusals name the limit and counts, never a data value.
    details["decision"] = "refused";
    details["reason"] = std::string(outcome.message());
  } else {
    details["decision"] = "failed";
    // A data source's message may quote a field of the data: only its code.
    details["reason"] =
        use.read_failed
            ? absl::StrCat("reading the data source failed (",
                           absl::StatusCodeToString(outcome.code()), ")")
            : absl::StrCat(absl::StatusCodeToString(outcome.code()), ": ",
                           outcome.message());
  }
  Status status =
      audit_->Record({audit::events::kAnalyticsQuery, context.job_id,
                      std::nullopt, source_description_, std::move(details)});
  if (!status.ok()) {
    // Fail closed: nothing leaves that the log does not hold.
    return absl::InternalError(absl::StrCat("audit log: ", status.message()));
  }
  return absl::OkStatus();
}

template <typename T, typename Compute>
StatusOr<T> SiteAnalytics::Answer(const char* query,
                                  const QueryContext& context,
                                  const SurvivalSpec& spec, Compute compute) {
  if (context.job_id.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(query, ": the query context names no job id"));
  }
  QueryUse use;
  StatusOr<T> answer = compute(&use);
  Released released;
  if (answer.ok()) released = Describe(*answer);
  DSFL_RETURN_IF_ERROR(AuditQuery(query, context, spec, use, answer.status(),
                                  released.what, released.values));
  return answer;
}

StatusOr<SurvivalSummary> SiteAnalytics::Summary(const QueryContext& context,
                                                 const SurvivalSpec& spec,
                                                 bool with_event_times) {
  return Answer<SurvivalSummary>(
      "Summary", context, spec,
      [&](QueryUse* use) -> StatusOr<SurvivalSummary> {
        DSFL_ASSIGN_OR_RETURN(auto data,
                              Data(context, spec, "the summary", use));
        SurvivalSummary summary;
        summary.rows = static_cast<int64_t>(data->rows());
        summary.events = data->events;
        summary.covariate_sums.assign(data->p, 0.0);
        for (size_t i = 0; i < data->rows(); ++i) {
          for (size_t a = 0; a < data->p; ++a) {
            summary.covariate_sums[a] += data->row(i)[a];
          }
        }
        if (with_event_times) {
          EventTimes(*data, &summary.event_times, &summary.event_counts);
          DSFL_RETURN_IF_ERROR(CheckCells(limits_, "the event-time table",
                                          "deaths at one time",
                                          summary.event_counts));
        }
        return summary;
      });
}

StatusOr<CoxTerms> SiteAnalytics::CoxStratified(const QueryContext& context,
                                                const CoxQuery& query) {
  return Answer<CoxTerms>(
      "CoxStratified", context, query.spec,
      [&](QueryUse* use) -> StatusOr<CoxTerms> {
        DSFL_ASSIGN_OR_RETURN(auto data, Data(context, query.spec,
                                              "the stratified Cox terms", use));
        return ComputeCoxTerms(*data, query.ties, query.beta, query.center);
      });
}

StatusOr<RiskSetSums> SiteAnalytics::CoxRiskSets(const QueryContext& context,
                                                 const CoxQuery& query) {
  return Answer<RiskSetSums>(
      "CoxRiskSets", context, query.spec,
      [&](QueryUse* use) -> StatusOr<RiskSetSums> {
        DSFL_ASSIGN_OR_RETURN(
            auto data, Data(context, query.spec, "the risk-set sums", use));
        DSFL_ASSIGN_OR_RETURN(
            RiskSetSums sums,
            ComputeRiskSetSums(*data, query.ties, query.beta, query.center,
                               query.event_times));
        DSFL_RETURN_IF_ERROR(CheckGridCoversEvents(*data, query.event_times));
        DSFL_RETURN_IF_ERROR(
            CheckCells(limits_, "the risk-set sums",
                       "rows between two consecutive event times",
                       RiskSetCells(*data, query.event_times)));
        if (query.ties == Ties::kEfron) {
          std::vector<double> times;
          std::vector<int64_t> deaths;
          EventTimes(*data, &times, &deaths);
          DSFL_RETURN_IF_ERROR(CheckCells(limits_, "the Efron tied-death sums",
                                          "deaths at one time", deaths));
        }
        return sums;
      });
}

StatusOr<BaselineHazard> SiteAnalytics::CoxBaseline(const QueryContext& context,
                                                    const CoxQuery& query) {
  return Answer<BaselineHazard>(
      "CoxBaseline", context, query.spec,
      [&](QueryUse* use) -> StatusOr<BaselineHazard> {
        DSFL_ASSIGN_OR_RETURN(
            auto data, Data(context, query.spec, "the baseline hazard", use));
        BaselineHazard hazard;
        std::vector<int64_t> deaths;
        EventTimes(*data, &hazard.times, &deaths);
        DSFL_RETURN_IF_ERROR(CheckCells(limits_, "the baseline hazard",
                                        "deaths at one time", deaths));
        DSFL_ASSIGN_OR_RETURN(RiskSetSums sums,
                              ComputeRiskSetSums(*data, query.ties, query.beta,
                                                 query.center, hazard.times));
        DSFL_ASSIGN_OR_RETURN(hazard.increments,
                              BaselineIncrements(sums, deaths, query.ties,
                                                 query.beta, query.center));
        return hazard;
      });
}

StatusOr<TimeCounts> SiteAnalytics::KaplanMeier(const QueryContext& context,
                                                const SurvivalSpec& spec) {
  return Answer<TimeCounts>(
      "KaplanMeier", context, spec, [&](QueryUse* use) -> StatusOr<TimeCounts> {
        DSFL_ASSIGN_OR_RETURN(
            auto data, Data(context, spec, "the Kaplan-Meier counts", use));
        TimeCounts counts;
        counts.rows = static_cast<int64_t>(data->rows());
        for (size_t i = 0; i < data->rows(); ++i) {
          if (counts.times.empty() || counts.times.back() != data->time[i]) {
            counts.times.push_back(data->time[i]);
            counts.events.push_back(0);
            counts.censored.push_back(0);
          }
          ++(data->event[i] == 1 ? counts.events : counts.censored).back();
        }
        DSFL_RETURN_IF_ERROR(CheckCells(limits_, "the Kaplan-Meier counts",
                                        "deaths at one time", counts.events));
        DSFL_RETURN_IF_ERROR(CheckCells(limits_, "the Kaplan-Meier counts",
                                        "censorings at one time",
                                        counts.censored));
        return counts;
      });
}

StatusOr<std::vector<RiskProbe>> SiteAnalytics::RiskProbes(
    const QueryContext& context, const SurvivalSpec& spec,
    const RiskModel& model) {
  return Answer<std::vector<RiskProbe>>(
      "RiskProbes", context, spec,
      [&](QueryUse* use) -> StatusOr<std::vector<RiskProbe>> {
        DSFL_ASSIGN_OR_RETURN(
            auto data, Data(context, spec, "the concordance probes", use));
        DSFL_ASSIGN_OR_RETURN(std::vector<double> risk,
                              ScoreRows(*data, model));
        std::vector<RiskProbe> probes = MakeProbes(*data, risk);
        std::vector<int64_t> cells;
        for (const RiskProbe& p : probes) cells.push_back(p.count);
        DSFL_RETURN_IF_ERROR(
            CheckCells(limits_, "the concordance probes",
                       "deaths sharing one time and risk score", cells));
        return probes;
      });
}

StatusOr<ConcordanceCounts> SiteAnalytics::Concordance(
    const QueryContext& context, const ConcordanceQuery& query) {
  return Answer<ConcordanceCounts>(
      "Concordance", context, query.spec,
      [&](QueryUse* use) -> StatusOr<ConcordanceCounts> {
        DSFL_ASSIGN_OR_RETURN(auto data, Data(context, query.spec,
                                              "the concordance counts", use));
        DSFL_ASSIGN_OR_RETURN(std::vector<double> risk,
                              ScoreRows(*data, query.model));
        const std::vector<RiskProbe> pooled = MergeProbes(query.probes);
        ConcordanceCounts counts;
        counts.rows = static_cast<int64_t>(data->rows());
        counts.events = data->events;
        DSFL_ASSIGN_OR_RETURN(counts.across,
                              CountAgainstProbes(*data, risk, pooled));
        DSFL_ASSIGN_OR_RETURN(
            counts.within,
            CountAgainstProbes(*data, risk,
                               OwnProbesWithWeights(*data, risk, pooled)));
        return counts;
      });
}

}  // namespace dsfl::analytics
