#include "slave/analytics/site_analytics.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "slave/analytics/concordance_counts.h"
#include "slave/analytics/cox_sums.h"
#include "slave/analytics/risk_model.h"

namespace dsfl::analytics {
namespace {

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
                             DisclosureLimits limits)
    : limits_(limits), source_(std::move(source)) {}

StatusOr<std::shared_ptr<const SurvivalData>> SiteAnalytics::Data(
    const QueryContext& context, const SurvivalSpec& spec,
    const std::string& what) {
  std::shared_ptr<const SurvivalData> data;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!cached_ || cached_job_ != context.job_id) {
      auto table = source_->Read();
      if (!table.ok()) {
        return Status(table.status().code(),
                      absl::StrCat("reading ", source_->Describe(), ": ",
                                   table.status().message()));
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
  DSFL_RETURN_IF_ERROR(CheckCohort(
      limits_, what, static_cast<int64_t>(data->rows()), data->events));
  return data;
}

StatusOr<SurvivalSummary> SiteAnalytics::Summary(const QueryContext& context,
                                                 const SurvivalSpec& spec,
                                                 bool with_event_times) {
  DSFL_ASSIGN_OR_RETURN(auto data, Data(context, spec, "the summary"));
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
}

StatusOr<CoxTerms> SiteAnalytics::CoxStratified(const QueryContext& context,
                                                const CoxQuery& query) {
  DSFL_ASSIGN_OR_RETURN(auto data,
                        Data(context, query.spec, "the stratified Cox terms"));
  return ComputeCoxTerms(*data, query.ties, query.beta, query.center);
}

StatusOr<RiskSetSums> SiteAnalytics::CoxRiskSets(const QueryContext& context,
                                                 const CoxQuery& query) {
  DSFL_ASSIGN_OR_RETURN(auto data,
                        Data(context, query.spec, "the risk-set sums"));
  DSFL_ASSIGN_OR_RETURN(RiskSetSums sums,
                        ComputeRiskSetSums(*data, query.ties, query.beta,
                                           query.center, query.event_times));
  DSFL_RETURN_IF_ERROR(CheckGridCoversEvents(*data, query.event_times));
  DSFL_RETURN_IF_ERROR(CheckCells(limits_, "the risk-set sums",
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
}

StatusOr<BaselineHazard> SiteAnalytics::CoxBaseline(const QueryContext& context,
                                                    const CoxQuery& query) {
  DSFL_ASSIGN_OR_RETURN(auto data,
                        Data(context, query.spec, "the baseline hazard"));
  BaselineHazard hazard;
  std::vector<int64_t> deaths;
  EventTimes(*data, &hazard.times, &deaths);
  DSFL_RETURN_IF_ERROR(
      CheckCells(limits_, "the baseline hazard", "deaths at one time", deaths));
  DSFL_ASSIGN_OR_RETURN(RiskSetSums sums,
                        ComputeRiskSetSums(*data, query.ties, query.beta,
                                           query.center, hazard.times));
  DSFL_ASSIGN_OR_RETURN(
      hazard.increments,
      BaselineIncrements(sums, deaths, query.ties, query.beta, query.center));
  return hazard;
}

StatusOr<TimeCounts> SiteAnalytics::KaplanMeier(const QueryContext& context,
                                                const SurvivalSpec& spec) {
  DSFL_ASSIGN_OR_RETURN(auto data,
                        Data(context, spec, "the Kaplan-Meier counts"));
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
                                  "censorings at one time", counts.censored));
  return counts;
}

StatusOr<std::vector<RiskProbe>> SiteAnalytics::RiskProbes(
    const QueryContext& context, const SurvivalSpec& spec,
    const RiskModel& model) {
  DSFL_ASSIGN_OR_RETURN(auto data,
                        Data(context, spec, "the concordance probes"));
  DSFL_ASSIGN_OR_RETURN(std::vector<double> risk, ScoreRows(*data, model));
  std::vector<RiskProbe> probes = MakeProbes(*data, risk);
  std::vector<int64_t> cells;
  for (const RiskProbe& p : probes) cells.push_back(p.count);
  DSFL_RETURN_IF_ERROR(CheckCells(limits_, "the concordance probes",
                                  "deaths sharing one time and risk score",
                                  cells));
  return probes;
}

StatusOr<ConcordanceCounts> SiteAnalytics::Concordance(
    const QueryContext& context, const ConcordanceQuery& query) {
  DSFL_ASSIGN_OR_RETURN(auto data,
                        Data(context, query.spec, "the concordance counts"));
  DSFL_ASSIGN_OR_RETURN(std::vector<double> risk,
                        ScoreRows(*data, query.model));
  const std::vector<RiskProbe> pooled = MergeProbes(query.probes);
  ConcordanceCounts counts;
  counts.rows = static_cast<int64_t>(data->rows());
  counts.events = data->events;
  DSFL_ASSIGN_OR_RETURN(counts.across, CountAgainstProbes(*data, risk, pooled));
  DSFL_ASSIGN_OR_RETURN(
      counts.within,
      CountAgainstProbes(*data, risk,
                         OwnProbesWithWeights(*data, risk, pooled)));
  return counts;
}

}  // namespace dsfl::analytics
