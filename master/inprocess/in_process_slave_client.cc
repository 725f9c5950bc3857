#include "master/inprocess/in_process_slave_client.h"

#include <chrono>

namespace dsfl::master {
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

StatusOr<NodeInfo> InProcessSlaveClient::GetInfo(const CallOptions& options) {
  DSFL_RETURN_IF_ERROR(CheckCall(options));
  return core_->GetInfo();
}

StatusOr<ColumnMoments> InProcessSlaveClient::ComputeMoments(
    const JobContext& job, const DataSpec& data, const CallOptions& options) {
  DSFL_RETURN_IF_ERROR(CheckCall(options));
  return core_->ComputeMoments(job, data);
}

StatusOr<FlatModel> InProcessSlaveClient::InitializeModel(
    const JobContext& job, const ModelDefinition& model, const DataSpec& data,
    uint64_t seed, const CallOptions& options) {
  DSFL_RETURN_IF_ERROR(CheckCall(options));
  return core_->InitializeModel(job, model, data, seed);
}

Status InProcessSlaveClient::Train(const TrainCall& call,
                                   const HashedModel& global, UpdateSink* sink,
                                   const CallOptions& options) {
  DSFL_RETURN_IF_ERROR(CheckCall(options));
  static const std::atomic<bool> kNever{false};
  const auto start = std::chrono::steady_clock::now();
  DSFL_ASSIGN_OR_RETURN(
      slave::TrainedUpdate outcome,
      core_->Train(call, global,
                   options.cancel != nullptr ? options.cancel->flag() : &kNever,
                   [sink](int64_t epoch, double loss) {
                     sink->OnProgress(epoch, loss);
                   }));
  DSFL_RETURN_IF_ERROR(CheckCall(options));
  TrainSummary summary;
  summary.num_examples = outcome.num_examples;
  summary.loss_before = outcome.loss_before;
  summary.loss_after = outcome.loss_after;
  summary.train_seconds = std::chrono::duration<double>(
                              std::chrono::steady_clock::now() - start)
                              .count();
  DSFL_RETURN_IF_ERROR(sink->OnResult(summary));
  DSFL_RETURN_IF_ERROR(
      sink->OnHeader(MakeStreamHeader(outcome.update, chunk_bytes_)));
  ChunkCursor cursor(outcome.update.model(), chunk_bytes_);
  ChunkView chunk;
  while (cursor.Next(&chunk)) {
    DSFL_RETURN_IF_ERROR(sink->OnChunk(chunk.offset, chunk.bytes));
  }
  return sink->OnEnd();
}

StatusOr<EvalSummary> InProcessSlaveClient::Evaluate(
    const EvaluateCall& call, const HashedModel& model,
    const CallOptions& options) {
  DSFL_RETURN_IF_ERROR(CheckCall(options));
  DSFL_ASSIGN_OR_RETURN(training::EvalOutcome outcome,
                        core_->Evaluate(call, model));
  return EvalSummary{outcome.num_examples, outcome.loss, outcome.c_index,
                     outcome.auc};
}

}  // namespace dsfl::master
