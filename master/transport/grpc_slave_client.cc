#include "master/transport/grpc_slave_client.h"

#include "absl/strings/str_cat.h"
#include "common/tls/grpc_credentials.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "proto/convert.h"

namespace dsfl::master {
namespace {

// Applies CallOptions to a ClientContext for the lifetime of one call.
class CallScope {
 public:
  CallScope(grpc::ClientContext* context, const CallOptions& options)
      : cancel_(options.cancel) {
    if (options.deadline != absl::InfiniteFuture()) {
      context->set_deadline(absl::ToChronoTime(options.deadline));
    }
    if (cancel_ != nullptr) {
      id_ = cancel_->Register([context] { context->TryCancel(); });
    }
  }
  ~CallScope() {
    if (cancel_ != nullptr && id_ != 0) cancel_->Unregister(id_);
  }
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

 private:
  CancellationToken* cancel_;
  uint64_t id_ = 0;
};

Status WithContext(const Status& status, const char* what) {
  if (status.ok()) return status;
  return Status(status.code(), absl::StrCat(what, ": ", status.message()));
}

// Writes header + chunks of `model` as messages of type Request through
// `write`, which returns false when the stream broke.
template <typename Request, typename Write>
bool SendModel(const FlatModel& model, uint32_t chunk_bytes, Write write) {
  Request request;
  wire::ToProto(MakeStreamHeader(model, chunk_bytes),
                request.mutable_header());
  if (!write(request)) return false;
  ChunkCursor cursor(model, chunk_bytes);
  ChunkView chunk;
  while (cursor.Next(&chunk)) {
    request.Clear();
    request.mutable_chunk()->set_offset(chunk.offset);
    request.mutable_chunk()->set_data(chunk.bytes.data(), chunk.bytes.size());
    if (!write(request)) return false;
  }
  return true;
}

}  // namespace

GrpcSlaveClient::GrpcSlaveClient(std::shared_ptr<grpc::Channel> channel,
                                 uint32_t chunk_bytes)
    : channel_(std::move(channel)),
      stub_(v1::Slave::NewStub(channel_)),
      chunk_bytes_(chunk_bytes) {}

StatusOr<NodeInfo> GrpcSlaveClient::GetInfo(const CallOptions& options) {
  grpc::ClientContext context;
  CallScope scope(&context, options);
  v1::GetInfoRequest request;
  v1::NodeInfo response;
  DSFL_RETURN_IF_ERROR(WithContext(
      wire::FromGrpc(stub_->GetInfo(&context, request, &response)),
      "GetInfo"));
  return wire::FromProto(response);
}

StatusOr<ColumnMoments> GrpcSlaveClient::ComputeMoments(
    const JobContext& job, const DataSpec& data, const CallOptions& options) {
  grpc::ClientContext context;
  CallScope scope(&context, options);
  v1::MomentsRequest request;
  wire::ToProto(job, request.mutable_job());
  wire::ToProto(data, request.mutable_data());
  v1::MomentsResponse response;
  DSFL_RETURN_IF_ERROR(WithContext(
      wire::FromGrpc(stub_->ComputeMoments(&context, request, &response)),
      "ComputeMoments"));
  return wire::FromProto(response, data.roles.features.size());
}

StatusOr<FlatModel> GrpcSlaveClient::InitializeModel(
    const JobContext& job, const ModelDefinition& model, const DataSpec& data,
    uint64_t seed, const CallOptions& options) {
  grpc::ClientContext context;
  CallScope scope(&context, options);
  v1::InitializeRequest request;
  wire::ToProto(job, request.mutable_job());
  wire::ToProto(model, request.mutable_model());
  wire::ToProto(data, request.mutable_data());
  request.set_seed(seed);
  auto reader = stub_->InitializeModel(&context, request);
  v1::ModelMessage message;
  std::optional<ModelStreamReceiver> receiver;
  std::optional<FlatModelSink> sink;
  Status status;
  while (status.ok() && reader->Read(&message)) {
    if (message.has_header()) {
      auto header = wire::FromProto(message.header());
      if (!header.ok()) {
        status = header.status();
        break;
      }
      auto started = ModelStreamReceiver::Start(*std::move(header), nullptr);
      if (!started.ok()) {
        status = started.status();
        break;
      }
      receiver.emplace(*std::move(started));
      sink.emplace(receiver->header().spec);
    } else if (message.has_chunk() && receiver) {
      status = receiver->OnChunk(message.chunk().offset(),
                                 message.chunk().data(), &*sink);
    } else {
      status = absl::InvalidArgumentError("model chunk before its header");
    }
  }
  if (!status.ok()) context.TryCancel();
  Status rpc = wire::FromGrpc(reader->Finish());
  DSFL_RETURN_IF_ERROR(WithContext(status, "InitializeModel"));
  DSFL_RETURN_IF_ERROR(WithContext(rpc, "InitializeModel"));
  if (!receiver) {
    return absl::InvalidArgumentError("InitializeModel: slave sent no model");
  }
  DSFL_RETURN_IF_ERROR(WithContext(receiver->Finish(), "InitializeModel"));
  return sink->Release();
}

Status GrpcSlaveClient::Train(const TrainCall& call, const FlatModel& global,
                              UpdateSink* sink, const CallOptions& options) {
  grpc::ClientContext context;
  CallScope scope(&context, options);
  auto stream = stub_->Train(&context);

  v1::TrainRequest config;
  v1::TrainConfig* c = config.mutable_config();
  wire::ToProto(call.job, c->mutable_job());
  wire::ToProto(call.model, c->mutable_model());
  wire::ToProto(call.plan, c->mutable_plan());
  wire::ToProto(call.data, c->mutable_data());
  // A failed write means the slave already ended the call; its status comes
  // from Finish() below.
  if (stream->Write(config) &&
      SendModel<v1::TrainRequest>(global, chunk_bytes_,
                                  [&](const v1::TrainRequest& r) {
                                    return stream->Write(r);
                                  })) {
    stream->WritesDone();
  }

  Status status;
  bool got_header = false;
  v1::TrainResponse response;
  while (status.ok() && stream->Read(&response)) {
    switch (response.part_case()) {
      case v1::TrainResponse::kProgress:
        sink->OnProgress(response.progress().epoch(),
                         response.progress().loss());
        break;
      case v1::TrainResponse::kResult:
        status = sink->OnResult(wire::FromProto(response.result()));
        break;
      case v1::TrainResponse::kHeader: {
        auto header = wire::FromProto(response.header());
        status = header.ok() ? sink->OnHeader(*std::move(header))
                             : header.status();
        got_header = status.ok();
        break;
      }
      case v1::TrainResponse::kChunk:
        status = sink->OnChunk(response.chunk().offset(),
                               response.chunk().data());
        break;
      default:
        status = absl::InvalidArgumentError("empty Train response message");
    }
  }
  if (!status.ok()) context.TryCancel();
  Status rpc = wire::FromGrpc(stream->Finish());
  DSFL_RETURN_IF_ERROR(WithContext(status, "Train"));
  DSFL_RETURN_IF_ERROR(WithContext(rpc, "Train"));
  if (!got_header) {
    return absl::InvalidArgumentError("Train: slave sent no update");
  }
  return WithContext(sink->OnEnd(), "Train");
}

StatusOr<EvalSummary> GrpcSlaveClient::Evaluate(const EvaluateCall& call,
                                                const FlatModel& model,
                                                const CallOptions& options) {
  grpc::ClientContext context;
  CallScope scope(&context, options);
  v1::EvaluateResponse response;
  auto stream = stub_->Evaluate(&context, &response);
  v1::EvaluateRequest config;
  wire::ToProto(call.job, config.mutable_config()->mutable_job());
  wire::ToProto(call.model, config.mutable_config()->mutable_model());
  wire::ToProto(call.data, config.mutable_config()->mutable_data());
  if (stream->Write(config) &&
      SendModel<v1::EvaluateRequest>(model, chunk_bytes_,
                                     [&](const v1::EvaluateRequest& r) {
                                       return stream->Write(r);
                                     })) {
    stream->WritesDone();
  }
  DSFL_RETURN_IF_ERROR(
      WithContext(wire::FromGrpc(stream->Finish()), "Evaluate"));
  return wire::FromProto(response);
}

StatusOr<std::unique_ptr<GrpcSlaveClient>> ConnectSlave(
    const SlaveEndpoint& endpoint, const TlsPaths& tls, bool insecure,
    uint32_t chunk_bytes) {
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
  return std::make_unique<GrpcSlaveClient>(std::move(channel), chunk_bytes);
}

}  // namespace dsfl::master
