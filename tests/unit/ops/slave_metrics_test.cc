#include "slave/server/slave_metrics.h"

#include <grpcpp/grpcpp.h>

#include "dsfl/v1/slave.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slave/server/rpc_metrics_interceptor.h"

namespace dsfl::slave {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class FixedClock : public Clock {
 public:
  absl::Time Now() const override { return absl::FromUnixSeconds(1700000000); }
};

TEST(SlaveMetricsTest, CountsRoundsBytesDurationsAndDecisions) {
  FixedClock clock;
  SlaveMetrics metrics(&clock);
  // Durations that add up exactly in binary.
  metrics.OnTrain({true, 4000, 4000, absl::Milliseconds(250)});
  metrics.OnTrain({true, 4000, 4000, absl::Seconds(2)});
  metrics.OnTrain({false, 4000, 0, absl::Seconds(1.0 / 128)});
  metrics.OnEvaluate({true, 4000});
  metrics.OnEvaluate({false, 4000});
  metrics.OnInitialize({true, 4000});
  metrics.RecordAuthorization(true, "");
  metrics.RecordAuthorization(false, "model_not_allowed");
  metrics.RecordAuthorization(false, "model_not_allowed");
  metrics.RecordAuthorization(false, "");
  metrics.RecordReload(false, "policy.min_cohort: value 0 is outside [1, ...]");
  const std::string page = metrics.Render();
  EXPECT_THAT(page, HasSubstr("\ndsfl_slave_rounds_trained_total 2\n"));
  EXPECT_THAT(page, HasSubstr("\ndsfl_slave_training_failures_total 1\n"));
  EXPECT_THAT(page, HasSubstr("\ndsfl_slave_training_seconds_count 3\n"));
  EXPECT_THAT(page, HasSubstr("\ndsfl_slave_training_seconds_sum 2.2578125\n"));
  EXPECT_THAT(page,
              HasSubstr("dsfl_slave_training_seconds_bucket{le=\"0.01\"} 1\n"));
  EXPECT_THAT(page,
              HasSubstr("dsfl_slave_training_seconds_bucket{le=\"0.64\"} 2\n"));
  EXPECT_THAT(page,
              HasSubstr("dsfl_slave_evaluations_total{outcome=\"ok\"} 1\n"));
  EXPECT_THAT(
      page, HasSubstr("dsfl_slave_evaluations_total{outcome=\"failed\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("\ndsfl_slave_models_initialized_total 1\n"));
  // 3 trainings + 2 evaluations received; 2 updates + 1 initial model sent.
  EXPECT_THAT(page,
              HasSubstr("\ndsfl_slave_model_bytes_received_total 20000\n"));
  EXPECT_THAT(page, HasSubstr("\ndsfl_slave_model_bytes_sent_total 12000\n"));
  EXPECT_THAT(page, HasSubstr("dsfl_slave_authorizations_total{decision="
                              "\"admitted\",reason=\"\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("dsfl_slave_authorizations_total{decision="
                              "\"refused\",reason=\"model_not_allowed\"} 2\n"));
  EXPECT_THAT(page, HasSubstr("dsfl_slave_authorizations_total{decision="
                              "\"refused\",reason=\"unknown\"} 1\n"));
  EXPECT_THAT(page,
              HasSubstr("dsfl_slave_reloads_total{result=\"failed\"} 1\n"));
  EXPECT_THAT(page, HasSubstr("dsfl_slave_last_error_info{error=\"reload: "
                              "policy.min_cohort: value 0 is outside"));
  EXPECT_THAT(
      page,
      HasSubstr("\ndsfl_slave_last_error_timestamp_seconds 1700000000\n"));
  EXPECT_THAT(page, HasSubstr("\ndsfl_slave_start_time_seconds 1700000000\n"));
}

TEST(ShortMethodNameTest, DropsThePackage) {
  EXPECT_EQ(ShortMethodName("/dsfl.v1.Slave/Train"), "Slave/Train");
  EXPECT_EQ(ShortMethodName("/dsfl.v1.Analytics/Cox"), "Analytics/Cox");
  EXPECT_EQ(ShortMethodName("/Plain/Call"), "Plain/Call");
}

// A real gRPC server whose GetInfo answers OK and ComputeMoments refuses;
// every other method is the generated UNIMPLEMENTED.
class FakeSlave final : public v1::Slave::CallbackService {
  grpc::ServerUnaryReactor* GetInfo(grpc::CallbackServerContext* context,
                                    const v1::GetInfoRequest*,
                                    v1::NodeInfo* response) override {
    response->set_node_id("hospital-a");
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  grpc::ServerUnaryReactor* ComputeMoments(grpc::CallbackServerContext* context,
                                           const v1::MomentsRequest*,
                                           v1::MomentsResponse*) override {
    auto* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status(grpc::StatusCode::PERMISSION_DENIED,
                                 "no admitted session for job 'x'"));
    return reactor;
  }
};

TEST(RpcMetricsInterceptorTest, CountsEveryAnsweredRpcByMethodAndCode) {
  SlaveMetrics metrics;
  FakeSlave service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&service);
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(
      std::make_unique<RpcMetricsInterceptorFactory>(&metrics));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);

  auto stub = v1::Slave::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  for (int i = 0; i < 2; ++i) {
    grpc::ClientContext context;
    v1::NodeInfo info;
    ASSERT_TRUE(stub->GetInfo(&context, v1::GetInfoRequest(), &info).ok());
  }
  {
    grpc::ClientContext context;
    v1::MomentsResponse response;
    EXPECT_EQ(stub->ComputeMoments(&context, v1::MomentsRequest(), &response)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    grpc::ClientContext context;
    v1::AuthorizeResponse response;
    EXPECT_EQ(stub->Authorize(&context, v1::AuthorizeRequest(), &response)
                  .error_code(),
              grpc::StatusCode::UNIMPLEMENTED);
  }
  server->Shutdown();
  server->Wait();

  const std::string page = metrics.Render();
  EXPECT_THAT(page, HasSubstr("dsfl_slave_rpcs_total{method=\"Slave/GetInfo\","
                              "code=\"OK\"} 2\n"));
  EXPECT_THAT(page,
              HasSubstr("dsfl_slave_rpcs_total{method=\"Slave/ComputeMoments\","
                        "code=\"PERMISSION_DENIED\"} 1\n"));
  EXPECT_THAT(page,
              HasSubstr("dsfl_slave_rpcs_total{method=\"Slave/Authorize\","
                        "code=\"UNIMPLEMENTED\"} 1\n"));
  // The last error is the last failed call, with its message; an OK call
  // does not clear it.
  EXPECT_THAT(page, HasSubstr("dsfl_slave_last_error_info{error=\"Slave/"
                              "Authorize: UNIMPLEMENTED: "));
  EXPECT_THAT(page, Not(HasSubstr("error=\"\"")));
}

}  // namespace
}  // namespace dsfl::slave
