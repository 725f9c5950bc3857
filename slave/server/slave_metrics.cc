#include "slave/server/slave_metrics.h"

#include "common/metrics/prometheus_text.h"

namespace dsfl::slave {

SlaveMetrics::SlaveMetrics(const Clock* clock)
    : started_(clock->Now()),
      // 10 ms .. ~3 h: one local training round, tiny to very large.
      training_seconds_(metrics::ExponentialBuckets(0.01, 4, 11)),
      health_(clock) {
  evaluations_.Preset({"ok"});
  evaluations_.Preset({"failed"});
}

void SlaveMetrics::RecordRpc(const std::string& method,
                             const std::string& code) {
  rpcs_.Add({method, code});
}

void SlaveMetrics::OnTrain(const TrainObservation& train) {
  bytes_received_.Add(static_cast<double>(train.model_bytes_received));
  bytes_sent_.Add(static_cast<double>(train.model_bytes_sent));
  training_seconds_.Observe(absl::ToDoubleSeconds(train.duration));
  (train.ok ? rounds_trained_ : training_failures_).Add();
}

void SlaveMetrics::OnEvaluate(const EvaluateObservation& evaluate) {
  bytes_received_.Add(static_cast<double>(evaluate.model_bytes_received));
  evaluations_.Add({evaluate.ok ? "ok" : "failed"});
}

void SlaveMetrics::OnInitialize(const InitializeObservation& initialize) {
  bytes_sent_.Add(static_cast<double>(initialize.model_bytes_sent));
  if (initialize.ok) initialized_.Add();
}

std::string SlaveMetrics::Render() const {
  metrics::PrometheusText out;
  rpcs_.Render(&out, "dsfl_slave_rpcs_total",
               "RPCs answered, by method and gRPC status code.");
  rounds_trained_.Render(&out, "dsfl_slave_rounds_trained_total",
                         "Training rounds that produced an update.");
  training_failures_.Render(&out, "dsfl_slave_training_failures_total",
                            "Training calls that failed or were refused.");
  training_seconds_.Render(&out, "dsfl_slave_training_seconds",
                           "Duration of training calls (data, checks and "
                           "local epochs).");
  evaluations_.Render(&out, "dsfl_slave_evaluations_total",
                      "Evaluation calls, by outcome.");
  initialized_.Render(&out, "dsfl_slave_models_initialized_total",
                      "Initial models built for masters.");
  bytes_received_.Render(&out, "dsfl_slave_model_bytes_received_total",
                         "Model payload bytes received from masters.");
  bytes_sent_.Render(&out, "dsfl_slave_model_bytes_sent_total",
                     "Model payload bytes sent to masters (updates and "
                     "initial models).");
  authorizations_.Render(&out, "dsfl_slave_authorizations_total",
                         "Authorize decisions: admitted, or refused by "
                         "reason.");
  health_.Render(&out, "dsfl_slave_reloads_total",
                 "Reloads of policy and credentials (SIGHUP), by result.",
                 "dsfl_slave_last_error");
  out.Family("dsfl_slave_start_time_seconds", "gauge",
             "Unix time the slave started.");
  out.Sample("dsfl_slave_start_time_seconds",
             static_cast<double>(absl::ToUnixMillis(started_)) / 1000);
  return out.text();
}

}  // namespace dsfl::slave
