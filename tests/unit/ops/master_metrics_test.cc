#include "master/daemon/master_metrics.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dsfl::master {
namespace {

using ::testing::HasSubstr;

class FixedClock : public Clock {
 public:
  absl::Time Now() const override {
    return absl::FromUnixMillis(1700000000500);
  }
};

TEST(MasterMetricsTest, RendersEveryFamily) {
  FixedClock clock;
  MasterMetrics metrics(&clock);
  metrics.JobSubmitted();
  metrics.JobSubmitted();
  metrics.RoundCompleted(0.5, 3, 3);
  metrics.RoundCompleted(1.5, 2, 3);
  metrics.NodeTrained("hospital-a", 0.2);
  metrics.NodeTrained("hospital-a", 0.3);
  metrics.NodeTrained("hospital-b", 7);
  metrics.NodeDropped("DEADLINE_EXCEEDED");
  metrics.ModelBytes(4000, 4000);
  metrics.ModelBytes(4000, 0);
  metrics.RecordAdmission(true, "");
  metrics.RecordAdmission(false, "negotiation_terminated");
  metrics.RecordReload(true);
  metrics.JobFinished("succeeded");
  metrics.SetLastError("lung-1: round 2: 1 of 3 selected slaves completed");
  const std::string page = metrics.Render(1, 4);
  for (const char* line :
       {"\ndsfl_jobs_submitted_total 2\n",
        "\ndsfl_jobs{state=\"running\"} 1\n",
        "\ndsfl_jobs{state=\"queued\"} 4\n",
        "\ndsfl_jobs_finished_total{state=\"succeeded\"} 1\n",
        "\ndsfl_rounds_total 2\n",
        "\ndsfl_node_updates_total 5\n",
        "\ndsfl_round_seconds_sum 2\n",
        "\ndsfl_round_seconds_count 2\n",
        "\ndsfl_round_seconds_bucket{le=\"0.64\"} 1\n",
        "\ndsfl_node_train_seconds_count{node=\"hospital-a\"} 2\n",
        "\ndsfl_node_train_seconds_sum{node=\"hospital-b\"} 7\n",
        "\ndsfl_nodes_dropped_total{reason=\"DEADLINE_EXCEEDED\"} 1\n",
        "\ndsfl_model_bytes_sent_total 8000\n",
        "\ndsfl_model_bytes_received_total 4000\n",
        "\ndsfl_admissions_total{decision=\"admitted\",reason=\"\"} 1\n",
        "\ndsfl_admissions_total{decision=\"refused\",reason="
        "\"negotiation_terminated\"} 1\n",
        "\ndsfl_reloads_total{result=\"ok\"} 1\n",
        "\ndsfl_reloads_total{result=\"failed\"} 0\n",
        "\ndsfl_last_error_info{error=\"lung-1: round 2: 1 of 3 selected "
        "slaves completed\"} 1\n",
        "\ndsfl_last_error_timestamp_seconds 1700000000.5\n"}) {
    EXPECT_THAT(page, HasSubstr(line));
  }
}

}  // namespace
}  // namespace dsfl::master
