#include "master/core/job_runner.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/audit/audit_event.h"
#include "common/model_buffer_pool.h"
#include "common/model_file.h"
#include "master/core/fedavg.h"
#include "spdlog/spdlog.h"

namespace dsfl::master {
namespace {

nlohmann::json EvalJson(const EvalSummary& e) {
  nlohmann::json j = {{"examples", e.num_examples}, {"loss", e.loss}};
  if (e.c_index) j["c_index"] = *e.c_index;
  if (e.auc) j["auc"] = *e.auc;
  return j;
}

nlohmann::json HistoryJson(const JobSpec& spec,
                           const std::vector<RoundReport>& history) {
  nlohmann::json rounds = nlohmann::json::array();
  for (const RoundReport& r : history) rounds.push_back(RoundReportJson(r));
  return {{"job_id", spec.job_id}, {"rounds", rounds}};
}

}  // namespace

nlohmann::json RoundReportJson(const RoundReport& r) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const NodeOutcome& n : r.nodes) {
    nodes.push_back({{"node", n.node_id},
                     {"ok", n.status.ok()},
                     {"error", n.status.ok() ? "" : n.status.ToString()},
                     {"examples", n.train.num_examples},
                     {"loss_before", n.train.loss_before},
                     {"loss_after", n.train.loss_after},
                     {"train_seconds", n.train.train_seconds}});
  }
  nlohmann::json entry = {
      {"round", r.round},       {"rounds", r.rounds},
      {"selected", r.selected}, {"completed", r.completed},
      {"seconds", r.seconds},   {"model_digest", r.model_digest},
      {"nodes", nodes}};
  if (r.evaluation) entry["evaluation"] = EvalJson(*r.evaluation);
  return entry;
}

JobRunner::JobRunner(JobSpec spec, std::vector<Node> nodes, const Clock* clock,
                     JobListener* listener, audit::AuditSink* audit)
    : spec_(std::move(spec)),
      nodes_(std::move(nodes)),
      clock_(clock),
      listener_(listener),
      audit_(audit != nullptr ? audit : &audit::NullAuditSink()) {
  std::sort(nodes_.begin(), nodes_.end(),
            [](const Node& a, const Node& b) { return a.id < b.id; });
}

JobRunner::JobRunner(JobSpec spec, NodeConnector connector, const Clock* clock,
                     JobListener* listener, audit::AuditSink* audit)
    : JobRunner(std::move(spec), std::vector<Node>{}, clock, listener,
                audit) {
  connector_ = std::move(connector);
}

Status JobRunner::Audit(const char* type, std::optional<int64_t> round,
                        nlohmann::json details) {
  Status status =
      audit_->Record({type, spec_.job_id, round, "", std::move(details)});
  if (!status.ok()) {
    // Fail closed: the master does not act on what it could not log.
    return absl::InternalError(absl::StrCat("audit log: ", status.message()));
  }
  return absl::OkStatus();
}

void JobRunner::Message(const std::string& text) {
  if (listener_ != nullptr) listener_->OnJobMessage(text);
}

StatusOr<std::vector<Node>> JobRunner::ReachableNodes(
    CancellationToken* cancel) {
  std::vector<StatusOr<NodeInfo>> infos(nodes_.size(),
                                        absl::UnknownError("not called"));
  CancellationToken stage_cancel;
  CancellationLink link(cancel, &stage_cancel);
  CallOptions options;
  options.deadline = clock_->Now() + std::min(spec_.round_timeout,
                                              absl::Seconds(30));
  options.cancel = &stage_cancel;
  RunFanOut(nodes_.size(), spec_.max_parallel, options.deadline, &stage_cancel,
            [&](size_t i) { infos[i] = nodes_[i].client->GetInfo(options); });
  std::vector<Node> reachable;
  std::string failures;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (infos[i].ok()) {
      reachable.push_back(nodes_[i]);
      Message(absl::StrCat("slave ", nodes_[i].id, " reachable: ",
                           infos[i]->display_name, ", ",
                           infos[i]->num_rows, " rows (",
                           infos[i]->dataset_source, ")"));
    } else {
      absl::StrAppend(&failures, failures.empty() ? "" : "; ", nodes_[i].id,
                      ": ", infos[i].status().ToString());
      Message(absl::StrCat("slave ", nodes_[i].id, " left out: ",
                           infos[i].status().ToString()));
    }
  }
  if (reachable.size() < spec_.min_clients) {
    return absl::UnavailableError(absl::StrCat(
        reachable.size(), " of ", nodes_.size(),
        " slaves reachable, min_clients is ", spec_.min_clients, " (",
        failures, ")"));
  }
  return reachable;
}

