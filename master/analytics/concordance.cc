#include "master/analytics/concordance.h"

#include <limits>

#include "master/analytics/kaplan_meier.h"
#include "slave/analytics/concordance_counts.h"

namespace dsfl::analytics {
namespace {

void Add(const PairCounts& b, PairCounts* a) {
  a->concordant += b.concordant;
  a->discordant += b.discordant;
  a->tied_risk += b.tied_risk;
  a->w_concordant += b.w_concordant;
  a->w_discordant += b.w_discordant;
  a->w_tied_risk += b.w_tied_risk;
}

}  // namespace

double HarrellC(const PairCounts& c) {
  const double total =
      static_cast<double>(c.concordant + c.discordant + c.tied_risk);
  return (static_cast<double>(c.concordant) +
          static_cast<double>(c.tied_risk) / 2) /
         total;
}

double UnoC(const PairCounts& c) {
  return (c.w_concordant + c.w_tied_risk / 2) /
         (c.w_concordant + c.w_discordant + c.w_tied_risk);
}

StatusOr<ConcordanceResult> FederatedConcordance(const Federation& federation,
                                                 const SurvivalSpec& spec,
                                                 const RiskModel& model,
                                                 bool uno) {
  const QueryContext& context = federation.context;
  TimeCounts merged;
  if (uno) {
    DSFL_ASSIGN_OR_RETURN(
        std::vector<TimeCounts> counts,
        QueryAll<TimeCounts>(federation,
                             [&](AnalyticsClient* c, const CallOptions& o) {
                               return c->KaplanMeier(context, spec, o);
                             }));
    merged = MergeTimeCounts(counts);
  }
  DSFL_ASSIGN_OR_RETURN(
      std::vector<std::vector<RiskProbe>> site_probes,
      QueryAll<std::vector<RiskProbe>>(
          federation, [&](AnalyticsClient* c, const CallOptions& o) {
            return c->RiskProbes(context, spec, model, o);
          }));
  std::vector<RiskProbe> all;
  for (const auto& probes : site_probes) {
    all.insert(all.end(), probes.begin(), probes.end());
  }
  for (RiskProbe& probe : all) probe.weight = 1.0;
  std::vector<RiskProbe> pooled = MergeProbes(all);
  if (uno) {
    std::vector<double> times;
    for (const RiskProbe& probe : pooled) times.push_back(probe.time);
    std::vector<double> g = CensoringSurvivalBefore(merged, times);
    for (size_t k = 0; k < pooled.size(); ++k) {
      pooled[k].weight = 1.0 / (g[k] * g[k]);
    }
  }
  ConcordanceQuery query{spec, model, pooled};
  DSFL_ASSIGN_OR_RETURN(
      std::vector<ConcordanceCounts> answers,
      QueryAll<ConcordanceCounts>(
          federation, [&](AnalyticsClient* c, const CallOptions& o) {
            return c->Concordance(context, query, o);
          }));
  ConcordanceResult result;
  for (size_t s = 0; s < answers.size(); ++s) {
    result.n += answers[s].rows;
    result.events += answers[s].events;
    Add(answers[s].across, &result.pooled);
    Add(answers[s].within, &result.within);
    result.sites.push_back(federation.sites[s].id);
    result.site_within.push_back(answers[s].within);
  }
  if (result.pooled.concordant + result.pooled.discordant +
          result.pooled.tied_risk ==
      0) {
    return absl::FailedPreconditionError(
        "concordance: no comparable pair in the federation");
  }
  result.harrell = HarrellC(result.pooled);
  result.harrell_within = HarrellC(result.within);
  result.uno =
      uno ? UnoC(result.pooled) : std::numeric_limits<double>::quiet_NaN();
  return result;
}

}  // namespace dsfl::analytics
