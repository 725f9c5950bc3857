// InProcessAnalyticsClient: an AnalyticsClient that calls a SiteAnalytics
// in this process (the in-memory transport of `dsfl simulate` and the
// tests). The slave code that computes aggregates and enforces disclosure
// limits is the very code a dsfl-slave runs. Honours cancellation and
// deadlines before each call. `site` is not owned. Thread-safe.
#ifndef DSFL_MASTER_ANALYTICS_IN_PROCESS_ANALYTICS_CLIENT_H_
#define DSFL_MASTER_ANALYTICS_IN_PROCESS_ANALYTICS_CLIENT_H_

#include "master/analytics/analytics_client.h"
#include "slave/analytics/site_analytics.h"

namespace dsfl::analytics {

class InProcessAnalyticsClient : public AnalyticsClient {
 public:
  explicit InProcessAnalyticsClient(SiteAnalytics* site) : site_(site) {}

  StatusOr<SurvivalSummary> Summary(const QueryContext& context,
                                    const SurvivalSpec& spec,
                                    bool with_event_times,
                                    const CallOptions& options) override;
  StatusOr<CoxTerms> CoxStratified(const QueryContext& context,
                                   const CoxQuery& query,
                                   const CallOptions& options) override;
  StatusOr<RiskSetSums> CoxRiskSets(const QueryContext& context,
                                    const CoxQuery& query,
                                    const CallOptions& options) override;
  StatusOr<BaselineHazard> CoxBaseline(const QueryContext& context,
                                       const CoxQuery& query,
                                       const CallOptions& options) override;
  StatusOr<TimeCounts> KaplanMeier(const QueryContext& context,
                                   const SurvivalSpec& spec,
                                   const CallOptions& options) override;
  StatusOr<std::vector<RiskProbe>> RiskProbes(
      const QueryContext& context, const SurvivalSpec& spec,
      const RiskModel& model, const CallOptions& options) override;
  StatusOr<ConcordanceCounts> Concordance(const QueryContext& context,
                                          const ConcordanceQuery& query,
                                          const CallOptions& options) override;

 private:
  SiteAnalytics* site_;
};

}  // namespace dsfl::analytics

#endif  // DSFL_MASTER_ANALYTICS_IN_PROCESS_ANALYTICS_CLIENT_H_
