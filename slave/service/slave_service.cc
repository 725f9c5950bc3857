#include "slave/service/slave_service.h"

#include <chrono>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/model_buffer_pool.h"
#include "common/tls/grpc_credentials.h"
#include "proto/convert.h"
#include "proto/model_wire.h"
#include "slave/service/model_parts.h"
#include "spdlog/spdlog.h"

namespace dsfl::slave {
namespace {

using grpc::CallbackServerContext;

grpc::Status Unavailable() {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, "slave is shutting down");
}

// Keeps a reactor's cancellation token registered with the service for the
// reactor's lifetime, so Shutdown() can reach it.
class TrackedToken {
 public:
  explicit TrackedToken(SlaveService* service)
      : service_(service), tracked_(service->Track(&token_)) {}
  ~TrackedToken() {
    if (tracked_) service_->Untrack(&token_);
  }
  bool tracked() const { return tracked_; }
  CancellationToken* get() { return &token_; }

 private:
  SlaveService* service_;
  CancellationToken token_;
  bool tracked_;
};

// Train: read config + model, train on a worker, write progress, result and
// update. Raw messages (proto/model_wire.h): chunks in both directions skip
// protobuf. With TrainConfig.update_on_request, training starts once the
// model is complete and the update waits for the master's SendUpdate (or
// half-close); a read stays open for it meanwhile. Deleted in OnDone.
class TrainReactor final
    : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  TrainReactor(SlaveService* service, CallbackServerContext* context)
      : service_(service),
        auth_(context->auth_context()),
        token_(service),
        upload_(service->core()->limits().max_model_bytes) {
    if (!token_.tracked()) {
      Finish(Unavailable());
      return;
    }
    StartRead(&raw_request_);
  }

  void OnReadDone(bool ok) override {
    if (upload_done_) {
      // After the model only SendUpdate or the half-close may come.
      if (ok && !IsSendUpdate()) {
        Fail(absl::InvalidArgumentError(
            "unexpected TrainRequest after the model (expected SendUpdate)"));
        return;
      }
      RequestUpdate();
      if (ok) StartRead(&raw_request_);  // the half-close is still to come
      return;
    }
    if (!ok) {
      UploadComplete();
      return;
    }
    auto parsed = ConsumeChunkOrParse(raw_request_, &chunk_, &scratch_,
                                      &upload_, &request_);
    Status status = !parsed.ok() ? parsed.status()
                    : *parsed    ? HandleRequest()
                                 : absl::OkStatus();
    if (!status.ok()) {
      Fail(status);
      return;
    }
    if (!gate_.allowed) {
      DenyOnWorker();
      return;
    }
    if (update_on_request_ && upload_.complete()) {
      UploadComplete();  // keeps a read open for SendUpdate
      return;
    }
    StartRead(&raw_request_);
  }

