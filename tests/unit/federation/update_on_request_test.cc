// TrainConfig.update_on_request (docs/protocol.md): against a real slave
// server over gRPC, the slave trains once the model is complete without the
// master's half-close, holds its update back until SendUpdate, then streams
// it; anything else after the model is refused. Without the flag the old
// order (half-close, result, update at once) is covered by the e2e tests'
// typed clients.
#include <chrono>
#include <future>
#include <string>

#include "common/flat_model.h"
#include "dsfl/v1/slave.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "proto/convert.h"
#include "slave/server/slave_server.h"
#include "slave/service/model_parts.h"

namespace dsfl::slave {
namespace {

constexpr int64_t kParams = 300000;  // 1.2 MB: two 1 MiB chunks
constexpr uint32_t kChunk = 1 << 20;

class UpdateOnRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SlaveConfig config;
    config.identity = {"hospital-a", "Hospital A"};
    config.metrics_listen = "";
    config.data_source = {
        {"type", "csv"},
        {"path", std::string(std::getenv("DSFL_SOURCE_DIR")) +
                     "/tests/fixtures/lung_shards/mod3/lung_mod3_0.csv"}};
    StartOptions options;
    options.insecure = true;
    auto server = SlaveServer::Start(config, options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = v1::Slave::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                            grpc::InsecureChannelCredentials()));
    model_.spec = ModelSpec({TensorSpec{"weights", {kParams}}});
    model_.values.resize(kParams);
    for (int64_t i = 0; i < kParams; ++i) model_.values[i] = 0.001f * i;
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  // One Train call (deadline 60 s).
  struct Call {
    grpc::ClientContext context;
    std::unique_ptr<
        grpc::ClientReaderWriter<v1::TrainRequest, v1::TrainResponse>>
        stream;
  };
  std::unique_ptr<Call> Open() {
    auto call = std::make_unique<Call>();
    call->context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::seconds(60));
    call->stream = stub_->Train(&call->context);
    return call;
  }
  // Half-closes, reads whatever is left and returns the call's status.
  static grpc::Status Drain(Call* call) {
    call->stream->WritesDone();
    v1::TrainResponse response;
    while (call->stream->Read(&response)) {
    }
    return call->stream->Finish();
  }

  // Config (with update_on_request), header and chunks; no half-close.
  void SendModel(
      grpc::ClientReaderWriter<v1::TrainRequest, v1::TrainResponse>* stream) {
    v1::TrainRequest request;
    v1::TrainConfig* config = request.mutable_config();
    config->mutable_job()->set_job_id("job-1");
    config->mutable_job()->set_round(1);
    training::ModelDefinition noop;
    noop.kind = training::ModelKind::kNoop;
    noop.task = training::Task::kSurvival;
    noop.noop_parameters = kParams;
    wire::ToProto(noop, config->mutable_model());
    wire::ToProto(master::TrainingPlan{}, config->mutable_plan());
    master::DataSpec data;
    data.task = training::Task::kSurvival;
    data.roles.features = {"age", "sex", "ph.ecog"};
    data.roles.time = "time";
    data.roles.event = "event";
    data.standardization.mean = {60, 1.4, 1};
    data.standardization.stddev = {9, 0.5, 0.7};
    wire::ToProto(data, config->mutable_data());
    config->set_update_on_request(true);
    ASSERT_TRUE(stream->Write(request));
    ModelDownload download(HashedModel(model_), kChunk);
    while (download.Next(&request)) ASSERT_TRUE(stream->Write(request));
  }

  std::unique_ptr<SlaveServer> server_;
  std::unique_ptr<v1::Slave::Stub> stub_;
  FlatModel model_;
};

TEST_F(UpdateOnRequestTest, TheUpdateWaitsForSendUpdate) {
  auto call = Open();
  auto& stream = call->stream;
  SendModel(stream.get());

  // Trained without the half-close: the result comes.
  v1::TrainResponse response;
  do {
    ASSERT_TRUE(stream->Read(&response));
  } while (response.has_progress());
  ASSERT_TRUE(response.has_result());
  EXPECT_GT(response.result().num_examples(), 0);

  // Nothing more until asked. (A slave that streamed unasked would have
  // its header on the wire right behind the result: the read would finish
  // at once, not within the bounded wait.)
  auto next =
      std::async(std::launch::async, [&] { return stream->Read(&response); });
  EXPECT_EQ(next.wait_for(std::chrono::milliseconds(300)),
            std::future_status::timeout);

  v1::TrainRequest ask;
  ask.mutable_send_update();
  ASSERT_TRUE(stream->Write(ask));
  ASSERT_TRUE(stream->WritesDone());
  ASSERT_TRUE(next.get());
  ASSERT_TRUE(response.has_header());
  ModelUpload upload(uint64_t{1} << 30);
  ASSERT_TRUE(upload.OnHeader(response.header()).ok());
  while (stream->Read(&response)) {
    ASSERT_TRUE(response.has_chunk());
    ASSERT_TRUE(
        upload.OnChunk(response.chunk().offset(), response.chunk().data())
            .ok());
  }
  ASSERT_TRUE(stream->Finish().ok());
  auto update = upload.Finish();
  ASSERT_TRUE(update.ok()) << update.status();
  EXPECT_EQ(update->model().values, model_.values);  // noop
  EXPECT_EQ(update->digest(), ModelDigest(model_));
}

TEST_F(UpdateOnRequestTest, TheHalfCloseAlsoAsksForTheUpdate) {
  auto call = Open();
  auto& stream = call->stream;
  SendModel(stream.get());
  ASSERT_TRUE(stream->WritesDone());
  v1::TrainResponse response;
  int chunks = 0;
  bool header = false;
  while (stream->Read(&response)) {
    header |= response.has_header();
    chunks += response.has_chunk();
  }
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_TRUE(header);
  EXPECT_EQ(chunks, 2);
}

TEST_F(UpdateOnRequestTest, AnythingButSendUpdateAfterTheModelIsRefused) {
  auto call = Open();
  SendModel(call->stream.get());
  v1::TrainRequest extra;
  extra.mutable_chunk()->set_offset(0);
  extra.mutable_chunk()->set_data("more");
  call->stream->Write(extra);
  const grpc::Status status = Drain(call.get());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("expected SendUpdate"),
            std::string::npos)
      << status.error_message();
}

TEST_F(UpdateOnRequestTest, SendUpdateBeforeTheModelIsRefused) {
  auto call = Open();
  v1::TrainRequest ask;
  ask.mutable_send_update();
  call->stream->Write(ask);
  EXPECT_EQ(Drain(call.get()).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(UpdateOnRequestTest, ShutdownEndsACallWhoseUpdateWaits) {
  auto call = Open();
  SendModel(call->stream.get());
  v1::TrainResponse response;
  do {
    ASSERT_TRUE(call->stream->Read(&response));
  } while (response.has_progress());
  ASSERT_TRUE(response.has_result());
  // The update waits for SendUpdate; shutting down must not wait for it
  // beyond the grace period (gRPC then cancels the call).
  server_->Shutdown(absl::Milliseconds(200));
  while (call->stream->Read(&response)) {
  }
  EXPECT_FALSE(call->stream->Finish().ok());
  server_.reset();
}

}  // namespace
}  // namespace dsfl::slave
