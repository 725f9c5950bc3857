#include "proto/convert.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/tree_digest.h"

namespace dsfl::wire {
namespace {

using master::ModelKind;
using master::Task;

v1::Task TaskToProto(Task task) {
  return task == Task::kSurvival ? v1::TASK_SURVIVAL : v1::TASK_BINARY;
}

StatusOr<Task> TaskFromProto(v1::Task task, const char* field) {
  switch (task) {
    case v1::TASK_BINARY:
      return Task::kBinary;
    case v1::TASK_SURVIVAL:
      return Task::kSurvival;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": unknown task ", static_cast<int>(task)));
  }
}

}  // namespace

void ToProto(const StreamHeader& in, v1::ModelHeader* out) {
  out->Clear();
  for (const TensorSpec& t : in.spec.tensors()) {
    v1::TensorSpec* spec = out->add_tensors();
    spec->set_name(t.name);
    for (int64_t d : t.shape) spec->add_shape(d);
    spec->set_dtype(v1::DTYPE_FLOAT32);
  }
  out->set_total_bytes(in.total_bytes);
  out->set_digest(in.digest.data(), in.digest.size());
  out->set_digest_algorithm(kTreeDigestAlgorithm);
  out->set_chunk_bytes(in.chunk_bytes);
  out->set_wire_format(in.wire_format == WireFormat::kBfloat16
                           ? v1::WIRE_FORMAT_BFLOAT16
                           : v1::WIRE_FORMAT_FLOAT32);
}

StatusOr<StreamHeader> FromProto(const v1::ModelHeader& in) {
  std::vector<TensorSpec> tensors;
  tensors.reserve(static_cast<size_t>(in.tensors_size()));
  for (const v1::TensorSpec& t : in.tensors()) {
    if (t.dtype() != v1::DTYPE_FLOAT32) {
      return absl::InvalidArgumentError(absl::StrCat(
          "model header: tensor '", t.name(), "' has unsupported dtype ",
          static_cast<int>(t.dtype())));
    }
    TensorSpec spec;
    spec.name = t.name();
    spec.shape.assign(t.shape().begin(), t.shape().end());
    tensors.push_back(std::move(spec));
  }
  if (in.digest_algorithm() != kTreeDigestAlgorithm) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model header: digest_algorithm '", in.digest_algorithm(),
        "', expected '", kTreeDigestAlgorithm, "'",
        in.digest_algorithm().empty()
            ? " (the peer runs a dsfl whose model digest is plain SHA-256: "
              "upgrade both ends)"
            : ""));
  }
  if (in.digest().size() != 32) {
    return absl::InvalidArgumentError(absl::StrCat("model header: digest has ",
                                                   in.digest().size(),
                                                   " bytes, expected 32"));
  }
  StreamHeader header;
  header.spec = ModelSpec(std::move(tensors));
  header.total_bytes = in.total_bytes();
  std::copy(in.digest().begin(), in.digest().end(), header.digest.begin());
  header.chunk_bytes = in.chunk_bytes();
  switch (in.wire_format()) {
    case v1::WIRE_FORMAT_FLOAT32:
      header.wire_format = WireFormat::kFloat32;
      break;
    case v1::WIRE_FORMAT_BFLOAT16:
      header.wire_format = WireFormat::kBfloat16;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("model header: unsupported wire_format ",
                       static_cast<int>(in.wire_format())));
  }
  return header;
}

void ToProto(const master::ModelDefinition& in, v1::ModelDefinition* out) {
  static constexpr v1::ModelKind kKinds[] = {
      v1::MODEL_KIND_LOGISTIC, v1::MODEL_KIND_MLP,         v1::MODEL_KIND_COX,
      v1::MODEL_KIND_DEEPSURV, v1::MODEL_KIND_TORCHSCRIPT, v1::MODEL_KIND_NOOP};
  out->set_kind(kKinds[static_cast<int>(in.kind)]);
  out->set_task(TaskToProto(in.task));
  for (int64_t h : in.hidden_units) out->add_hidden_units(h);
  out->set_dropout(in.dropout);
  out->set_torchscript_archive(in.torchscript_archive);
  out->set_torchscript_sha256(in.torchscript_sha256);
  out->set_noop_parameters(in.noop_parameters);
}

