#include "master/console_progress.h"

#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"

namespace dsfl::master {
namespace {

std::string MetricText(const EvalSummary& e) {
  std::string text = absl::StrFormat("loss %.4f", e.loss);
  if (e.c_index) absl::StrAppendFormat(&text, "  C-index %.4f", *e.c_index);
  if (e.auc) absl::StrAppendFormat(&text, "  AUC %.4f", *e.auc);
  return text;
}

}  // namespace

void ConsoleProgress::OnJobMessage(const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (json_) {
    std::fprintf(out_, "%s\n",
                 nlohmann::json({{"event", "message"}, {"text", text}})
                     .dump()
                     .c_str());
  } else {
    std::fprintf(out_, "  %s\n", text.c_str());
  }
  std::fflush(out_);
}

void ConsoleProgress::OnNodeDone(uint32_t round, const NodeOutcome& node) {
  if (node.status.ok()) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (json_) {
    std::fprintf(out_, "%s\n",
                 nlohmann::json({{"event", "node_failed"},
                                 {"round", round},
                                 {"node", node.node_id},
                                 {"error", node.status.ToString()}})
                     .dump()
                     .c_str());
  } else {
    std::fprintf(out_, "  round %u: %s dropped: %s\n", round,
                 node.node_id.c_str(), node.status.ToString().c_str());
  }
  std::fflush(out_);
}

void ConsoleProgress::OnRoundDone(const RoundReport& r) {
  std::lock_guard<std::mutex> lock(mu_);
  if (json_) {
    nlohmann::json j = {{"event", "round"},
                        {"round", r.round},
                        {"rounds", r.rounds},
                        {"selected", r.selected},
                        {"completed", r.completed},
                        {"seconds", r.seconds},
                        {"model_digest", r.model_digest}};
    if (r.evaluation) {
      j["loss"] = r.evaluation->loss;
      if (r.evaluation->c_index) j["c_index"] = *r.evaluation->c_index;
      if (r.evaluation->auc) j["auc"] = *r.evaluation->auc;
    }
    std::fprintf(out_, "%s\n", j.dump().c_str());
  } else {
    std::string metrics =
        r.evaluation ? MetricText(*r.evaluation) : std::string("(no evaluation)");
    std::fprintf(out_, "round %3u/%u  slaves %zu/%zu  %s  %.2fs\n", r.round,
                 r.rounds, r.completed, r.selected, metrics.c_str(), r.seconds);
  }
  std::fflush(out_);
}

void ConsoleProgress::PrintResult(const JobResult& result) {
  std::lock_guard<std::mutex> lock(mu_);
  if (json_) {
    nlohmann::json j = {{"event", "done"},
                        {"model", result.model_path},
                        {"model_digest", result.model_digest}};
    if (result.final_evaluation) {
      j["held_out_examples"] = result.final_evaluation->num_examples;
      j["loss"] = result.final_evaluation->loss;
      if (result.final_evaluation->c_index) {
        j["c_index"] = *result.final_evaluation->c_index;
      }
      if (result.final_evaluation->auc) j["auc"] = *result.final_evaluation->auc;
    }
    std::fprintf(out_, "%s\n", j.dump().c_str());
  } else {
    if (result.final_evaluation) {
      std::fprintf(out_, "final model on %lld held-out rows: %s\n",
                   static_cast<long long>(result.final_evaluation->num_examples),
                   MetricText(*result.final_evaluation).c_str());
    }
    if (result.model_digest.empty()) {
      std::fprintf(out_, "report: %s\n", result.model_path.c_str());
    } else {
      std::fprintf(out_, "model: %s\ndigest: %s\n", result.model_path.c_str(),
                   result.model_digest.c_str());
    }
  }
  std::fflush(out_);
}

}  // namespace dsfl::master
