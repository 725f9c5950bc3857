#include "master/daemon/job_manager.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "master/core/job_runner.h"
#include "spdlog/spdlog.h"

namespace dsfl::master {
namespace {

// Records each finished round in the store and the metrics.
class StoreListener : public JobListener {
 public:
  StoreListener(JobStore* store, std::string id, const Clock* clock,
                MasterMetrics* metrics)
      : store_(store), id_(std::move(id)), clock_(clock), metrics_(metrics) {}

  void OnJobMessage(const std::string& text) override {
    spdlog::info("job {}: {}", id_, text);
  }
  void OnNodeDone(uint32_t round, const NodeOutcome& node) override {
    metrics_->ModelBytes(node.model_bytes_sent, node.model_bytes_received);
    if (node.status.ok()) {
      metrics_->NodeTrained(node.node_id, node.train.train_seconds);
      return;
    }
    metrics_->NodeDropped(absl::StatusCodeToString(node.status.code()));
    spdlog::warn("job {} round {}: {} dropped: {}", id_, round, node.node_id,
                 node.status.ToString());
  }
  void OnAdmission(const std::string& /*node*/, bool admitted,
                   const std::string& reason) override {
    metrics_->RecordAdmission(admitted, reason);  // logged as job messages
  }
  void OnRoundDone(const RoundReport& report) override {
    metrics_->RoundCompleted(report.seconds, report.completed,
                             report.selected);
    for (const NodeOutcome& node : report.evaluation_nodes) {
      metrics_->ModelBytes(node.model_bytes_sent, node.model_bytes_received);
    }
    Status status =
        store_->RecordRound(id_, report.round, RoundReportJson(report),
                            absl::ToUnixSeconds(clock_->Now()));
    if (!status.ok()) {
      spdlog::error("job {}: cannot record round {}: {}", id_, report.round,
                    status.ToString());
    }
  }

 private:
  JobStore* store_;
  std::string id_;
  const Clock* clock_;
  MasterMetrics* metrics_;
};

}  // namespace

JobManager::JobManager(JobStore* store, NodeConnector connector,
                       JobManagerOptions options, const Clock* clock,
                       MasterMetrics* metrics)
    : store_(store),
      connector_(std::move(connector)),
      options_(std::move(options)),
      clock_(clock),
      metrics_(metrics) {}

JobManager::~JobManager() { Shutdown(); }

StatusOr<JobSpec> JobManager::PrepareSpec(nlohmann::json* spec) const {
  if (!spec->is_object()) {
    return absl::InvalidArgumentError("job spec: expected a JSON object");
  }
  // A dataspace job discovers its slaves; others default to the registry.
  if (!spec->contains("slaves") && !spec->contains("dataspace")) {
    (*spec)["slaves"] = options_.default_slaves;
  }
  spec->erase("output_dir");  // the daemon decides where jobs write
  if (options_.insecure) {
    (*spec)["insecure"] = true;
    spec->erase("tls");
  } else {
    (*spec)["tls"] = {{"ca", options_.tls.ca},
                      {"cert", options_.tls.cert},
                      {"key", options_.tls.key}};
  }
  return ParseJobSpec(*spec, options_.state_dir);
}

Status JobManager::Start() {
  DSFL_ASSIGN_OR_RETURN(std::vector<std::string> ids, store_->Unfinished());
  for (const std::string& id : ids) {
    spdlog::info("job {}: scheduling (unfinished at start-up)", id);
    Schedule(id);
  }
  return absl::OkStatus();
}

StatusOr<std::string> JobManager::Submit(nlohmann::json spec) {
  DSFL_ASSIGN_OR_RETURN(JobSpec parsed, PrepareSpec(&spec));
  DSFL_ASSIGN_OR_RETURN(
      std::string id,
      store_->Create(parsed.job_id, spec.dump(), parsed.rounds, Now()));
  metrics_->JobSubmitted();
  spdlog::info("job {}: submitted ({} rounds, {} slaves)", id, parsed.rounds,
               parsed.slaves.size());
  Schedule(id);
  return id;
}

void JobManager::Schedule(const std::string& id) {
  std::vector<std::unique_ptr<Running>> finished;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Reap the threads of jobs that ended, so a long-lived daemon does not
    // keep one per job it ever ran.
    for (auto it = jobs_.begin(); it != jobs_.end();) {
      if (it->second->done) {
        finished.push_back(std::move(it->second));
        it = jobs_.erase(it);
      } else {
        ++it;
      }
    }
    if (!shutting_down_ && jobs_.count(id) == 0) {
      auto running = std::make_unique<Running>();
      Running* raw = running.get();
      jobs_[id] = std::move(running);
      raw->thread = std::thread([this, id, raw] {
        RunOne(id, raw);
        raw->done = true;
      });
    }
  }
  for (auto& running : finished) running->thread.join();
}

