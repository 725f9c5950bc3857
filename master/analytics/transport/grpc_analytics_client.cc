#include "master/analytics/transport/grpc_analytics_client.h"

#include "absl/strings/str_cat.h"
#include "common/tls/grpc_credentials.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "master/analytics/transport/analytics_wire.h"
#include "master/transport/call_scope.h"
#include "proto/convert.h"

namespace dsfl::analytics {
namespace {

using master::CallScope;

// One unary call: `rpc(context, request, response)` under the options.
template <typename Request, typename Response, typename Rpc>
Status Call(const char* name, const CallOptions& options,
            const Request& request, Response* response, Rpc rpc) {
  grpc::ClientContext context;
  CallScope scope(&context, options);
  Status status = dsfl::wire::FromGrpc(rpc(&context, request, response));
  if (status.ok()) return status;
  return Status(status.code(), absl::StrCat(name, ": ", status.message()));
}

}  // namespace

GrpcAnalyticsClient::GrpcAnalyticsClient(std::shared_ptr<grpc::Channel> channel,
                                         std::string session_id)
    : channel_(std::move(channel)),
      stub_(v1::Analytics::NewStub(channel_)),
      session_id_(std::move(session_id)) {}

void GrpcAnalyticsClient::SetContext(const QueryContext& context,
                                     v1::QueryContext* out) const {
  wire::ToProto(context, out);
  if (!session_id_.empty()) out->set_session_id(session_id_);
}

StatusOr<SurvivalSummary> GrpcAnalyticsClient::Summary(
    const QueryContext& context, const SurvivalSpec& spec,
    bool with_event_times, const CallOptions& options) {
  v1::SummaryRequest request;
  SetContext(context, request.mutable_context());
  wire::ToProto(spec, request.mutable_spec());
  request.set_with_event_times(with_event_times);
  v1::SummaryResponse response;
  DSFL_RETURN_IF_ERROR(
      Call("Summary", options, request, &response,
           [&](grpc::ClientContext* c, const v1::SummaryRequest& q,
               v1::SummaryResponse* r) { return stub_->Summary(c, q, r); }));
  return wire::FromProto(response);
}

StatusOr<CoxTerms> GrpcAnalyticsClient::CoxStratified(
    const QueryContext& context, const CoxQuery& query,
    const CallOptions& options) {
  v1::CoxRequest request;
  SetContext(context, request.mutable_context());
  wire::ToProto(query, &request);
  v1::CoxTermsResponse response;
  DSFL_RETURN_IF_ERROR(Call(
      "CoxStratified", options, request, &response,
      [&](grpc::ClientContext* c, const v1::CoxRequest& q,
          v1::CoxTermsResponse* r) { return stub_->CoxStratified(c, q, r); }));
  return wire::FromProto(response);
}

StatusOr<RiskSetSums> GrpcAnalyticsClient::CoxRiskSets(
    const QueryContext& context, const CoxQuery& query,
    const CallOptions& options) {
  v1::CoxRequest request;
  SetContext(context, request.mutable_context());
  wire::ToProto(query, &request);
  v1::RiskSetSumsResponse response;
  DSFL_RETURN_IF_ERROR(Call(
      "CoxRiskSets", options, request, &response,
      [&](grpc::ClientContext* c, const v1::CoxRequest& q,
          v1::RiskSetSumsResponse* r) { return stub_->CoxRiskSets(c, q, r); }));
  return wire::FromProto(response);
}

StatusOr<BaselineHazard> GrpcAnalyticsClient::CoxBaseline(
    const QueryContext& context, const CoxQuery& query,
    const CallOptions& options) {
  v1::CoxRequest request;
  SetContext(context, request.mutable_context());
  wire::ToProto(query, &request);
  v1::BaselineHazardResponse response;
  DSFL_RETURN_IF_ERROR(Call("CoxBaseline", options, request, &response,
                            [&](grpc::ClientContext* c, const v1::CoxRequest& q,
                                v1::BaselineHazardResponse* r) {
                              return stub_->CoxBaseline(c, q, r);
                            }));
  return wire::FromProto(response);
}

StatusOr<TimeCounts> GrpcAnalyticsClient::KaplanMeier(
    const QueryContext& context, const SurvivalSpec& spec,
    const CallOptions& options) {
  v1::KaplanMeierRequest request;
  SetContext(context, request.mutable_context());
  wire::ToProto(spec, request.mutable_spec());
  v1::TimeCountsResponse response;
  DSFL_RETURN_IF_ERROR(Call(
      "KaplanMeier", options, request, &response,
      [&](grpc::ClientContext* c, const v1::KaplanMeierRequest& q,
          v1::TimeCountsResponse* r) { return stub_->KaplanMeier(c, q, r); }));
  return wire::FromProto(response);
}

StatusOr<std::vector<RiskProbe>> GrpcAnalyticsClient::RiskProbes(
    const QueryContext& context, const SurvivalSpec& spec,
    const RiskModel& model, const CallOptions& options) {
  v1::RiskProbesRequest request;
  SetContext(context, request.mutable_context());
  wire::ToProto(spec, request.mutable_spec());
  wire::ToProto(model, request.mutable_model());
  v1::RiskProbesResponse response;
  DSFL_RETURN_IF_ERROR(Call(
      "RiskProbes", options, request, &response,
      [&](grpc::ClientContext* c, const v1::RiskProbesRequest& q,
          v1::RiskProbesResponse* r) { return stub_->RiskProbes(c, q, r); }));
  return wire::FromProto(response);
}

StatusOr<ConcordanceCounts> GrpcAnalyticsClient::Concordance(
    const QueryContext& context, const ConcordanceQuery& query,
    const CallOptions& options) {
  v1::ConcordanceRequest request;
  SetContext(context, request.mutable_context());
  wire::ToProto(query, &request);
  v1::ConcordanceResponse response;
  DSFL_RETURN_IF_ERROR(Call(
      "Concordance", options, request, &response,
      [&](grpc::ClientContext* c, const v1::ConcordanceRequest& q,
          v1::ConcordanceResponse* r) { return stub_->Concordance(c, q, r); }));
  return wire::FromProto(response);
}

StatusOr<std::unique_ptr<GrpcAnalyticsClient>> ConnectAnalytics(
    const master::SlaveEndpoint& endpoint, const master::TlsPaths& tls,
    bool insecure) {
  std::shared_ptr<grpc::Channel> channel;
  if (insecure) {
    channel = grpc::CreateCustomChannel(endpoint.address,
                                        grpc::InsecureChannelCredentials(),
                                        tls::MakeChannelArguments(""));
  } else {
    DSFL_ASSIGN_OR_RETURN(tls::TlsFiles files,
                          tls::LoadTlsFiles(tls.ca, tls.cert, tls.key));
    channel = grpc::CreateCustomChannel(
        endpoint.address, tls::MakeChannelCredentials(files),
        tls::MakeChannelArguments(endpoint.tls_name));
  }
  return std::make_unique<GrpcAnalyticsClient>(std::move(channel));
}

}  // namespace dsfl::analytics
