// GrpcAnalyticsClient: AnalyticsClient over the dsfl.v1.Analytics gRPC
// service of a dsfl-slave (mutual TLS 1.3, the same port and certificates
// as dsfl.v1.Slave).
//
// Synchronous unary calls on the analysis' own threads (the master serves
// no RPCs here). Each call sets the gRPC deadline from CallOptions and maps
// cancellation of its token to ClientContext::TryCancel. Errors: the
// slave's status converted to absl, its message kept and prefixed with the
// RPC name ("CoxRiskSets: disclosure limit: ..."). Messages up to
// tls::kMaxMessageBytes (the slave's limit): the pooled design sends about
// 8 (1 + p + p (p + 1) / 2) bytes per global event time (twice for Efron).
// Thread-safe: concurrent calls share one channel.
#ifndef DSFL_MASTER_ANALYTICS_TRANSPORT_GRPC_ANALYTICS_CLIENT_H_
#define DSFL_MASTER_ANALYTICS_TRANSPORT_GRPC_ANALYTICS_CLIENT_H_

#include <memory>
#include <string>

#include "dsfl/v1/analytics.grpc.pb.h"
#include "grpcpp/channel.h"
#include "master/analytics/analytics_client.h"
#include "master/core/job_spec.h"

namespace dsfl::analytics {

class GrpcAnalyticsClient : public AnalyticsClient {
 public:
  // `session_id`: the node's admitted session (dataspace admission,
  // master/transport/dataspace_admission.h), sent in every query's
  // context; "" outside the dataspace.
  explicit GrpcAnalyticsClient(std::shared_ptr<grpc::Channel> channel,
                               std::string session_id = "");

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
  std::shared_ptr<grpc::Channel> channel_;  // shared with gRPC internals
  std::unique_ptr<v1::Analytics::Stub> stub_;
  const std::string session_id_;

  void SetContext(const QueryContext& context, v1::QueryContext* out) const;
};

// Opens a channel to `endpoint` with the job's TLS files (the slave's
// certificate must name endpoint.tls_name), or plaintext when `insecure`.
StatusOr<std::unique_ptr<GrpcAnalyticsClient>> ConnectAnalytics(
    const master::SlaveEndpoint& endpoint, const master::TlsPaths& tls,
    bool insecure);

}  // namespace dsfl::analytics

#endif  // DSFL_MASTER_ANALYTICS_TRANSPORT_GRPC_ANALYTICS_CLIENT_H_
