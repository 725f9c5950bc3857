#include "master/transport/grpc_slave_client.h"

#include <malloc.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/tls/grpc_credentials.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/impl/rpc_method.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/sync_stream.h"
#include "master/transport/call_scope.h"
#include "proto/convert.h"
#include "proto/model_wire.h"

namespace dsfl::master {
namespace {

Status WithContext(const Status& status, const char* what) {
  if (status.ok()) return status;
  return Status(status.code(), absl::StrCat(what, ": ", status.message()));
}

using wire::Contiguous;
using wire::DecodeChunkPieces;
using wire::Serialize;

// Writes header + chunks of `model` as messages of type Request through
// `write(const grpc::ByteBuffer&)`, which returns false when the stream
// broke (proto/model_wire.h: the chunks alias the model's buffer). The
// header carries the model's known digest: the global model goes to every
// slave of a round and is hashed once.
template <typename Request, typename Write>
bool SendModel(const HashedModel& model, uint32_t chunk_bytes,
               WireFormat format, Write write) {
  Request request;
  wire::ToProto(MakeStreamHeader(model, chunk_bytes, format),
                request.mutable_header());
  if (!write(Serialize(request))) return false;
  ChunkCursor cursor(model, chunk_bytes, format);
  ChunkView chunk;
  while (cursor.Next(&chunk)) {
    if (!write(wire::EncodeChunk(wire::kRequestChunkField, chunk.offset,
                                 chunk.bytes))) {
      return false;
    }
  }
  return true;
}

// Bounds how many model transfers (the global model going out to a slave,
// or an update coming in) this process runs at once, across all slaves.
// Each transfer is CPU-bound (TLS, model digest, fold) and keeps gRPC buffers
// of about a flow-control window plus a chunk, so a few at a time already
// use every core, and the master's memory stays O(model) + permits x
// O(chunk) however many slaves report: slaves still train in parallel,
// only their transfers take turns. Waiting honours the call's deadline and
// cancellation. Thread-safe.
class TransferGate {
 public:
  static TransferGate& Shared() {
    static TransferGate* const gate = new TransferGate(
        std::max(2, 2 * static_cast<int>(std::thread::hardware_concurrency())));
    return *gate;
  }

  // Waits for a permit; false (with *status set) on deadline or cancel.
  bool Acquire(const CallOptions& options, Status* status) {
    std::unique_lock<std::mutex> lock(mu_);
    while (free_ == 0) {
      if (options.cancel != nullptr && options.cancel->cancelled()) {
        *status = absl::CancelledError("cancelled waiting to transfer");
        return false;
      }
      const absl::Time now = absl::Now();
      if (now >= options.deadline) {
        *status = absl::DeadlineExceededError("deadline waiting to transfer");
        return false;
      }
      // Poll cancellation at least every 50 ms (the token has no condition
      // variable of ours to signal).
      cv_.wait_until(
          lock, absl::ToChronoTime(
                    std::min(options.deadline, now + absl::Milliseconds(50))));
    }
    --free_;
    return true;
  }

  void Release() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++free_;
    }
    cv_.notify_one();
  }

 private:
  explicit TransferGate(int permits) : free_(permits) {}
  std::mutex mu_;
  std::condition_variable cv_;
  int free_;
};

// Holds a TransferGate permit until destroyed or Release()d.
class TransferPermit {
 public:
  TransferPermit() = default;
  ~TransferPermit() { Release(); }
  TransferPermit(const TransferPermit&) = delete;
  TransferPermit& operator=(const TransferPermit&) = delete;
  bool Acquire(const CallOptions& options, Status* status) {
    held_ = TransferGate::Shared().Acquire(options, status);
    return held_;
  }
  bool held() const { return held_; }
  void Release() {
    if (held_) TransferGate::Shared().Release();
    held_ = false;
  }

 private:
  bool held_ = false;
};

const grpc::internal::RpcMethod kTrainMethod(
    "/dsfl.v1.Slave/Train", grpc::internal::RpcMethod::BIDI_STREAMING);
const grpc::internal::RpcMethod kEvaluateMethod(
    "/dsfl.v1.Slave/Evaluate", grpc::internal::RpcMethod::CLIENT_STREAMING);

}  // namespace

GrpcSlaveClient::GrpcSlaveClient(std::shared_ptr<grpc::Channel> channel,
                                 uint32_t chunk_bytes, std::string session_id)
    : channel_(std::move(channel)),
      stub_(v1::Slave::NewStub(channel_)),
      chunk_bytes_(chunk_bytes),
      session_id_(std::move(session_id)) {}

