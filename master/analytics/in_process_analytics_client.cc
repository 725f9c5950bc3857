#include "master/analytics/in_process_analytics_client.h"

#include "absl/time/clock.h"

namespace dsfl::analytics {
namespace {

Status CheckCall(const CallOptions& options) {
  if (options.cancel != nullptr && options.cancel->cancelled()) {
    return absl::CancelledError("call cancelled");
  }
  if (absl::Now() > options.deadline) {
    return absl::DeadlineExceededError("deadline passed");
  }
  return absl::OkStatus();
}

}  // namespace

StatusOr<SurvivalSummary> InProcessAnalyticsClient::Summary(
    const QueryContext& context, const SurvivalSpec& spec,
    bool with_event_times, const CallOptions& options) {
  DSFL_RETURN_IF_ERROR(CheckCall(options));
  return site_->Summary(context, spec, with_event_times);
}

StatusOr<CoxTerms> InProcessAnalyticsClient::CoxStratified(
    const QueryContext& context, const CoxQuery& query,
    const CallOptions& options) {
  DSFL_RETURN_IF_ERROR(CheckCall(options));
  return site_->CoxStratified(context, query);
}

StatusOr<RiskSetSums> InProcessAnalyticsClient::CoxRiskSets(
    const QueryContext& context, const CoxQuery& query,
    const CallOptions& options) {
  DSFL_RETURN_IF_ERROR(CheckCall(options));
  return site_->CoxRiskSets(context, query);
}

StatusOr<BaselineHazard> InProcessAnalyticsClient::CoxBaseline(
    const QueryContext& context, const CoxQuery& query,
    const CallOptions& options) {
  DSFL_RETURN_IF_ERROR(CheckCall(options));
  return site_->CoxBaseline(context, query);
}

StatusOr<TimeCounts> InProcessAnalyticsClient::KaplanMeier(
    const QueryContext& context, const SurvivalSpec& spec,
    const CallOptions& options) {
  DSFL_RETURN_IF_ERROR(CheckCall(options));
  return site_->KaplanMeier(context, spec);
}

StatusOr<std::vector<RiskProbe>> InProcessAnalyticsClient::RiskProbes(
    const QueryContext& context, const SurvivalSpec& spec,
    const RiskModel& model, const CallOptions& options) {
  DSFL_RETURN_IF_ERROR(CheckCall(options));
  return site_->RiskProbes(context, spec, model);
}

StatusOr<ConcordanceCounts> InProcessAnalyticsClient::Concordance(
    const QueryContext& context, const ConcordanceQuery& query,
    const CallOptions& options) {
  DSFL_RETURN_IF_ERROR(CheckCall(options));
  return site_->Concordance(context, query);
}

}  // namespace dsfl::analytics
