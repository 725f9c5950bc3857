// SiteAnalytics: the slave side of exact federated survival analytics.
// Every answer is an aggregate of the site's complete-case rows and passes
// the site's DisclosureLimits first; rows never leave. What each query
// releases (and to whom) is documented in docs/survival.md:
//
//   Summary       rows, events, covariate sums (+ distinct event times and
//                 event counts when asked, for the pooled Cox design)
//   CoxStratified log partial likelihood, score, information of the site's
//                 own risk sets at the master's beta
//   CoxRiskSets   risk-set sums at the global event times (pooled design)
//   CoxBaseline   the site's own baseline-hazard increments (stratified)
//   KaplanMeier   events and censorings at each distinct time
//   RiskProbes    (time, risk score) of each event, for pooled concordance
//   Concordance   pair counts of the site's rows against the pooled probes
//
// The data source is read once per job id (QueryContext) and cached with
// the prepared rows of each spec, so the iterations of one analysis do not
// re-read it. Every method blocks (it may read the source) and must run on
// a worker thread. Errors: those of the data source and of
// ExtractSurvivalData; InvalidArgument for malformed queries or an empty
// job id; FailedPrecondition naming the limit for a refusal.
//
// Audit (docs/audit.md): each read of the source is a `dataset.read`
// record (source, rows, column names; purpose "analytics"), and every
// query, answered, refused or failed, an `analytics.query` record (query,
// job, columns, rows and events used, what was released or the refusal's
// reason; never a value). Both are durable before the method returns, so
// before any answer leaves; if the sink fails, the method fails with
// Internal and releases nothing (fail closed).
// Ownership: owns the data source; `audit` is not owned (null = validate
// and drop, NullAuditSink) and must outlive this object. Thread-safe.
#ifndef DSFL_SLAVE_ANALYTICS_SITE_ANALYTICS_H_
#define DSFL_SLAVE_ANALYTICS_SITE_ANALYTICS_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/audit/audit_sink.h"
#include "common/status.h"
#include "connector-adapters/dataproxy/data_source.h"
#include "slave/analytics/analytics_types.h"
#include "slave/analytics/disclosure.h"
#include "slave/analytics/survival_data.h"

namespace dsfl::analytics {

class SiteAnalytics {
 public:
  SiteAnalytics(std::unique_ptr<dataproxy::DataSource> source,
                DisclosureLimits limits, audit::AuditSink* audit = nullptr);

  StatusOr<SurvivalSummary> Summary(const QueryContext& context,
                                    const SurvivalSpec& spec,
                                    bool with_event_times);
  StatusOr<CoxTerms> CoxStratified(const QueryContext& context,
                                   const CoxQuery& query);
  StatusOr<RiskSetSums> CoxRiskSets(const QueryContext& context,
                                    const CoxQuery& query);
  StatusOr<BaselineHazard> CoxBaseline(const QueryContext& context,
                                       const CoxQuery& query);
  StatusOr<TimeCounts> KaplanMeier(const QueryContext& context,
                                   const SurvivalSpec& spec);
  StatusOr<std::vector<RiskProbe>> RiskProbes(const QueryContext& context,
                                              const SurvivalSpec& spec,
                                              const RiskModel& model);
  StatusOr<ConcordanceCounts> Concordance(const QueryContext& context,
                                          const ConcordanceQuery& query);

  const DisclosureLimits& limits() const { return limits_; }

 private:
  // What one query used, for its audit record (filled by Data()).
  struct QueryUse {
    std::optional<int64_t> rows, events;
    bool read_failed = false;
  };
  // The complete-case rows of `spec`, checked against min_rows/min_events.
  StatusOr<std::shared_ptr<const SurvivalData>> Data(
      const QueryContext& context, const SurvivalSpec& spec,
      const std::string& what, QueryUse* use);
  // Runs `compute` (StatusOr<T>(QueryUse*)) for query `query`, records the
  // analytics.query event and returns the answer only if it was recorded.
  template <typename T, typename Compute>
  StatusOr<T> Answer(const char* query, const QueryContext& context,
                     const SurvivalSpec& spec, Compute compute);
  Status AuditQuery(const char* query, const QueryContext& context,
                    const SurvivalSpec& spec, const QueryUse& use,
                    const Status& outcome, const std::string& released,
                    int64_t values);

  const DisclosureLimits limits_;
  audit::AuditSink* const audit_;
  std::mutex mu_;  // guards everything below
  std::unique_ptr<dataproxy::DataSource> source_;
  const std::string source_description_;  // Describe(), no secrets
  std::string cached_job_;
  bool cached_ = false;
  std::shared_ptr<const dataproxy::Table> table_;
  std::map<std::string, std::shared_ptr<const SurvivalData>> prepared_;
};

}  // namespace dsfl::analytics

#endif  // DSFL_SLAVE_ANALYTICS_SITE_ANALYTICS_H_
