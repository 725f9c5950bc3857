#include "master/daemon/master_metrics.h"

#include "common/metrics/prometheus_text.h"

namespace dsfl::master {

MasterMetrics::MasterMetrics(const Clock* clock)
    :  // 10 ms .. ~3 h, for rounds and for one node's training.
      round_seconds_(metrics::ExponentialBuckets(0.01, 4, 11)),
      node_train_seconds_(metrics::ExponentialBuckets(0.01, 4, 11), {"node"}),
      health_(clock) {}

void MasterMetrics::RoundCompleted(double seconds, size_t completed,
                                   size_t /*selected*/) {
  rounds_.Add();
  node_updates_.Add(static_cast<double>(completed));
  round_seconds_.Observe(seconds);
}

void MasterMetrics::NodeDropped(const std::string& reason_code) {
  nodes_dropped_.Add({reason_code});
}

void MasterMetrics::ModelBytes(uint64_t sent, uint64_t received) {
  bytes_sent_.Add(static_cast<double>(sent));
  bytes_received_.Add(static_cast<double>(received));
}

void MasterMetrics::NodeTrained(const std::string& node, double seconds) {
  node_train_seconds_.Observe({node}, seconds);
}

std::string MasterMetrics::Render(int64_t running, int64_t queued) const {
  metrics::PrometheusText out;
  jobs_submitted_.Render(&out, "dsfl_jobs_submitted_total", "Jobs accepted.");
  out.Family("dsfl_jobs", "gauge", "Jobs by state now.");
  out.Sample("dsfl_jobs", {{"state", "running"}}, static_cast<double>(running));
  out.Sample("dsfl_jobs", {{"state", "queued"}}, static_cast<double>(queued));
  jobs_finished_.Render(&out, "dsfl_jobs_finished_total",
                        "Jobs ended, by state.");
  rounds_.Render(&out, "dsfl_rounds_total", "Training rounds completed.");
  node_updates_.Render(&out, "dsfl_node_updates_total",
                       "Updates folded into global models.");
  round_seconds_.Render(&out, "dsfl_round_seconds",
                        "Duration of completed training rounds.");
  node_train_seconds_.Render(&out, "dsfl_node_train_seconds",
                             "Local training time per node and round, as "
                             "the node reported it.");
  nodes_dropped_.Render(&out, "dsfl_nodes_dropped_total",
                        "Nodes dropped from a round, by status code.");
  bytes_sent_.Render(&out, "dsfl_model_bytes_sent_total",
                     "Model payload bytes sent to slaves (training and "
                     "evaluation).");
  bytes_received_.Render(&out, "dsfl_model_bytes_received_total",
                         "Model update payload bytes received from slaves.");
  admissions_.Render(&out, "dsfl_admissions_total",
                     "Dataspace admission decisions: admitted, or refused "
                     "by reason.");
  health_.Render(&out, "dsfl_reloads_total",
                 "Reloads of the TLS files (SIGHUP), by result.",
                 "dsfl_last_error");
  return out.text();
}

}  // namespace dsfl::master
