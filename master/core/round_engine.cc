#include "master/core/round_engine.h"

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "master/core/streaming_aggregator.h"

namespace dsfl::master {
namespace {

// Validates one node's update and folds it as it streams in.
class AggregatingSink : public UpdateSink {
 public:
  AggregatingSink(uint32_t round, const std::string& node_id,
                  const ModelSpec& spec, StreamingAggregator* aggregator,
                  Strategy* strategy, RoundListener* listener)
      : round_(round),
        node_id_(node_id),
        spec_(spec),
        aggregator_(aggregator),
        strategy_(strategy),
        listener_(listener) {}

  void OnProgress(int64_t epoch, double loss) override {
    if (listener_ != nullptr) {
      listener_->OnNodeProgress(round_, node_id_, epoch, loss);
    }
  }

  Status OnResult(const TrainSummary& summary) override {
    if (summary.num_examples <= 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "update reports ", summary.num_examples, " training examples"));
    }
    summary_ = summary;
    return absl::OkStatus();
  }

  Status OnHeader(StreamHeader header) override {
    if (!summary_) {
      return absl::InvalidArgumentError("update header before its result");
    }
    if (receiver_) return absl::InvalidArgumentError("second update header");
    ReceiveLimits limits;
    limits.max_total_bytes = spec_.byte_size();
    auto receiver =
        ModelStreamReceiver::Start(std::move(header), &spec_, limits);
    if (!receiver.ok()) {
      return Status(receiver.status().code(),
                    absl::StrCat("update rejected: ",
                                 receiver.status().message()));
    }
    receiver_.emplace(std::move(receiver).value());
    sink_.emplace(aggregator_, strategy_->UpdateWeight(*summary_));
    return absl::OkStatus();
  }

  Status OnChunk(uint64_t offset,
                 absl::Span<const std::string_view> pieces) override {
    if (!receiver_) return absl::InvalidArgumentError("chunk before header");
    for (std::string_view piece : pieces) bytes_received_ += piece.size();
    return receiver_->OnChunk(offset, pieces, &*sink_);
  }

  Status OnEnd() override {
    if (!receiver_) return absl::InvalidArgumentError("update without model");
    return receiver_->Finish();
  }

  const std::optional<TrainSummary>& summary() const { return summary_; }
  uint64_t bytes_received() const { return bytes_received_; }

 private:
  uint32_t round_;
  const std::string& node_id_;
  const ModelSpec& spec_;
  StreamingAggregator* aggregator_;
  Strategy* strategy_;
  RoundListener* listener_;
  std::optional<TrainSummary> summary_;
  std::optional<ModelStreamReceiver> receiver_;
  std::optional<StreamingAggregator::NodeSink> sink_;
  uint64_t bytes_received_ = 0;
};

std::string DescribeFailures(const std::vector<NodeOutcome>& nodes) {
  std::string out;
  for (const NodeOutcome& n : nodes) {
    if (n.status.ok()) continue;
    absl::StrAppend(&out, out.empty() ? "" : "; ", n.node_id, ": ",
                    n.status.ToString());
  }
  return out;
}

}  // namespace

void RunFanOut(size_t count, size_t max_parallel, absl::Time deadline,
               CancellationToken* round_cancel,
               const std::function<void(size_t)>& task) {
  if (count == 0) return;
  size_t threads = max_parallel == 0 ? count : std::min(count, max_parallel);
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::condition_variable all_done;
  size_t finished_threads = 0;

  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) {
        task(i);
      }
      std::lock_guard<std::mutex> lock(mu);
      ++finished_threads;
      all_done.notify_all();
    });
  }
  {
    // The watchdog: at the deadline, cancel whatever is still running.
    std::unique_lock<std::mutex> lock(mu);
    bool done = all_done.wait_until(
        lock, absl::ToChronoTime(deadline),
        [&] { return finished_threads == threads; });
    if (!done) {
      lock.unlock();
      round_cancel->Cancel();
    }
  }
  for (std::thread& w : workers) w.join();
}

RoundEngine::RoundEngine(Strategy* strategy, RoundOptions options,
                         const Clock* clock, RoundListener* listener)
    : strategy_(strategy),
      options_(options),
      clock_(clock),
      listener_(listener) {}