  void OnWriteDone(bool ok) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      write_in_flight_ = false;
      if (!ok && phase_ != Phase::kFailing) {
        phase_ = Phase::kFailing;
        final_status_ = absl::CancelledError("client went away");
      }
    }
    if (!ok) token_.get()->Cancel();
    Pump();
  }

  void OnCancel() override { token_.get()->Cancel(); }
  void OnDone() override { delete this; }

 private:
  enum class Phase { kReceiving, kTraining, kSending, kFailing };

  Status HandleRequest() {
    switch (request_.part_case()) {
      case v1::TrainRequest::kConfig: {
        if (config_received_) {
          return absl::InvalidArgumentError("second TrainConfig");
        }
        config_received_ = true;
        const v1::TrainConfig& c = request_.config();
        call_.job = wire::FromProto(c.job());
        // Admission first: nothing of an unadmitted job is even parsed.
        gated_ = {"Train", call_.job.job_id, call_.job.session_id};
        gate_ = service_->gate().Check(auth_.get(), gated_);
        if (!gate_.allowed) return absl::OkStatus();
        DSFL_ASSIGN_OR_RETURN(call_.model, wire::FromProto(c.model()));
        gate_ = service_->gate().CheckModel(std::move(gate_), call_.model);
        if (!gate_.allowed) return absl::OkStatus();
        DSFL_ASSIGN_OR_RETURN(call_.plan, wire::FromProto(c.plan()));
        DSFL_ASSIGN_OR_RETURN(call_.data, wire::FromProto(c.data()));
        update_on_request_ = c.update_on_request();
        return absl::OkStatus();
      }
      case v1::TrainRequest::kHeader:
        if (!config_received_) {
          return absl::InvalidArgumentError("model header before TrainConfig");
        }
        return upload_.OnHeader(request_.header());
      case v1::TrainRequest::kChunk:
        return upload_.OnChunk(request_.chunk().offset(),
                               request_.chunk().data());
      case v1::TrainRequest::kSendUpdate:
        return absl::InvalidArgumentError("SendUpdate before the model");
      default:
        return absl::InvalidArgumentError("empty TrainRequest");
    }
  }

  bool IsSendUpdate() {
    grpc::Slice single;
    const std::string_view bytes =
        wire::Contiguous(raw_request_, &single, &scratch_);
    return request_.ParseFromArray(bytes.data(),
                                   static_cast<int>(bytes.size())) &&
           request_.part_case() == v1::TrainRequest::kSendUpdate;
  }

  // The master is ready for the update (SendUpdate or its half-close).
  void RequestUpdate() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      update_requested_ = true;
    }
    Pump();
  }

  // The model is complete (by its size with update_on_request, else by the
  // half-close): check it and start training. With update_on_request a
  // read is started first, for SendUpdate: before the worker exists, so
  // that it can never race the call's Finish().
  void UploadComplete() {
    if (token_.get()->cancelled()) {
      Fail(absl::CancelledError("call cancelled during upload"));
      return;
    }
    if (!config_received_) {
      Fail(absl::InvalidArgumentError("Train call without TrainConfig"));
      return;
    }
    auto model = upload_.Finish();
    if (!model.ok()) {
      Fail(model.status());
      return;
    }
    global_ = *std::move(model);
    call_.wire_format = upload_.wire_format();  // the update answers in kind
    upload_done_ = true;
    {
      std::lock_guard<std::mutex> lock(mu_);
      phase_ = Phase::kTraining;
      worker_running_ = true;
      if (!update_on_request_) update_requested_ = true;
    }
    if (update_on_request_) StartRead(&raw_request_);
    if (!service_->pool()->Submit([this] { RunTraining(); })) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        worker_running_ = false;
      }
      Fail(absl::UnavailableError("slave is shutting down"));
    }
  }

  // Worker thread.
  void RunTraining() {
    spdlog::info("job '{}' round {}: training on {} parameters",
                 call_.job.job_id, call_.job.round,
                 global_.model().values.size());
    const auto start = std::chrono::steady_clock::now();
    // The core takes the received model: it is freed when training returns
    // (so a slave holds one model while its update streams out, not two),
    // or, for the noop model, returned as the update without a copy.
    auto outcome = service_->core()->Train(
        call_, std::move(global_), token_.get()->flag(),
        [this](int64_t epoch, double loss) { PostProgress(epoch, loss); });
    global_ = HashedModel();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    {
      std::lock_guard<std::mutex> lock(mu_);
      worker_running_ = false;
      if (phase_ == Phase::kFailing) {
        // The client is gone; Pump() finishes the call.
      } else if (!outcome.ok()) {
        phase_ = Phase::kFailing;
        final_status_ = outcome.status();
      } else {
        result_.set_num_examples(outcome->num_examples);
        result_.set_loss_before(outcome->loss_before);
        result_.set_loss_after(outcome->loss_after);
        result_.set_train_seconds(seconds);
        download_.emplace(std::move(outcome->update), upload_.chunk_bytes(),
                          call_.wire_format);
        phase_ = Phase::kSending;
      }
    }
    if (!outcome.ok()) {
      spdlog::warn("job '{}' round {}: training failed: {}", call_.job.job_id,
                   call_.job.round, outcome.status().ToString());
    }
    Pump();  // may Finish(); `this` must not be touched afterwards
  }

  // The gate refused: audit on a worker (it blocks), then finish.
  void DenyOnWorker() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      phase_ = Phase::kFailing;
      final_status_ = absl::PermissionDeniedError(gate_.message);
      worker_running_ = true;
    }
    if (!service_->pool()->Submit([this] {
          Status denied = service_->gate().Deny(gated_, gate_);
          {
            std::lock_guard<std::mutex> lock(mu_);
            worker_running_ = false;
            final_status_ = denied;
          }
          Pump();
        })) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        worker_running_ = false;
        final_status_ = absl::UnavailableError("slave is shutting down");
      }
      Pump();
    }
  }

  void PostProgress(int64_t epoch, double loss) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (phase_ != Phase::kTraining) return;
      progress_epoch_ = epoch;
      progress_loss_ = loss;
      progress_pending_ = true;
    }
    Pump();
  }

  void Fail(const Status& status) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (phase_ != Phase::kFailing) {
        phase_ = Phase::kFailing;
        final_status_ = status;
      }
    }
    Pump();
  }

  // Starts the next write or finishes the call. Decides under the lock,
  // acts outside it (a reaction may run on another thread at once).
  void Pump() {
    enum class Action { kNone, kWrite, kFinish } action = Action::kNone;
    grpc::Status finish_status;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (write_in_flight_ || finished_) return;
      switch (phase_) {
        case Phase::kReceiving:
          break;
        case Phase::kTraining:
          if (progress_pending_) {
            progress_pending_ = false;
            v1::TrainResponse response;
            response.mutable_progress()->set_epoch(progress_epoch_);
            response.mutable_progress()->set_loss(progress_loss_);
            response_ = wire::Serialize(response);
            action = Action::kWrite;
          }
          break;
        case Phase::kSending:
          if (!result_sent_) {
            result_sent_ = true;
            v1::TrainResponse response;
            *response.mutable_result() = result_;
            response_ = wire::Serialize(response);
            action = Action::kWrite;
          } else if (!update_requested_) {
            // The update waits for the master's SendUpdate.
          } else if (download_->NextRaw<v1::TrainResponse>(
                         wire::kTrainResponseChunkField, &response_)) {
            action = Action::kWrite;
          } else {
            action = Action::kFinish;
          }
          break;
        case Phase::kFailing:
          if (!worker_running_) {
            action = Action::kFinish;
            finish_status = wire::ToGrpc(final_status_);
          }
          break;
      }
      if (action == Action::kWrite) write_in_flight_ = true;
      if (action == Action::kFinish) finished_ = true;
    }
    if (action == Action::kWrite) {
      StartWrite(&response_);
    } else if (action == Action::kFinish) {
      Finish(finish_status);
    }
  }

  SlaveService* service_;
  std::shared_ptr<const grpc::AuthContext> auth_;
  TrackedToken token_;
  grpc::ByteBuffer raw_request_;
  wire::ChunkPieces chunk_;  // a received chunk, reused
  std::string scratch_;      // a received message's bytes, reused
  v1::TrainRequest request_;
  bool config_received_ = false;
  bool update_on_request_ = false;
  bool upload_done_ = false;  // set before the read that may follow it
  GatedCall gated_;
  GateResult gate_;
  master::TrainCall call_;
  ModelUpload upload_;
  HashedModel global_;

  std::mutex mu_;  // guards everything below
  Phase phase_ = Phase::kReceiving;
  bool worker_running_ = false;
  bool write_in_flight_ = false;
  bool finished_ = false;
  bool progress_pending_ = false;
  int64_t progress_epoch_ = 0;
  double progress_loss_ = 0;
  bool result_sent_ = false;
  bool update_requested_ = false;
  v1::TrainResult result_;
  std::optional<ModelDownload> download_;
  Status final_status_;
  grpc::ByteBuffer response_;  // its chunks alias download_'s buffers
};

