#include "slave/core/slave_core.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/audit/audit_event.h"
#include "common/model_stream.h"
#include "common/sha256.h"
#include "spdlog/spdlog.h"

namespace dsfl::slave {

SlaveCore::SlaveCore(SlaveIdentity identity,
                     std::unique_ptr<dataproxy::DataSource> source,
                     SlaveLimits limits, audit::AuditSink* audit)
    : identity_(std::move(identity)),
      limits_(limits),
      audit_(audit != nullptr ? audit : &audit::NullAuditSink()),
      source_(std::move(source)) {}

Status SlaveCore::Audit(audit::AuditEvent event) {
  Status status = audit_->Record(event);
  if (!status.ok()) {
    // Fail closed: nothing leaves that the log does not hold.
    return absl::InternalError(
        absl::StrCat("audit log: ", status.message()));
  }
  return absl::OkStatus();
}

StatusOr<std::shared_ptr<const dataproxy::Table>> SlaveCore::TableFor(
    const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  // A summary (empty job id) may use any cached table; a job re-reads once.
  if (cached_table_ != nullptr && (job_id.empty() || cached_job_ == job_id)) {
    return cached_table_;
  }
  auto table = source_->Read();
  if (!table.ok()) {
    return Status(table.status().code(),
                  absl::StrCat("reading ", source_->Describe(), ": ",
                               table.status().message()));
  }
  spdlog::info("job '{}': read {} rows x {} columns from {}", job_id,
               table->num_rows(), table->num_columns(), source_->Describe());
  DSFL_RETURN_IF_ERROR(Audit({audit::events::kDatasetRead, job_id,
                              std::nullopt, source_->Describe(),
                              {{"source", source_->Describe()},
                               {"rows", table->num_rows()},
                               {"columns", table->columns()}}}));
  cached_job_ = job_id;
  cached_table_ =
      std::make_shared<const dataproxy::Table>(*std::move(table));
  return cached_table_;
}

Status SlaveCore::CheckRows(int64_t rows, const char* what) const {
  if (rows < limits_.min_rows) {
    return absl::FailedPreconditionError(absl::StrCat(
        "disclosure limit: ", what, " has ", rows,
        " complete rows, below the minimum of ", limits_.min_rows,
        " (limits.min_rows)"));
  }
  return absl::OkStatus();
}

StatusOr<master::NodeInfo> SlaveCore::GetInfo() {
  DSFL_ASSIGN_OR_RETURN(auto table, TableFor(""));
  master::NodeInfo info;
  info.node_id = identity_.node_id;
  info.display_name = identity_.display_name;
  info.version = "0.1.0";
  {
    std::lock_guard<std::mutex> lock(mu_);
    info.dataset_source = source_->Describe();
  }
  info.num_rows = static_cast<int64_t>(table->num_rows());
  info.columns = table->columns();
  return info;
}

StatusOr<training::ExampleSplit> SlaveCore::ExamplesFor(
    const master::JobContext& job, const master::DataSpec& data) {
  DSFL_ASSIGN_OR_RETURN(auto table, TableFor(job.job_id));
  return training::BuildExamples(*table, data.roles, data.task,
                                 data.standardization, data.held_out_fraction,
                                 data.split_seed);
}

StatusOr<master::ColumnMoments> SlaveCore::ComputeMoments(
    const master::JobContext& job, const master::DataSpec& data) {
  DSFL_ASSIGN_OR_RETURN(auto table, TableFor(job.job_id));
  DSFL_ASSIGN_OR_RETURN(
      training::ColumnMoments moments,
      training::ComputeMoments(*table, data.roles, data.task,
                               data.held_out_fraction, data.split_seed));
  DSFL_RETURN_IF_ERROR(CheckRows(moments.count, "the training split"));
  DSFL_RETURN_IF_ERROR(Audit({audit::events::kStatisticsReleased, job.job_id,
                              std::nullopt, "feature moments",
                              {{"columns", data.roles.features},
                               {"rows", moments.count},
                               {"kind", "count, sum, sum of squares"}}}));
  return moments;
}

StatusOr<FlatModel> SlaveCore::InitializeModel(
    const master::JobContext& /*job*/, const master::ModelDefinition& model,
    const master::DataSpec& data, uint64_t seed) {
  auto initial = training::InitializeModel(
      model, static_cast<int64_t>(data.roles.features.size()), seed);
  if (observer_ != nullptr) {
    observer_->OnInitialize(
        {initial.ok(), initial.ok() ? initial->spec.byte_size() : 0});
  }
  return initial;
}

StatusOr<TrainedUpdate> SlaveCore::Train(const master::TrainCall& call,
                                         const HashedModel& global,
                                         const std::atomic<bool>* cancel,
                                         const training::ProgressFn& progress) {
  return TrainModel(call, global, nullptr, cancel, progress);
}

StatusOr<TrainedUpdate> SlaveCore::Train(const master::TrainCall& call,
                                         HashedModel&& global,
                                         const std::atomic<bool>* cancel,
                                         const training::ProgressFn& progress) {
  HashedModel owned = std::move(global);
  return TrainModel(call, owned, &owned, cancel, progress);
}

StatusOr<TrainedUpdate> SlaveCore::TrainModel(
    const master::TrainCall& call, const HashedModel& global,
    HashedModel* owned, const std::atomic<bool>* cancel,
    const training::ProgressFn& progress) {
  // Taken before `owned` gives its model to the trainer.
  const Sha256Digest received = global.digest();
  const uint64_t received_bytes = global.model().spec.byte_size();
  if (global.model().values.size() * sizeof(float) > limits_.max_model_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("model of ", global.model().values.size() * sizeof(float),
                     " bytes exceeds limits.max_model_bytes"));
  }
  const absl::Time start = clock_->Now();
  auto outcome = [&]() -> StatusOr<training::TrainOutcome> {
    DSFL_ASSIGN_OR_RETURN(training::ExampleSplit split,
                          ExamplesFor(call.job, call.data));
    DSFL_RETURN_IF_ERROR(
        CheckRows(split.train.num_rows, "the training split"));
    if (owned != nullptr) {
      return training::Train(call.model, call.plan, std::move(*owned).Release(),
                             split.train, cancel, progress);
    }
    return training::Train(call.model, call.plan, global.model(), split.train,
                           cancel, progress);
  }();
  nlohmann::json details = {
      {"model_received_digest", ToHex(received)},
      {"privacy",
       {{"differential_privacy", "none"}, {"secure_aggregation", false}}}};
  std::optional<TrainedUpdate> trained;
  if (outcome.ok()) {
    // A noop update is the received model: its digest is known. Another is
    // rounded to the call's wire format before it is hashed.
    trained = TrainedUpdate{
        outcome->model_is_global
            ? HashedModel(std::move(outcome->model), received)
            : HashedModel(ForWire(std::move(outcome->model), call.wire_format)),
        outcome->num_examples, outcome->loss_before, outcome->loss_after};
    details["outcome"] = "trained";
    details["update_sent_digest"] = trained->update.digest_hex();
    details["wire_format"] = WireFormatName(call.wire_format);
    details["examples"] = outcome->num_examples;
  } else {
    details["outcome"] =
        outcome.status().code() == absl::StatusCode::kFailedPrecondition
            ? "refused"
            : "failed";
    details["error"] = outcome.status().ToString();
  }
  // Recorded before the update is handed to the transport.
  DSFL_RETURN_IF_ERROR(Audit({audit::events::kRoundParticipation,
                              call.job.job_id, call.job.round, "", details}));
  if (observer_ != nullptr) {
    observer_->OnTrain({outcome.ok(), received_bytes,
                        trained ? trained->update.model().spec.byte_size() : 0,
                        clock_->Now() - start});
  }
  if (!outcome.ok()) return outcome.status();
  return *std::move(trained);
}

StatusOr<training::EvalOutcome> SlaveCore::Evaluate(
    const master::EvaluateCall& call, const HashedModel& model) {
  auto outcome = [&]() -> StatusOr<training::EvalOutcome> {
    DSFL_ASSIGN_OR_RETURN(training::ExampleSplit split,
                          ExamplesFor(call.job, call.data));
    DSFL_RETURN_IF_ERROR(
        CheckRows(split.held_out.num_rows, "the held-out split"));
    return training::Evaluate(call.model, model.model(), split.held_out);
  }();
  nlohmann::json details = {{"model_digest", model.digest_hex()}};
  if (outcome.ok()) {
    details["outcome"] = "evaluated";
    details["examples"] = outcome->num_examples;
  } else {
    details["outcome"] = "failed";
    details["error"] = outcome.status().ToString();
  }
  DSFL_RETURN_IF_ERROR(Audit({audit::events::kEvaluationParticipation,
                              call.job.job_id, call.job.round, "", details}));
  if (observer_ != nullptr) {
    observer_->OnEvaluate({outcome.ok(), model.model().spec.byte_size()});
  }
  return outcome;
}

}  // namespace dsfl::slave