StatusOr<TrainRoundResult> RoundEngine::RunTraining(
    uint32_t round, const TrainCall& base, const HashedModel& hashed_global,
    const std::vector<Node>& nodes, CancellationToken* job_cancel) {
  const FlatModel& global = hashed_global.model();
  const absl::Time start = clock_->Now();
  std::map<std::string, SlaveClient*> by_id;
  std::vector<std::string> available;
  for (const Node& n : nodes) {
    by_id[n.id] = n.client;
    available.push_back(n.id);
  }
  std::sort(available.begin(), available.end());
  std::vector<std::string> selected =
      strategy_->SelectForTraining(round, available);

  StreamingAggregator aggregator(global.spec, options_.chunk_bytes);
  TrainRoundResult result;
  result.nodes.resize(selected.size());

  CancellationToken round_cancel;
  CancellationLink link(job_cancel, &round_cancel);
  CallOptions call_options;
  call_options.deadline = start + options_.timeout;
  call_options.cancel = &round_cancel;

  RunFanOut(selected.size(), options_.max_parallel, call_options.deadline,
            &round_cancel, [&](size_t i) {
              NodeOutcome& outcome = result.nodes[i];
              outcome.node_id = selected[i];
              TrainCall call = base;
              call.job.round = round;
              call.plan = strategy_->PlanFor(round, selected[i], base.plan);
              AggregatingSink sink(round, outcome.node_id, global.spec,
                                   &aggregator, strategy_, listener_);
              outcome.model_bytes_sent = global.spec.byte_size();
              outcome.status = by_id[selected[i]]->Train(call, hashed_global,
                                                         &sink, call_options);
              outcome.model_bytes_received = sink.bytes_received();
              if (sink.summary()) outcome.train = *sink.summary();
              if (listener_ != nullptr) listener_->OnNodeDone(round, outcome);
            });

  for (const NodeOutcome& n : result.nodes) result.completed += n.status.ok();
  if (job_cancel != nullptr && job_cancel->cancelled()) {
    return absl::CancelledError(absl::StrCat("round ", round, " cancelled"));
  }
  if (result.completed < options_.min_clients) {
    return absl::FailedPreconditionError(absl::StrCat(
        "round ", round, ": ", result.completed, " of ", selected.size(),
        " selected slaves completed, min_clients is ", options_.min_clients,
        " (", DescribeFailures(result.nodes), ")"));
  }
  result.global = HashedModel(ForWire(
      strategy_->NextGlobal(global, std::move(aggregator).Finish(global)),
      base.wire_format));
  result.elapsed = clock_->Now() - start;  // the next global model included
  return result;
}

StatusOr<EvalRoundResult> RoundEngine::RunEvaluation(
    const EvaluateCall& call, const HashedModel& model,
    const std::vector<Node>& nodes, CancellationToken* job_cancel) {
  EvalRoundResult result;
  result.nodes.resize(nodes.size());
  CancellationToken round_cancel;
  CancellationLink link(job_cancel, &round_cancel);
  CallOptions call_options;
  call_options.deadline = clock_->Now() + options_.timeout;
  call_options.cancel = &round_cancel;

  RunFanOut(nodes.size(), options_.max_parallel, call_options.deadline,
            &round_cancel, [&](size_t i) {
              NodeOutcome& outcome = result.nodes[i];
              outcome.node_id = nodes[i].id;
              outcome.model_bytes_sent = model.model().spec.byte_size();
              auto eval = nodes[i].client->Evaluate(call, model, call_options);
              outcome.status = eval.status();
              if (eval.ok()) outcome.evaluation = *eval;
            });

  std::vector<EvalSummary> answers;
  for (const NodeOutcome& n : result.nodes) {
    if (n.status.ok()) answers.push_back(n.evaluation);
  }
  result.completed = answers.size();
  if (answers.empty()) {
    return absl::UnavailableError(absl::StrCat(
        "evaluation: no slave answered (", DescribeFailures(result.nodes),
        ")"));
  }
  result.aggregate = strategy_->AggregateEvaluation(answers);
  return result;
}

}  // namespace dsfl::master
