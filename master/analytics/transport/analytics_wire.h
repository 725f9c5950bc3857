// Conversions between the dsfl.v1.Analytics messages and the plain types of
// slave/analytics/analytics_types.h, shared by the slave's
// AnalyticsService and the master's GrpcAnalyticsClient so both ends
// agree. Doubles are copied bit for bit.
//
// FromProto functions validate what arrives from the network: unknown
// enum values and malformed models are InvalidArgument naming the field
// (sizes are checked by the computations that use them).
// Thread-safety: pure functions.
#ifndef DSFL_MASTER_ANALYTICS_TRANSPORT_ANALYTICS_WIRE_H_
#define DSFL_MASTER_ANALYTICS_TRANSPORT_ANALYTICS_WIRE_H_

#include <vector>

#include "common/status.h"
#include "dsfl/v1/analytics.pb.h"
#include "slave/analytics/analytics_types.h"

namespace dsfl::analytics::wire {

void ToProto(const SurvivalSpec& in, v1::SurvivalSpec* out);
StatusOr<SurvivalSpec> FromProto(const v1::SurvivalSpec& in);

void ToProto(const QueryContext& in, v1::QueryContext* out);
QueryContext FromProto(const v1::QueryContext& in);

void ToProto(const SurvivalSummary& in, v1::SummaryResponse* out);
SurvivalSummary FromProto(const v1::SummaryResponse& in);

void ToProto(const CoxQuery& in, v1::CoxRequest* out);
StatusOr<CoxQuery> FromProto(const v1::CoxRequest& in);

void ToProto(const CoxTerms& in, v1::CoxTermsResponse* out);
CoxTerms FromProto(const v1::CoxTermsResponse& in);

void ToProto(const RiskSetSums& in, v1::RiskSetSumsResponse* out);
RiskSetSums FromProto(const v1::RiskSetSumsResponse& in);

void ToProto(const BaselineHazard& in, v1::BaselineHazardResponse* out);
BaselineHazard FromProto(const v1::BaselineHazardResponse& in);

void ToProto(const TimeCounts& in, v1::TimeCountsResponse* out);
TimeCounts FromProto(const v1::TimeCountsResponse& in);

void ToProto(const RiskModel& in, v1::RiskModel* out);
StatusOr<RiskModel> FromProto(const v1::RiskModel& in);

void ToProto(const std::vector<RiskProbe>& in, v1::RiskProbesResponse* out);
std::vector<RiskProbe> FromProto(const v1::RiskProbesResponse& in);

void ToProto(const ConcordanceQuery& in, v1::ConcordanceRequest* out);
StatusOr<ConcordanceQuery> FromProto(const v1::ConcordanceRequest& in);

void ToProto(const ConcordanceCounts& in, v1::ConcordanceResponse* out);
ConcordanceCounts FromProto(const v1::ConcordanceResponse& in);

}  // namespace dsfl::analytics::wire

#endif  // DSFL_MASTER_ANALYTICS_TRANSPORT_ANALYTICS_WIRE_H_