// Evaluate: read config + model, evaluate on a worker, answer. Raw messages
// like Train's.
class EvaluateReactor final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  EvaluateReactor(SlaveService* service, CallbackServerContext* context,
                  grpc::ByteBuffer* response)
      : service_(service),
        auth_(context->auth_context()),
        token_(service),
        response_(response),
        upload_(service->core()->limits().max_model_bytes) {
    if (!token_.tracked()) {
      Finish(Unavailable());
      return;
    }
    StartRead(&raw_request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      UploadComplete();
      return;
    }
    auto parsed = ConsumeChunkOrParse(raw_request_, &chunk_, &scratch_,
                                      &upload_, &request_);
    Status status = parsed.ok() && *parsed ? HandleRequest() : parsed.status();
    if (!status.ok()) {
      Finish(wire::ToGrpc(status));
      return;
    }
    if (!gate_.allowed) {
      // Audited on a worker (it blocks); nothing more is read.
      if (!service_->pool()->Submit([this] {
            Finish(wire::ToGrpc(service_->gate().Deny(gated_, gate_)));
          })) {
        Finish(Unavailable());
      }
      return;
    }
    StartRead(&raw_request_);
  }

  void OnCancel() override { token_.get()->Cancel(); }
  void OnDone() override {
    ModelBufferPool::Shared().Give(std::move(model_).Release().values);
    delete this;
  }

 private:
  Status HandleRequest() {
    switch (request_.part_case()) {
      case v1::EvaluateRequest::kConfig:
        return ReadConfig();
      case v1::EvaluateRequest::kHeader:
        return config_received_
                   ? upload_.OnHeader(request_.header())
                   : absl::InvalidArgumentError("model before config");
      case v1::EvaluateRequest::kChunk:
        return upload_.OnChunk(request_.chunk().offset(),
                               request_.chunk().data());
      default:
        return absl::InvalidArgumentError("empty EvaluateRequest");
    }
  }

  Status ReadConfig() {
    if (config_received_) return absl::InvalidArgumentError("second config");
    config_received_ = true;
    const v1::EvaluateConfig& c = request_.config();
    call_.job = wire::FromProto(c.job());
    gated_ = {"Evaluate", call_.job.job_id, call_.job.session_id};
    gate_ = service_->gate().Check(auth_.get(), gated_);
    if (!gate_.allowed) return absl::OkStatus();
    DSFL_ASSIGN_OR_RETURN(call_.model, wire::FromProto(c.model()));
    gate_ = service_->gate().CheckModel(std::move(gate_), call_.model);
    if (!gate_.allowed) return absl::OkStatus();
    DSFL_ASSIGN_OR_RETURN(call_.data, wire::FromProto(c.data()));
    return absl::OkStatus();
  }

  void UploadComplete() {
    if (token_.get()->cancelled()) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
      return;
    }
    if (!config_received_) {
      Finish(wire::ToGrpc(absl::InvalidArgumentError("no EvaluateConfig")));
      return;
    }
    auto model = upload_.Finish();
    if (!model.ok()) {
      Finish(wire::ToGrpc(model.status()));
      return;
    }
    model_ = *std::move(model);
    if (!service_->pool()->Submit([this] { Run(); })) Finish(Unavailable());
  }

  void Run() {
    auto outcome = service_->core()->Evaluate(call_, model_);
    if (outcome.ok()) {
      master::EvalSummary summary{outcome->num_examples, outcome->loss,
                                  outcome->c_index, outcome->auc};
      v1::EvaluateResponse response;
      wire::ToProto(summary, &response);
      *response_ = wire::Serialize(response);
    }
    Finish(wire::ToGrpc(outcome.status()));
  }

  SlaveService* service_;
  std::shared_ptr<const grpc::AuthContext> auth_;
  TrackedToken token_;
  grpc::ByteBuffer* response_;
  grpc::ByteBuffer raw_request_;
  wire::ChunkPieces chunk_;  // a received chunk, reused
  std::string scratch_;      // a received message's bytes, reused
  v1::EvaluateRequest request_;
  bool config_received_ = false;
  GatedCall gated_;
  GateResult gate_;
  master::EvaluateCall call_;
  ModelUpload upload_;
  HashedModel model_;
};

