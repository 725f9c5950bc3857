// AnalyticsClient: how the master's analytics (Cox, Kaplan-Meier,
// concordance) query one site, whatever the transport. Implementations:
// InProcessAnalyticsClient (a SiteAnalytics in this process: `dsfl
// simulate` and tests) and GrpcAnalyticsClient
// (master/analytics/transport, the dsfl.v1.Analytics service over mutual
// TLS). Both carry the same typed queries and aggregates
// (slave/analytics/analytics_types.h), so a simulation and a real
// federation compute bit-identical results.
//
// Every call blocks the calling thread until the site answers,
// `options.deadline` passes (DeadlineExceeded) or `options.cancel` fires
// (Cancelled). Errors carry the site's reason, e.g. a refused disclosure
// limit ("disclosure limit: ... (limits.min_events)").
// Thread-safety: implementations allow concurrent calls.
#ifndef DSFL_MASTER_ANALYTICS_ANALYTICS_CLIENT_H_
#define DSFL_MASTER_ANALYTICS_ANALYTICS_CLIENT_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "master/core/slave_client.h"
#include "slave/analytics/analytics_types.h"

namespace dsfl::analytics {

using master::CallOptions;

class AnalyticsClient {
 public:
  virtual ~AnalyticsClient() = default;

  virtual StatusOr<SurvivalSummary> Summary(const QueryContext& context,
                                            const SurvivalSpec& spec,
                                            bool with_event_times,
                                            const CallOptions& options) = 0;
  virtual StatusOr<CoxTerms> CoxStratified(const QueryContext& context,
                                           const CoxQuery& query,
                                           const CallOptions& options) = 0;
  virtual StatusOr<RiskSetSums> CoxRiskSets(const QueryContext& context,
                                            const CoxQuery& query,
                                            const CallOptions& options) = 0;
  virtual StatusOr<BaselineHazard> CoxBaseline(const QueryContext& context,
                                               const CoxQuery& query,
                                               const CallOptions& options) = 0;
  virtual StatusOr<TimeCounts> KaplanMeier(const QueryContext& context,
                                           const SurvivalSpec& spec,
                                           const CallOptions& options) = 0;
  virtual StatusOr<std::vector<RiskProbe>> RiskProbes(
      const QueryContext& context, const SurvivalSpec& spec,
      const RiskModel& model, const CallOptions& options) = 0;
  virtual StatusOr<ConcordanceCounts> Concordance(
      const QueryContext& context, const ConcordanceQuery& query,
      const CallOptions& options) = 0;
};

}  // namespace dsfl::analytics

#endif  // DSFL_MASTER_ANALYTICS_ANALYTICS_CLIENT_H_
