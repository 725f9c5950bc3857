#include "slave/service/analytics_service.h"

#include <utility>

#include "master/analytics/transport/analytics_wire.h"
#include "proto/convert.h"
#include "spdlog/spdlog.h"

namespace dsfl::slave {

namespace aw = analytics::wire;

AnalyticsService::AnalyticsService(analytics::SiteAnalytics* site,
                                   WorkerPool* pool, const SessionGate* gate)
    : site_(site), pool_(pool), gate_(gate) {}

template <typename Work>
grpc::ServerUnaryReactor* AnalyticsService::Run(
    grpc::CallbackServerContext* context, const char* rpc,
    const v1::QueryContext& query, Work work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const std::string job_id = query.job_id();
  GatedCall gated{rpc, query.job_id(), query.session_id()};
  std::shared_ptr<const grpc::AuthContext> auth;
  if (gate_ != nullptr && gate_->enabled()) auth = context->auth_context();
  auto task = [this, reactor, rpc, job_id, gated = std::move(gated), auth,
               work = std::move(work)]() mutable {
    if (gate_ != nullptr) {
      const GateResult admitted =
          gate_->CheckAnalysis(gate_->Check(auth.get(), gated));
      if (!admitted.allowed) {
        reactor->Finish(dsfl::wire::ToGrpc(gate_->Deny(gated, admitted)));
        return;
      }
    }
    Status status = work();
    if (status.ok()) {
      spdlog::info("job '{}': analytics {} answered", job_id, rpc);
    } else if (status.code() == absl::StatusCode::kFailedPrecondition) {
      spdlog::warn("job '{}': analytics {} refused: {}", job_id, rpc,
                   std::string(status.message()));
    } else if (!status.ok()) {
      spdlog::warn("job '{}': analytics {} failed: {}", job_id, rpc,
                   status.ToString());
    }
    reactor->Finish(dsfl::wire::ToGrpc(status));
  };
  if (shutting_down_ || !pool_->Submit(std::move(task))) {
    reactor->Finish(
        grpc::Status(grpc::StatusCode::UNAVAILABLE, "slave is shutting down"));
  }
  return reactor;
}

grpc::ServerUnaryReactor* AnalyticsService::Summary(
    grpc::CallbackServerContext* context, const v1::SummaryRequest* request,
    v1::SummaryResponse* response) {
  return Run(context, "Summary", request->context(),
             [this, request, response]() -> Status {
               DSFL_ASSIGN_OR_RETURN(analytics::SurvivalSpec spec,
                                     aw::FromProto(request->spec()));
               DSFL_ASSIGN_OR_RETURN(
                   analytics::SurvivalSummary summary,
                   site_->Summary(aw::FromProto(request->context()), spec,
                                  request->with_event_times()));
               aw::ToProto(summary, response);
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* AnalyticsService::CoxStratified(
    grpc::CallbackServerContext* context, const v1::CoxRequest* request,
    v1::CoxTermsResponse* response) {
  return Run(
      context, "CoxStratified", request->context(),
      [this, request, response]() -> Status {
        DSFL_ASSIGN_OR_RETURN(analytics::CoxQuery query,
                              aw::FromProto(*request));
        DSFL_ASSIGN_OR_RETURN(
            analytics::CoxTerms terms,
            site_->CoxStratified(aw::FromProto(request->context()), query));
        aw::ToProto(terms, response);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AnalyticsService::CoxRiskSets(
    grpc::CallbackServerContext* context, const v1::CoxRequest* request,
    v1::RiskSetSumsResponse* response) {
  return Run(
      context, "CoxRiskSets", request->context(),
      [this, request, response]() -> Status {
        DSFL_ASSIGN_OR_RETURN(analytics::CoxQuery query,
                              aw::FromProto(*request));
        DSFL_ASSIGN_OR_RETURN(
            analytics::RiskSetSums sums,
            site_->CoxRiskSets(aw::FromProto(request->context()), query));
        aw::ToProto(sums, response);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AnalyticsService::CoxBaseline(
    grpc::CallbackServerContext* context, const v1::CoxRequest* request,
    v1::BaselineHazardResponse* response) {
  return Run(
      context, "CoxBaseline", request->context(),
      [this, request, response]() -> Status {
        DSFL_ASSIGN_OR_RETURN(analytics::CoxQuery query,
                              aw::FromProto(*request));
        DSFL_ASSIGN_OR_RETURN(
            analytics::BaselineHazard hazard,
            site_->CoxBaseline(aw::FromProto(request->context()), query));
        aw::ToProto(hazard, response);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AnalyticsService::KaplanMeier(
    grpc::CallbackServerContext* context, const v1::KaplanMeierRequest* request,
    v1::TimeCountsResponse* response) {
  return Run(context, "KaplanMeier", request->context(),
             [this, request, response]() -> Status {
               DSFL_ASSIGN_OR_RETURN(analytics::SurvivalSpec spec,
                                     aw::FromProto(request->spec()));
               DSFL_ASSIGN_OR_RETURN(
                   analytics::TimeCounts counts,
                   site_->KaplanMeier(aw::FromProto(request->context()), spec));
               aw::ToProto(counts, response);
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* AnalyticsService::RiskProbes(
    grpc::CallbackServerContext* context, const v1::RiskProbesRequest* request,
    v1::RiskProbesResponse* response) {
  return Run(
      context, "RiskProbes", request->context(),
      [this, request, response]() -> Status {
        DSFL_ASSIGN_OR_RETURN(analytics::SurvivalSpec spec,
                              aw::FromProto(request->spec()));
        DSFL_ASSIGN_OR_RETURN(analytics::RiskModel model,
                              aw::FromProto(request->model()));
        DSFL_ASSIGN_OR_RETURN(
            std::vector<analytics::RiskProbe> probes,
            site_->RiskProbes(aw::FromProto(request->context()), spec, model));
        aw::ToProto(probes, response);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* AnalyticsService::Concordance(
    grpc::CallbackServerContext* context, const v1::ConcordanceRequest* request,
    v1::ConcordanceResponse* response) {
  return Run(
      context, "Concordance", request->context(),
      [this, request, response]() -> Status {
        DSFL_ASSIGN_OR_RETURN(analytics::ConcordanceQuery query,
                              aw::FromProto(*request));
        DSFL_ASSIGN_OR_RETURN(
            analytics::ConcordanceCounts counts,
            site_->Concordance(aw::FromProto(request->context()), query));
        aw::ToProto(counts, response);
        return absl::OkStatus();
      });
}

}  // namespace dsfl::slave