// InitializeModel: build the model on a worker, stream it back.
class InitializeReactor final
    : public grpc::ServerWriteReactor<v1::ModelMessage> {
 public:
  InitializeReactor(SlaveService* service, CallbackServerContext* context,
                    const v1::InitializeRequest* request)
      : service_(service),
        auth_(context->auth_context()),
        token_(service),
        request_(request) {
    if (!token_.tracked() || !service_->pool()->Submit([this] { Build(); })) {
      Finish(Unavailable());
    }
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
      return;
    }
    WriteNext();
  }
  void OnCancel() override { token_.get()->Cancel(); }
  void OnDone() override { delete this; }

 private:
  void Build() {
    auto model = BuildModel();
    if (!model.ok()) {
      Finish(wire::ToGrpc(model.status()));
      return;
    }
    download_.emplace(HashedModel(*std::move(model)), kDefaultChunkBytes);
    WriteNext();
  }

  StatusOr<FlatModel> BuildModel() {
    const master::JobContext job = wire::FromProto(request_->job());
    const GatedCall gated{"InitializeModel", job.job_id, job.session_id};
    const SessionGate& gate = service_->gate();
    GateResult admitted = gate.Check(auth_.get(), gated);
    if (!admitted.allowed) return gate.Deny(gated, admitted);
    DSFL_ASSIGN_OR_RETURN(master::ModelDefinition definition,
                          wire::FromProto(request_->model()));
    admitted = gate.CheckModel(std::move(admitted), definition);
    if (!admitted.allowed) return gate.Deny(gated, admitted);
    DSFL_ASSIGN_OR_RETURN(master::DataSpec data,
                          wire::FromProto(request_->data()));
    return service_->core()->InitializeModel(job, definition, data,
                                             request_->seed());
  }

  // Only one write is ever outstanding: called from Build() before the
  // first write and from OnWriteDone() after each.
  void WriteNext() {
    if (download_->Next(&message_)) {
      StartWrite(&message_);
    } else {
      Finish(grpc::Status::OK);
    }
  }

  SlaveService* service_;
  std::shared_ptr<const grpc::AuthContext> auth_;
  TrackedToken token_;
  const v1::InitializeRequest* request_;
  std::optional<ModelDownload> download_;
  v1::ModelMessage message_;
};