StatusOr<master::ModelDefinition> FromProto(const v1::ModelDefinition& in) {
  master::ModelDefinition out;
  switch (in.kind()) {
    case v1::MODEL_KIND_LOGISTIC:
      out.kind = ModelKind::kLogistic;
      break;
    case v1::MODEL_KIND_MLP:
      out.kind = ModelKind::kMlp;
      break;
    case v1::MODEL_KIND_COX:
      out.kind = ModelKind::kCox;
      break;
    case v1::MODEL_KIND_DEEPSURV:
      out.kind = ModelKind::kDeepSurv;
      break;
    case v1::MODEL_KIND_TORCHSCRIPT:
      out.kind = ModelKind::kTorchScript;
      break;
    case v1::MODEL_KIND_NOOP:
      out.kind = ModelKind::kNoop;
      break;
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "model.kind: unknown model kind ", static_cast<int>(in.kind())));
  }
  DSFL_ASSIGN_OR_RETURN(out.task, TaskFromProto(in.task(), "model.task"));
  out.hidden_units.assign(in.hidden_units().begin(), in.hidden_units().end());
  for (int64_t h : out.hidden_units) {
    if (h <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("model.hidden_units: ", h, " is not positive"));
    }
  }
  if (!(in.dropout() >= 0.0 && in.dropout() < 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("model.dropout: ", in.dropout(), " is outside [0, 1)"));
  }
  out.dropout = in.dropout();
  out.torchscript_archive = in.torchscript_archive();
  out.torchscript_sha256 = in.torchscript_sha256();
  if (in.noop_parameters() < 0) {
    return absl::InvalidArgumentError("model.noop_parameters is negative");
  }
  out.noop_parameters = in.noop_parameters();
  return out;
}

void ToProto(const master::TrainingPlan& in, v1::TrainingPlan* out) {
  out->set_local_epochs(in.local_epochs);
  out->set_batch_size(in.batch_size);
  out->mutable_optimizer()->set_name(in.optimizer.name);
  out->mutable_optimizer()->set_learning_rate(in.optimizer.learning_rate);
  out->mutable_optimizer()->set_weight_decay(in.optimizer.weight_decay);
  out->mutable_optimizer()->set_momentum(in.optimizer.momentum);
  out->set_seed(in.seed);
}

StatusOr<master::TrainingPlan> FromProto(const v1::TrainingPlan& in) {
  master::TrainingPlan out;
  if (in.local_epochs() < 1 || in.local_epochs() > 1000000) {
    return absl::InvalidArgumentError(absl::StrCat(
        "plan.local_epochs: ", in.local_epochs(), " is outside [1, 1000000]"));
  }
  if (in.batch_size() < 0) {
    return absl::InvalidArgumentError("plan.batch_size is negative");
  }
  const v1::OptimizerConfig& opt = in.optimizer();
  if (opt.name() != "adam" && opt.name() != "sgd") {
    return absl::InvalidArgumentError(absl::StrCat(
        "plan.optimizer.name: unknown optimizer '", opt.name(), "'"));
  }
  if (!(opt.learning_rate() > 0.0) || !(opt.weight_decay() >= 0.0) ||
      !(opt.momentum() >= 0.0)) {
    return absl::InvalidArgumentError(
        "plan.optimizer: learning_rate must be > 0, weight_decay and "
        "momentum >= 0");
  }
  out.local_epochs = in.local_epochs();
  out.batch_size = in.batch_size();
  out.optimizer.name = opt.name();
  out.optimizer.learning_rate = opt.learning_rate();
  out.optimizer.weight_decay = opt.weight_decay();
  out.optimizer.momentum = opt.momentum();
  out.seed = in.seed();
  return out;
}

void ToProto(const master::DataSpec& in, v1::DataSpec* out) {
  for (const std::string& f : in.roles.features) out->add_features(f);
  out->set_label(in.roles.label);
  out->set_time(in.roles.time);
  out->set_event(in.roles.event);
  out->set_held_out_fraction(in.held_out_fraction);
  out->set_split_seed(in.split_seed);
  for (double m : in.standardization.mean) {
    out->mutable_standardization()->add_mean(m);
  }
  for (double s : in.standardization.stddev) {
    out->mutable_standardization()->add_stddev(s);
  }
  out->set_task(TaskToProto(in.task));
}