Status JobRunner::Standardize(std::vector<Node>* nodes,
                              CancellationToken* cancel) {
  std::vector<StatusOr<ColumnMoments>> answers(
      nodes->size(), absl::UnknownError("not called"));
  CancellationToken stage_cancel;
  CancellationLink link(cancel, &stage_cancel);
  CallOptions options;
  options.deadline = clock_->Now() + spec_.round_timeout;
  options.cancel = &stage_cancel;
  JobContext job{spec_.job_id, 0, ""};
  RunFanOut(nodes->size(), spec_.max_parallel, options.deadline, &stage_cancel,
            [&](size_t i) {
              answers[i] = (*nodes)[i].client->ComputeMoments(job, spec_.data,
                                                              options);
            });
  std::vector<Node> kept;
  std::vector<ColumnMoments> moments;
  std::string failures;
  for (size_t i = 0; i < nodes->size(); ++i) {
    if (answers[i].ok()) {
      kept.push_back((*nodes)[i]);
      moments.push_back(*std::move(answers[i]));
    } else {
      absl::StrAppend(&failures, failures.empty() ? "" : "; ", (*nodes)[i].id,
                      ": ", answers[i].status().ToString());
      Message(absl::StrCat("slave ", (*nodes)[i].id,
                           " left out at standardisation: ",
                           answers[i].status().ToString()));
    }
  }
  if (kept.size() < spec_.min_clients) {
    return absl::FailedPreconditionError(absl::StrCat(
        "standardisation: ", kept.size(), " slaves answered, min_clients is ",
        spec_.min_clients, " (", failures, ")"));
  }
  DSFL_ASSIGN_OR_RETURN(spec_.data.standardization,
                        training::CombineMoments(moments));
  int64_t rows = 0;
  for (const ColumnMoments& m : moments) rows += m.count;
  Message(absl::StrCat("standardised ", spec_.data.roles.features.size(),
                       " features from aggregates of ", kept.size(),
                       " slaves (", rows, " training rows)"));
  *nodes = std::move(kept);
  return absl::OkStatus();
}

StatusOr<FlatModel> JobRunner::InitialModel(const std::vector<Node>& nodes,
                                            CancellationToken* cancel) {
  CallOptions options;
  options.deadline = clock_->Now() + spec_.round_timeout;
  options.cancel = cancel;
  Status last;
  for (const Node& node : nodes) {
    auto model = node.client->InitializeModel(
        JobContext{spec_.job_id, 0, ""}, spec_.model, spec_.data, spec_.seed,
        options);
    if (model.ok()) {
      Message(absl::StrCat("initial model from ", node.id, ": ",
                           model->spec.tensors().size(), " tensors, ",
                           model->values.size(), " parameters"));
      return model;
    }
    last = model.status();
    Message(absl::StrCat("slave ", node.id,
                         " could not initialise the model: ", last.ToString()));
  }
  return Status(last.code(),
                absl::StrCat("no slave could initialise the model: ",
                             last.message()));
}

Status JobRunner::WriteCheckpoint(uint32_t round,
                                  const HashedModel& model) const {
  std::filesystem::path dir =
      std::filesystem::path(spec_.output_dir) / "checkpoints";
  std::string path =
      (dir / absl::StrFormat("round-%05d.dsflm", round)).string();
  // Keep the last two checkpoints: enough to resume, bounded on disk. The
  // one before them becomes the new one (WriteModelFile's `recycle`).
  const std::string oldest =
      round > 2
          ? (dir / absl::StrFormat("round-%05d.dsflm", round - 2)).string()
          : std::string();
  DSFL_RETURN_IF_ERROR(
      WriteModelFile(path, model,
                     {{"job_id", spec_.job_id},
                      {"round", round},
                      {"standardization",
                       {{"mean", spec_.data.standardization.mean},
                        {"stddev", spec_.data.standardization.stddev}}}},
                     oldest));
  if (!oldest.empty()) {
    std::error_code ignored;
    std::filesystem::remove(oldest, ignored);  // if it was not recycled
  }
  return absl::OkStatus();
}

