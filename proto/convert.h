// Conversions between dsfl.v1 protobuf messages and the plain C++ types the
// master core and the slave use, plus absl::Status <-> grpc::Status. Shared
// by the gRPC slave service and the gRPC slave client so both ends agree.
//
// FromProto functions validate what arrives from the network: unknown enum
// values, mismatched repeated-field lengths and malformed digests are
// InvalidArgument errors naming the field.
#ifndef DSFL_PROTO_CONVERT_H_
#define DSFL_PROTO_CONVERT_H_

#include "common/model_stream.h"
#include "common/status.h"
#include "dsfl/v1/slave.pb.h"
#include "grpcpp/support/status.h"
#include "master/core/job_types.h"
#include "master/core/slave_client.h"

namespace dsfl::wire {

void ToProto(const StreamHeader& in, v1::ModelHeader* out);
StatusOr<StreamHeader> FromProto(const v1::ModelHeader& in);

void ToProto(const master::ModelDefinition& in, v1::ModelDefinition* out);
StatusOr<master::ModelDefinition> FromProto(const v1::ModelDefinition& in);

void ToProto(const master::TrainingPlan& in, v1::TrainingPlan* out);
StatusOr<master::TrainingPlan> FromProto(const v1::TrainingPlan& in);

void ToProto(const master::DataSpec& in, v1::DataSpec* out);
StatusOr<master::DataSpec> FromProto(const v1::DataSpec& in);

void ToProto(const master::JobContext& in, v1::JobContext* out);
master::JobContext FromProto(const v1::JobContext& in);

void ToProto(const master::NodeInfo& in, v1::NodeInfo* out);
master::NodeInfo FromProto(const v1::NodeInfo& in);

void ToProto(const master::ColumnMoments& in, v1::MomentsResponse* out);
StatusOr<master::ColumnMoments> FromProto(const v1::MomentsResponse& in,
                                          size_t features);

void ToProto(const master::TrainSummary& in, v1::TrainResult* out);
master::TrainSummary FromProto(const v1::TrainResult& in);

void ToProto(const master::EvalSummary& in, v1::EvaluateResponse* out);
master::EvalSummary FromProto(const v1::EvaluateResponse& in);

grpc::Status ToGrpc(const Status& status);
Status FromGrpc(const grpc::Status& status);

}  // namespace dsfl::wire

#endif  // DSFL_PROTO_CONVERT_H_