StatusOr<master::DataSpec> FromProto(const v1::DataSpec& in) {
  master::DataSpec out;
  DSFL_ASSIGN_OR_RETURN(out.task, TaskFromProto(in.task(), "data.task"));
  out.roles.features.assign(in.features().begin(), in.features().end());
  out.roles.label = in.label();
  out.roles.time = in.time();
  out.roles.event = in.event();
  if (!(in.held_out_fraction() >= 0.0 && in.held_out_fraction() < 1.0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("data.held_out_fraction: ", in.held_out_fraction(),
                     " is outside [0, 1)"));
  }
  out.held_out_fraction = in.held_out_fraction();
  out.split_seed = in.split_seed();
  const v1::Standardization& s = in.standardization();
  if (s.mean_size() != s.stddev_size() ||
      (s.mean_size() != 0 && s.mean_size() != in.features_size())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "data.standardization: ", s.mean_size(), " means and ", s.stddev_size(),
        " standard deviations for ", in.features_size(), " features"));
  }
  out.standardization.mean.assign(s.mean().begin(), s.mean().end());
  out.standardization.stddev.assign(s.stddev().begin(), s.stddev().end());
  for (double sd : out.standardization.stddev) {
    if (!(sd > 0.0)) {
      return absl::InvalidArgumentError(
          "data.standardization: standard deviations must be > 0");
    }
  }
  return out;
}

void ToProto(const master::JobContext& in, v1::JobContext* out) {
  out->set_job_id(in.job_id);
  out->set_round(in.round);
  out->set_session_id(in.session_id);
}

master::JobContext FromProto(const v1::JobContext& in) {
  return master::JobContext{in.job_id(), in.round(), in.session_id()};
}

void ToProto(const master::NodeInfo& in, v1::NodeInfo* out) {
  out->set_node_id(in.node_id);
  out->set_display_name(in.display_name);
  out->set_version(in.version);
  out->mutable_dataset()->set_source(in.dataset_source);
  out->mutable_dataset()->set_num_rows(in.num_rows);
  for (const std::string& c : in.columns)
    out->mutable_dataset()->add_columns(c);
}

master::NodeInfo FromProto(const v1::NodeInfo& in) {
  master::NodeInfo out;
  out.node_id = in.node_id();
  out.display_name = in.display_name();
  out.version = in.version();
  out.dataset_source = in.dataset().source();
  out.num_rows = in.dataset().num_rows();
  out.columns.assign(in.dataset().columns().begin(),
                     in.dataset().columns().end());
  return out;
}

void ToProto(const master::ColumnMoments& in, v1::MomentsResponse* out) {
  out->set_count(in.count);
  for (double v : in.sum) out->add_sum(v);
  for (double v : in.sum_squares) out->add_sum_squares(v);
}

StatusOr<master::ColumnMoments> FromProto(const v1::MomentsResponse& in,
                                          size_t features) {
  if (static_cast<size_t>(in.sum_size()) != features ||
      static_cast<size_t>(in.sum_squares_size()) != features ||
      in.count() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "moments: expected ", features, " sums and sums of squares, got ",
        in.sum_size(), " and ", in.sum_squares_size()));
  }
  master::ColumnMoments out;
  out.count = in.count();
  out.sum.assign(in.sum().begin(), in.sum().end());
  out.sum_squares.assign(in.sum_squares().begin(), in.sum_squares().end());
  return out;
}

void ToProto(const master::TrainSummary& in, v1::TrainResult* out) {
  out->set_num_examples(in.num_examples);
  out->set_loss_before(in.loss_before);
  out->set_loss_after(in.loss_after);
  out->set_train_seconds(in.train_seconds);
}

master::TrainSummary FromProto(const v1::TrainResult& in) {
  return master::TrainSummary{in.num_examples(), in.loss_before(),
                              in.loss_after(), in.train_seconds()};
}

void ToProto(const master::EvalSummary& in, v1::EvaluateResponse* out) {
  out->set_num_examples(in.num_examples);
  out->set_loss(in.loss);
  if (in.c_index) out->set_c_index(*in.c_index);
  if (in.auc) out->set_auc(*in.auc);
}

master::EvalSummary FromProto(const v1::EvaluateResponse& in) {
  master::EvalSummary out;
  out.num_examples = in.num_examples();
  out.loss = in.loss();
  if (in.has_c_index()) out.c_index = in.c_index();
  if (in.has_auc()) out.auc = in.auc();
  return out;
}

grpc::Status ToGrpc(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

Status FromGrpc(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return Status(static_cast<absl::StatusCode>(status.error_code()),
                status.error_message());
}

}  // namespace dsfl::wire