// The gate of a static federation: every call passes.
const SessionGate& OpenGate() {
  static const SessionGate* gate = new SessionGate(nullptr, nullptr);
  return *gate;
}

edc::AuthorizationRequest FromProto(const v1::AuthorizeRequest& in) {
  edc::AuthorizationRequest out;
  out.job_id = in.job_id();
  out.master_did = in.master_did();
  out.agreement_id = in.agreement_id();
  out.model_sha256 = in.model_sha256();
  out.master_presentation = in.master_presentation();
  out.master_access_token = in.master_access_token();
  out.privacy.insert(in.privacy().settings().begin(),
                     in.privacy().settings().end());
  return out;
}

}  // namespace

SlaveService::SlaveService(SlaveCore* core, WorkerPool* pool,
                           DataspaceHooks hooks)
    : core_(core),
      pool_(pool),
      hooks_(hooks),
      gate_(hooks.gate != nullptr ? hooks.gate : &OpenGate()) {}

bool SlaveService::Track(CancellationToken* token) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return false;
  active_.insert(token);
  return true;
}

void SlaveService::Untrack(CancellationToken* token) {
  std::lock_guard<std::mutex> lock(mu_);
  active_.erase(token);
}

void SlaveService::Shutdown() {
  std::lock_guard<std::mutex> lock(mu_);
  shutting_down_ = true;
  for (CancellationToken* token : active_) token->Cancel();
}

grpc::ServerUnaryReactor* SlaveService::GetInfo(
    CallbackServerContext* context, const v1::GetInfoRequest* /*request*/,
    v1::NodeInfo* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!pool_->Submit([this, reactor, response] {
        auto info = core_->GetInfo();
        if (info.ok()) wire::ToProto(*info, response);
        reactor->Finish(wire::ToGrpc(info.status()));
      })) {
    reactor->Finish(Unavailable());
  }
  return reactor;
}