JobContext GrpcSlaveClient::WithSession(const JobContext& job) const {
  JobContext out = job;
  if (!session_id_.empty()) out.session_id = session_id_;
  return out;
}

StatusOr<NodeInfo> GrpcSlaveClient::GetInfo(const CallOptions& options) {
  return GetInfo(options, nullptr);
}

StatusOr<NodeInfo> GrpcSlaveClient::GetInfo(
    const CallOptions& options, StatusOr<tls::PeerIdentity>* server) {
  grpc::ClientContext context;
  CallScope scope(&context, options);
  v1::GetInfoRequest request;
  v1::NodeInfo response;
  DSFL_RETURN_IF_ERROR(WithContext(
      wire::FromGrpc(stub_->GetInfo(&context, request, &response)), "GetInfo"));
  if (server != nullptr) {
    std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
    *server = auth != nullptr
                  ? tls::PeerFromContext(*auth)
                  : StatusOr<tls::PeerIdentity>(
                        absl::UnauthenticatedError("call is not over TLS"));
  }
  return wire::FromProto(response);
}

StatusOr<AuthorizeAnswer> GrpcSlaveClient::Authorize(
    const AuthorizeCall& call, const CallOptions& options) {
  grpc::ClientContext context;
  CallScope scope(&context, options);
  v1::AuthorizeRequest request;
  request.set_job_id(call.job_id);
  request.set_master_did(call.master_did);
  request.set_agreement_id(call.agreement_id);
  request.set_model_sha256(call.model_sha256);
  wire::ToProto(call.plan, request.mutable_plan());
  for (const auto& [key, value] : call.privacy) {
    (*request.mutable_privacy()->mutable_settings())[key] = value;
  }
  request.set_master_presentation(call.master_presentation);
  request.set_master_access_token(call.master_access_token);
  v1::AuthorizeResponse response;
  DSFL_RETURN_IF_ERROR(WithContext(
      wire::FromGrpc(stub_->Authorize(&context, request, &response)),
      "Authorize"));
  AuthorizeAnswer answer;
  answer.admitted = response.admitted();
  answer.reason = response.reason();
  answer.message = response.message();
  answer.session_id = response.session_id();
  if (answer.admitted && answer.session_id.empty()) {
    return absl::InvalidArgumentError(
        "Authorize: the slave admitted the job but sent no session id");
  }
  return answer;
}

