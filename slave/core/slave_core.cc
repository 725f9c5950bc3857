#include "slave/core/slave_core.h"

#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace dsfl::slave {

SlaveCore::SlaveCore(SlaveIdentity identity,
                     std::unique_ptr<dataproxy::DataSource> source,
                     SlaveLimits limits)
    : identity_(std::move(identity)),
      limits_(limits),
      source_(std::move(source)) {}

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
  return moments;
}

StatusOr<FlatModel> SlaveCore::InitializeModel(
    const master::JobContext& /*job*/, const master::ModelDefinition& model,
    const master::DataSpec& data, uint64_t seed) {
  return training::InitializeModel(
      model, static_cast<int64_t>(data.roles.features.size()), seed);
}

StatusOr<training::TrainOutcome> SlaveCore::Train(
    const master::TrainCall& call, const FlatModel& global,
    const std::atomic<bool>* cancel, const training::ProgressFn& progress) {
  if (global.values.size() * sizeof(float) > limits_.max_model_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("model of ", global.values.size() * sizeof(float),
                     " bytes exceeds limits.max_model_bytes"));
  }
  DSFL_ASSIGN_OR_RETURN(training::ExampleSplit split,
                        ExamplesFor(call.job, call.data));
  DSFL_RETURN_IF_ERROR(CheckRows(split.train.num_rows, "the training split"));
  return training::Train(call.model, call.plan, global, split.train, cancel,
                         progress);
}

StatusOr<training::EvalOutcome> SlaveCore::Evaluate(
    const master::EvaluateCall& call, const FlatModel& model) {
  DSFL_ASSIGN_OR_RETURN(training::ExampleSplit split,
                        ExamplesFor(call.job, call.data));
  DSFL_RETURN_IF_ERROR(
      CheckRows(split.held_out.num_rows, "the held-out split"));
  return training::Evaluate(call.model, model, split.held_out);
}

}  // namespace dsfl::slave
