#include "master/daemon/master_metrics.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace dsfl::master {
namespace {

std::string Escape(const std::string& value) {
  return absl::StrReplaceAll(value, {{"\\", "\\\\"}, {"\"", "\\\""},
                                     {"\n", "\\n"}});
}

}  // namespace

void MasterMetrics::JobFinished(const std::string& state) {
  std::lock_guard<std::mutex> lock(mu_);
  ++jobs_finished_[state];
}

void MasterMetrics::RoundCompleted(double seconds, size_t completed,
                                   size_t /*selected*/) {
  ++rounds_;
  node_updates_ += completed;
  std::lock_guard<std::mutex> lock(mu_);
  round_seconds_sum_ += seconds;
}

void MasterMetrics::NodeDropped(const std::string& reason_code) {
  std::lock_guard<std::mutex> lock(mu_);
  ++nodes_dropped_[reason_code];
}

void MasterMetrics::SetLastError(const std::string& error) {
  std::lock_guard<std::mutex> lock(mu_);
  last_error_ = error;
}

std::string MasterMetrics::Render(int64_t running, int64_t queued) const {
  std::string out;
  absl::StrAppend(&out,
                  "# HELP dsfl_jobs_submitted_total Jobs accepted.\n"
                  "# TYPE dsfl_jobs_submitted_total counter\n"
                  "dsfl_jobs_submitted_total ",
                  jobs_submitted_.load(), "\n");
  absl::StrAppend(&out,
                  "# HELP dsfl_jobs Jobs by state now.\n"
                  "# TYPE dsfl_jobs gauge\n"
                  "dsfl_jobs{state=\"running\"} ", running, "\n",
                  "dsfl_jobs{state=\"queued\"} ", queued, "\n");
  absl::StrAppend(&out,
                  "# HELP dsfl_rounds_total Training rounds completed.\n"
                  "# TYPE dsfl_rounds_total counter\n"
                  "dsfl_rounds_total ", rounds_.load(), "\n",
                  "# HELP dsfl_node_updates_total Updates folded.\n"
                  "# TYPE dsfl_node_updates_total counter\n"
                  "dsfl_node_updates_total ", node_updates_.load(), "\n");
  std::lock_guard<std::mutex> lock(mu_);
  absl::StrAppend(&out,
                  "# HELP dsfl_round_seconds_sum Seconds spent in rounds.\n"
                  "# TYPE dsfl_round_seconds_sum counter\n"
                  "dsfl_round_seconds_sum ", round_seconds_sum_, "\n");
  absl::StrAppend(&out,
                  "# HELP dsfl_jobs_finished_total Jobs ended, by state.\n"
                  "# TYPE dsfl_jobs_finished_total counter\n");
  for (const auto& [state, n] : jobs_finished_) {
    absl::StrAppend(&out, "dsfl_jobs_finished_total{state=\"", state, "\"} ",
                    n, "\n");
  }
  absl::StrAppend(&out,
                  "# HELP dsfl_nodes_dropped_total Nodes dropped from a "
                  "round, by status code.\n"
                  "# TYPE dsfl_nodes_dropped_total counter\n");
  for (const auto& [reason, n] : nodes_dropped_) {
    absl::StrAppend(&out, "dsfl_nodes_dropped_total{reason=\"", reason,
                    "\"} ", n, "\n");
  }
  absl::StrAppend(&out,
                  "# HELP dsfl_last_error_info The last job error.\n"
                  "# TYPE dsfl_last_error_info gauge\n"
                  "dsfl_last_error_info{error=\"", Escape(last_error_), "\"} ",
                  last_error_.empty() ? 0 : 1, "\n");
  return out;
}

}  // namespace dsfl::master