grpc::ServerUnaryReactor* SlaveService::Authorize(
    CallbackServerContext* context, const v1::AuthorizeRequest* request,
    v1::AuthorizeResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (hooks_.admission == nullptr) {
    reactor->Finish(grpc::Status(
        grpc::StatusCode::FAILED_PRECONDITION,
        "this slave has no \"dataspace\" configuration: it serves a static "
        "federation and admits no jobs through Authorize"));
    return reactor;
  }
  std::shared_ptr<const grpc::AuthContext> auth = context->auth_context();
  // HTTPS to the connector, DID resolution and DCP: on a worker.
  if (!pool_->Submit([this, reactor, request, response, auth] {
        AnswerAuthorize(auth.get(), *request, response, reactor);
      })) {
    reactor->Finish(Unavailable());
  }
  return reactor;
}

void SlaveService::AnswerAuthorize(const grpc::AuthContext* auth,
                                   const v1::AuthorizeRequest& request,
                                   v1::AuthorizeResponse* response,
                                   grpc::ServerUnaryReactor* reactor) {
  // The cohort: this node's records (the table read at start-up).
  auto info = core_->GetInfo();
  if (!info.ok()) {
    reactor->Finish(wire::ToGrpc(info.status()));
    return;
  }
  StatusOr<tls::PeerIdentity> peer =
      auth == nullptr ? StatusOr<tls::PeerIdentity>(
                            absl::UnauthenticatedError("call is not over TLS"))
                      : tls::PeerFromContext(*auth);
  AuthorizeOutcome outcome =
      hooks_.admission->Authorize(peer, FromProto(request), info->num_rows);
  if (!outcome.error.ok()) {
    reactor->Finish(wire::ToGrpc(outcome.error));
    return;
  }
  if (hooks_.metrics != nullptr) {
    hooks_.metrics->RecordAuthorization(outcome.admitted, outcome.reason);
  }
  response->set_admitted(outcome.admitted);
  response->set_reason(outcome.reason);
  response->set_message(outcome.message);
  response->set_session_id(outcome.session_id);
  reactor->Finish(grpc::Status::OK);
}

grpc::ServerUnaryReactor* SlaveService::ComputeMoments(
    CallbackServerContext* context, const v1::MomentsRequest* request,
    v1::MomentsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  std::shared_ptr<const grpc::AuthContext> auth = context->auth_context();
  if (!pool_->Submit([this, reactor, request, response, auth] {
        const GatedCall gated{"ComputeMoments", request->job().job_id(),
                              request->job().session_id()};
        const GateResult admitted =
            gate_->CheckTraining(gate_->Check(auth.get(), gated));
        if (!admitted.allowed) {
          reactor->Finish(wire::ToGrpc(gate_->Deny(gated, admitted)));
          return;
        }
        auto data = wire::FromProto(request->data());
        if (!data.ok()) {
          reactor->Finish(wire::ToGrpc(data.status()));
          return;
        }
        auto moments =
            core_->ComputeMoments(wire::FromProto(request->job()), *data);
        if (moments.ok()) wire::ToProto(*moments, response);
        reactor->Finish(wire::ToGrpc(moments.status()));
      })) {
    reactor->Finish(Unavailable());
  }
  return reactor;
}

grpc::ServerWriteReactor<v1::ModelMessage>* SlaveService::InitializeModel(
    CallbackServerContext* context, const v1::InitializeRequest* request) {
  return new InitializeReactor(this, context, request);
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>*
SlaveService::Train(CallbackServerContext* context) {
  return new TrainReactor(this, context);
}

grpc::ServerReadReactor<grpc::ByteBuffer>* SlaveService::Evaluate(
    CallbackServerContext* context, grpc::ByteBuffer* response) {
  return new EvaluateReactor(this, context, response);
}

}  // namespace dsfl::slave