StatusOr<ColumnMoments> GrpcSlaveClient::ComputeMoments(
    const JobContext& job, const DataSpec& data, const CallOptions& options) {
  grpc::ClientContext context;
  CallScope scope(&context, options);
  v1::MomentsRequest request;
  wire::ToProto(WithSession(job), request.mutable_job());
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
  wire::ToProto(WithSession(job), request.mutable_job());
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

Status GrpcSlaveClient::Train(const TrainCall& call, const HashedModel& global,
                              UpdateSink* sink, const CallOptions& options) {
  grpc::ClientContext context;
  CallScope scope(&context, options);
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>>
      stream(grpc::internal::ClientReaderWriterFactory<
             grpc::ByteBuffer, grpc::ByteBuffer>::Create(channel_.get(),
                                                         kTrainMethod,
                                                         &context));

  v1::TrainRequest config;
  v1::TrainConfig* c = config.mutable_config();
  wire::ToProto(WithSession(call.job), c->mutable_job());
  wire::ToProto(call.model, c->mutable_model());
  wire::ToProto(call.plan, c->mutable_plan());
  wire::ToProto(call.data, c->mutable_data());
  // The slave streams its update only when asked (SendUpdate, below), so a
  // slave that finished training while others are being folded keeps its
  // update instead of parking a flow-control window of it in this process.
  c->set_update_on_request(true);
  // A failed write means the slave already ended the call; its status comes
  // from Finish() below.
  Status status;
  TransferPermit permit;
  auto write = [&](const grpc::ByteBuffer& m) { return stream->Write(m); };
  if (stream->Write(Serialize(config)) && permit.Acquire(options, &status)) {
    (void)SendModel<v1::TrainRequest>(global, chunk_bytes_, call.wire_format,
                                      write);
  }
  permit.Release();

  bool got_header = false;
  grpc::ByteBuffer message;
  wire::ChunkPieces chunk;  // update chunks: checked and folded uncopied
  std::string small;        // progress, result and header messages
  v1::TrainResponse response;
  while (status.ok() && stream->Read(&message)) {
    if (DecodeChunkPieces(message, wire::kTrainResponseChunkField, &chunk)) {
      status = sink->OnChunk(chunk.offset, chunk.pieces);
      continue;
    }
    grpc::Slice single;
    const std::string_view bytes = Contiguous(message, &single, &small);
    if (!response.ParseFromArray(bytes.data(),
                                 static_cast<int>(bytes.size()))) {
      status = absl::InvalidArgumentError("malformed Train response message");
      break;
    }
    switch (response.part_case()) {
      case v1::TrainResponse::kProgress:
        sink->OnProgress(response.progress().epoch(),
                         response.progress().loss());
        break;
      case v1::TrainResponse::kResult: {
        status = sink->OnResult(wire::FromProto(response.result()));
        // Ready to fold the update: take a transfer permit, then ask for it
        // (a failed write: the slave ended the call, see Finish()).
        if (!status.ok() || !permit.Acquire(options, &status)) break;
        v1::TrainRequest ask;
        ask.mutable_send_update();
        if (stream->Write(Serialize(ask))) stream->WritesDone();
        break;
      }
      case v1::TrainResponse::kHeader: {
        // A slave that streams unasked: take the permit now (its chunks
        // wait in the flow-control window meanwhile).
        if (!permit.held() && !permit.Acquire(options, &status)) break;
        auto header = wire::FromProto(response.header());
        status =
            header.ok() ? sink->OnHeader(*std::move(header)) : header.status();
        got_header = status.ok();
        break;
      }
      case v1::TrainResponse::kChunk:
        status =
            sink->OnChunk(response.chunk().offset(), response.chunk().data());
        break;
      default:
        status = absl::InvalidArgumentError("empty Train response message");
    }
  }
  permit.Release();
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
                                                const HashedModel& model,
                                                const CallOptions& options) {
  grpc::ClientContext context;
  CallScope scope(&context, options);
  v1::EvaluateResponse response;
  std::unique_ptr<grpc::ClientWriter<grpc::ByteBuffer>> stream(
      grpc::internal::ClientWriterFactory<grpc::ByteBuffer>::Create(
          channel_.get(), kEvaluateMethod, &context, &response));
  v1::EvaluateRequest config;
  wire::ToProto(WithSession(call.job),
                config.mutable_config()->mutable_job());
  wire::ToProto(call.model, config.mutable_config()->mutable_model());
  wire::ToProto(call.data, config.mutable_config()->mutable_data());
  Status status;
  TransferPermit permit;
  auto write = [&](const grpc::ByteBuffer& m) { return stream->Write(m); };
  if (stream->Write(Serialize(config)) && permit.Acquire(options, &status) &&
      SendModel<v1::EvaluateRequest>(model, chunk_bytes_, call.wire_format,
                                     write)) {
    stream->WritesDone();
  }
  permit.Release();
  if (!status.ok()) context.TryCancel();
  Status rpc = wire::FromGrpc(stream->Finish());
  DSFL_RETURN_IF_ERROR(WithContext(status, "Evaluate"));
  DSFL_RETURN_IF_ERROR(WithContext(rpc, "Evaluate"));
  return wire::FromProto(response);
}

StatusOr<std::unique_ptr<GrpcSlaveClient>> ConnectSlave(
    const SlaveEndpoint& endpoint, const TlsPaths& tls, bool insecure,
    uint32_t chunk_bytes) {
  // glibc gives each thread that allocates its own arena, up to 8 per core,
  // and an arena keeps what it has freed. A master talking to N slaves from
  // N threads then holds ~16 arenas of chunk-sized buffers (measured: +70
  // MiB at N = 32). Two arenas suffice: the allocations are per chunk, not
  // per float (docs/performance.md).
  static std::once_flag arenas_once;
  std::call_once(arenas_once, [] { mallopt(M_ARENA_MAX, 2); });
  std::shared_ptr<grpc::Channel> channel;
  if (insecure) {
    channel = grpc::CreateCustomChannel(endpoint.address,
                                        grpc::InsecureChannelCredentials(),
                                        tls::MakeChannelArguments(""));
  } else {
    DSFL_ASSIGN_OR_RETURN(tls::TlsFiles files,
                          tls::LoadTlsFiles(tls.ca, tls.cert, tls.key));
    channel = OpenSlaveChannel(endpoint, files);
  }
  return std::make_unique<GrpcSlaveClient>(std::move(channel), chunk_bytes);
}

std::shared_ptr<grpc::Channel> OpenSlaveChannel(const SlaveEndpoint& endpoint,
                                                const tls::TlsFiles& files) {
  static std::once_flag arenas_once;  // as in ConnectSlave
  std::call_once(arenas_once, [] { mallopt(M_ARENA_MAX, 2); });
  return grpc::CreateCustomChannel(endpoint.address,
                                   tls::MakeChannelCredentials(files),
                                   tls::MakeChannelArguments(endpoint.tls_name));
}

}  // namespace dsfl::master
