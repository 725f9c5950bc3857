// AnalyticsService: the dsfl.v1.Analytics gRPC service on the callback API.
//
// Handlers never block: each unary RPC converts its request, hands the
// computation to the slave's WorkerPool and finishes the reactor from the
// worker. The aggregates come from a SiteAnalytics, which applies the
// slave's disclosure limits (a refusal is FAILED_PRECONDITION naming the
// limit). Every answered, refused or failed query is logged with its job
// id and RPC name (never a value), for audit. After Shutdown() new calls fail
// with UNAVAILABLE; calls already queued run to completion (they are
// short: one pass over the site's rows).
//
// With an enabled SessionGate (dataspace slaves), a query is refused
// PERMISSION_DENIED, and audited, unless its QueryContext carries a session
// admitted for that job to the same TLS peer; the check runs before the
// data is touched.
//
// Ownership: `site`, `pool` and `gate` are not owned and must outlive the
// gRPC server. Thread-safe.
#ifndef DSFL_SLAVE_SERVICE_ANALYTICS_SERVICE_H_
#define DSFL_SLAVE_SERVICE_ANALYTICS_SERVICE_H_

#include <atomic>

#include "dsfl/v1/analytics.grpc.pb.h"
#include "slave/analytics/site_analytics.h"
#include "slave/core/worker_pool.h"
#include "slave/service/session_gate.h"

namespace dsfl::slave {

class AnalyticsService final : public v1::Analytics::CallbackService {
 public:
  // `gate` null = every query passes (a static federation).
  AnalyticsService(analytics::SiteAnalytics* site, WorkerPool* pool,
                   const SessionGate* gate = nullptr);

  grpc::ServerUnaryReactor* Summary(grpc::CallbackServerContext* context,
                                    const v1::SummaryRequest* request,
                                    v1::SummaryResponse* response) override;
  grpc::ServerUnaryReactor* CoxStratified(
      grpc::CallbackServerContext* context, const v1::CoxRequest* request,
      v1::CoxTermsResponse* response) override;
  grpc::ServerUnaryReactor* CoxRiskSets(
      grpc::CallbackServerContext* context, const v1::CoxRequest* request,
      v1::RiskSetSumsResponse* response) override;
  grpc::ServerUnaryReactor* CoxBaseline(
      grpc::CallbackServerContext* context, const v1::CoxRequest* request,
      v1::BaselineHazardResponse* response) override;
  grpc::ServerUnaryReactor* KaplanMeier(
      grpc::CallbackServerContext* context,
      const v1::KaplanMeierRequest* request,
      v1::TimeCountsResponse* response) override;
  grpc::ServerUnaryReactor* RiskProbes(
      grpc::CallbackServerContext* context,
      const v1::RiskProbesRequest* request,
      v1::RiskProbesResponse* response) override;
  grpc::ServerUnaryReactor* Concordance(
      grpc::CallbackServerContext* context,
      const v1::ConcordanceRequest* request,
      v1::ConcordanceResponse* response) override;

  void Shutdown() { shutting_down_ = true; }

 private:
  // Runs `work` (returning a Status) on the pool and finishes the call.
  template <typename Work>
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context,
                                const char* rpc, const v1::QueryContext& query,
                                Work work);

  analytics::SiteAnalytics* site_;
  WorkerPool* pool_;
  const SessionGate* gate_;  // may be null
  std::atomic<bool> shutting_down_{false};
};

}  // namespace dsfl::slave

#endif  // DSFL_SLAVE_SERVICE_ANALYTICS_SERVICE_H_