StatusOr<std::optional<ResumePoint>> LoadLatestCheckpoint(
    const std::string& output_dir, const std::string& job_id) {
  std::filesystem::path dir = std::filesystem::path(output_dir) / "checkpoints";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return std::nullopt;
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("round-", 0) == 0 && entry.path().extension() == ".dsflm") {
      paths.push_back(entry.path().string());
    }
  }
  std::sort(paths.rbegin(), paths.rend());  // newest first (zero-padded)
  for (const std::string& path : paths) {
    auto file = ReadModelFile(path);
    if (!file.ok()) {
      // Said out loud: resuming from an older checkpoint (or from scratch)
      // repeats rounds.
      spdlog::warn("checkpoint skipped: {}", file.status().ToString());
      continue;
    }
    try {
      if (file->metadata.at("job_id").get<std::string>() != job_id) {
        return absl::FailedPreconditionError(absl::StrCat(
            path, " belongs to job '",
            file->metadata.at("job_id").get<std::string>(), "', not '",
            job_id, "'"));
      }
      ResumePoint point;
      point.completed_rounds = file->metadata.at("round").get<uint32_t>();
      const auto& s = file->metadata.at("standardization");
      point.standardization.mean = s.at("mean").get<std::vector<double>>();
      point.standardization.stddev = s.at("stddev").get<std::vector<double>>();
      point.global = std::move(file->model);
      return point;
    } catch (const nlohmann::json::exception& e) {
      // An older or foreign file: try the previous checkpoint.
      spdlog::warn("checkpoint skipped: {}: bad metadata: {}", path, e.what());
      continue;
    }
  }
  return std::nullopt;
}

StatusOr<JobResult> JobRunner::Run(CancellationToken* cancel,
                                   const ResumePoint* resume) {
  nlohmann::json submitted = {
      {"job_spec_sha256", spec_.spec_sha256},
      {"model", training::ModelKindName(spec_.model.kind)},
      {"rounds", spec_.rounds}};
  // A dataspace job's slaves are known only after admission.
  if (!spec_.dataspace) {
    submitted["slaves"] = connector_ ? spec_.slaves.size() : nodes_.size();
  }
  DSFL_RETURN_IF_ERROR(
      Audit(audit::events::kJobSubmitted, std::nullopt, submitted));
  auto result = [&]() -> StatusOr<JobResult> {
    if (connector_) {
      DSFL_ASSIGN_OR_RETURN(connected_,
                            connector_(spec_, {audit_, listener_, cancel}));
      nodes_ = connected_.nodes;
      std::sort(nodes_.begin(), nodes_.end(),
                [](const Node& a, const Node& b) { return a.id < b.id; });
    }
    return RunRounds(cancel, resume);
  }();
  if (!result.ok()) {
    const bool cancelled = cancel != nullptr && cancel->cancelled();
    Status logged =
        cancelled ? Audit(audit::events::kJobCancelled, std::nullopt,
                          {{"reason", result.status().ToString()}})
                  : Audit(audit::events::kJobFailed, std::nullopt,
                          {{"error", result.status().ToString()}});
    if (!logged.ok()) spdlog::error("{}", logged.ToString());
  }
  return result;
}