Status JobManager::Cancel(const std::string& id) {
  DSFL_ASSIGN_OR_RETURN(JobRecord job, store_->Get(id));
  if (IsFinal(job.state)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "job '", id, "' already ended (", JobStateName(job.state), ")"));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = jobs_.find(id);
    if (it != jobs_.end()) {
      it->second->cancelled_by_user = true;
      it->second->cancel.Cancel();
    }
  }
  slot_free_.notify_all();
  // A job waiting for a slot, or not scheduled in this process, ends here.
  return store_->SetState(id, JobState::kCancelled, "cancelled by the user",
                          Now());
}

void JobManager::RunOne(const std::string& id, Running* running) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    slot_free_.wait(lock, [&] {
      return shutting_down_ || running->cancel.cancelled() ||
             running_count_ < options_.max_running_jobs;
    });
    if (shutting_down_ || running->cancel.cancelled()) return;
    ++running_count_;
  }
  Status status = [&]() -> Status {
    DSFL_ASSIGN_OR_RETURN(JobRecord record, store_->Get(id));
    if (IsFinal(record.state)) return absl::OkStatus();
    nlohmann::json json = nlohmann::json::parse(record.spec_json);
    DSFL_ASSIGN_OR_RETURN(JobSpec spec, PrepareSpec(&json));
    spec.output_dir =
        (std::filesystem::path(options_.state_dir) / "jobs" / id).string();
    // The job connects with the checked snapshot current now, held until
    // it ends (the spec's JSON and digest keep the configured paths).
    std::shared_ptr<const TlsSnapshot> tls;
    if (options_.federation_tls != nullptr && !spec.insecure) {
      tls = options_.federation_tls->Current();
      spec.tls = tls->paths();
    }
    DSFL_ASSIGN_OR_RETURN(auto resume,
                          LoadLatestCheckpoint(spec.output_dir, spec.job_id));
    StoreListener listener(store_, id, clock_, metrics_);
    DSFL_RETURN_IF_ERROR(
        store_->SetState(id, JobState::kRunning, "", Now()));
    // Run() connects through connector_ (a dataspace job: admission,
    // audited) right after recording job.submitted.
    JobRunner runner(spec, connector_, clock_, &listener, options_.audit);
    DSFL_ASSIGN_OR_RETURN(
        JobResult result,
        runner.Run(&running->cancel, resume ? &*resume : nullptr));
    return store_->SetModel(id, result.model_path, result.model_digest, Now());
  }();
  Finish(id, status, running);
}

void JobManager::Finish(const std::string& id, const Status& status,
                        Running* running) {
  bool user_cancel;
  {
    std::lock_guard<std::mutex> lock(mu_);
    --running_count_;
    user_cancel = running->cancelled_by_user;
  }
  slot_free_.notify_all();
  auto record = store_->Get(id);
  if (record.ok() && IsFinal(record->state)) return;  // e.g. cancelled
  JobState state = JobState::kSucceeded;
  std::string error;
  if (!status.ok()) {
    if (running->cancel.cancelled() && !user_cancel) {
      spdlog::info("job {}: interrupted; it resumes at the next start", id);
      return;  // stays `running`
    }
    state = user_cancel ? JobState::kCancelled : JobState::kFailed;
    error = status.ToString();
    metrics_->SetLastError(absl::StrCat(id, ": ", error));
    spdlog::error("job {}: {}", id, error);
  }
  metrics_->JobFinished(JobStateName(state));
  Status stored = store_->SetState(id, state, error, Now());
  if (!stored.ok()) {
    spdlog::error("job {}: cannot store its end: {}", id, stored.ToString());
  }
}

void JobManager::Shutdown() {
  std::map<std::string, std::unique_ptr<Running>> jobs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
    for (auto& [id, running] : jobs_) running->cancel.Cancel();
  }
  slot_free_.notify_all();
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs.swap(jobs_);
  }
  for (auto& [id, running] : jobs) {
    if (running->thread.joinable()) running->thread.join();
  }
}

}  // namespace dsfl::master