StatusOr<JobResult> JobRunner::RunRounds(CancellationToken* cancel,
                                         const ResumePoint* resume) {
  std::error_code ec;
  std::filesystem::create_directories(
      std::filesystem::path(spec_.output_dir) / "checkpoints", ec);
  if (ec) {
    return absl::InternalError(absl::StrCat(
        "cannot create output directory ", spec_.output_dir, ": ",
        ec.message()));
  }
  DSFL_ASSIGN_OR_RETURN(std::vector<Node> nodes, ReachableNodes(cancel));
  HashedModel global;
  uint32_t first_round = 1;
  if (resume != nullptr) {
    spec_.data.standardization = resume->standardization;
    global = HashedModel(ForWire(resume->global, spec_.wire_format));
    first_round = resume->completed_rounds + 1;
    Message(absl::StrCat("resuming after round ", resume->completed_rounds,
                         " from its checkpoint"));
  } else {
    DSFL_RETURN_IF_ERROR(Standardize(&nodes, cancel));
    DSFL_ASSIGN_OR_RETURN(FlatModel initial, InitialModel(nodes, cancel));
    global = HashedModel(ForWire(std::move(initial), spec_.wire_format));
  }

  FedAvgOptions fedavg;
  fedavg.fraction_fit = spec_.fraction_fit;
  fedavg.min_fit_nodes = spec_.min_clients;
  fedavg.seed = spec_.seed;
  FedAvg strategy(fedavg);
  RoundOptions round_options;
  round_options.min_clients = spec_.min_clients;
  round_options.timeout = spec_.round_timeout;
  round_options.max_parallel = spec_.max_parallel;
  round_options.chunk_bytes = spec_.chunk_bytes;
  RoundEngine engine(&strategy, round_options, clock_, listener_);

  TrainCall base;
  base.job.job_id = spec_.job_id;
  base.model = spec_.model;
  base.plan = spec_.plan;
  base.data = spec_.data;
  base.wire_format = spec_.wire_format;
  EvaluateCall eval_call{base.job, spec_.model, spec_.data, spec_.wire_format};

  JobResult result;
  for (uint32_t round = first_round; round <= spec_.rounds; ++round) {
    auto round_result = engine.RunTraining(round, base, global, nodes, cancel);
    if (!round_result.ok()) {
      DSFL_RETURN_IF_ERROR(Audit(audit::events::kRoundFailed, round,
                                 {{"reason", round_result.status().ToString()}}));
      return round_result.status();
    }
    TrainRoundResult trained = *std::move(round_result);
    // The replaced model's buffer becomes the next round's accumulator.
    ModelBufferPool::Shared().Give(std::move(global).Release().values);
    global = std::move(trained.global);
    RoundReport report;
    report.round = round;
    report.rounds = spec_.rounds;
    report.selected = trained.nodes.size();
    report.completed = trained.completed;
    report.nodes = std::move(trained.nodes);
    report.model_digest = global.digest_hex();
    const bool evaluate =
        round == spec_.rounds ||
        (spec_.evaluate_every > 0 && round % spec_.evaluate_every == 0);
    if (evaluate) {
      eval_call.job.round = round;
      auto evaluation = engine.RunEvaluation(eval_call, global, nodes, cancel);
      if (evaluation.ok()) {
        report.evaluation = evaluation->aggregate;
        report.evaluation_nodes = evaluation->nodes;
      } else if (cancel != nullptr && cancel->cancelled()) {
        return absl::CancelledError("job cancelled");
      } else {
        Message(absl::StrCat("round ", round, " evaluation failed: ",
                             evaluation.status().ToString()));
      }
    }
    report.seconds = absl::ToDoubleSeconds(trained.elapsed);
    nlohmann::json participants = nlohmann::json::array();
    nlohmann::json dropouts = nlohmann::json::array();
    int64_t examples = 0;
    for (const NodeOutcome& n : report.nodes) {
      if (n.status.ok()) {
        participants.push_back(n.node_id);
        examples += n.train.num_examples;
      } else {
        dropouts.push_back({{"node", n.node_id}, {"error", n.status.ToString()}});
      }
    }
    nlohmann::json round_details = {
        {"participants", participants},
        {"dropouts", dropouts},
        {"global_model_digest", report.model_digest},
        {"examples", examples}};
    if (report.evaluation) round_details["metrics"] = EvalJson(*report.evaluation);
    // Logged before the checkpoint makes the round's model durable.
    DSFL_RETURN_IF_ERROR(
        Audit(audit::events::kRoundCompleted, round, round_details));
    DSFL_RETURN_IF_ERROR(WriteCheckpoint(round, global));
    if (listener_ != nullptr) listener_->OnRoundDone(report);
    if (report.evaluation) result.final_evaluation = report.evaluation;
    result.history.push_back(std::move(report));
  }

  result.model_path =
      (std::filesystem::path(spec_.output_dir) / "model.dsflm").string();
  nlohmann::json final_details = {{"model_digest", global.digest_hex()},
                                  {"rounds", spec_.rounds},
                                  {"path", result.model_path}};
  if (result.final_evaluation) {
    final_details["metrics"] = EvalJson(*result.final_evaluation);
  }
  DSFL_RETURN_IF_ERROR(Audit(audit::events::kModelFinal, std::nullopt,
                             final_details));
  DSFL_RETURN_IF_ERROR(WriteModelFile(
      result.model_path, global,
      {{"job_id", spec_.job_id}, {"round", spec_.rounds}, {"final", true}}));
  DSFL_RETURN_IF_ERROR(WriteFileAtomically(
      (std::filesystem::path(spec_.output_dir) / "metrics.json").string(),
      HistoryJson(spec_, result.history).dump(2)));
  result.model_digest = global.digest_hex();
  result.model = std::move(global).Release();
  return result;
}

}  // namespace dsfl::master
