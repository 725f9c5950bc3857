// Several jobs at once on one dsfl-master daemon, with real dsfl-slave
// processes over mutual TLS: three jobs submitted at the same moment
// through the HTTPS admin API run side by side, and each ends with its own
// model, bit-identical to the model the same job produces alone, and its
// own rounds and status. The daemon's and the slaves' /metrics count what
// happened, byte for byte.
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/model_file.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/ops_daemons.h"

namespace dsfl::e2e {
namespace {

using ::testing::HasSubstr;

struct JobCase {
  std::string job_id;
  int rounds;
  std::vector<int> hidden_units;
  uint64_t seed;
};

const std::vector<JobCase> kJobs = {{"conc-a", 3, {16, 8}, 1},
                                    {"conc-b", 2, {8}, 2},
                                    {"conc-c", 4, {16, 8}, 3}};

nlohmann::json Spec(E2eEnv* env, const JobCase& job) {
  nlohmann::json spec = env->Job({}, job.rounds, 2, 3);
  spec.erase("slaves");  // the daemon's registry
  spec.erase("tls");     // the daemon's identity
  spec.erase("output_dir");
  spec["job_id"] = job.job_id;
  spec["model"]["hidden_units"] = job.hidden_units;
  spec["federation"]["seed"] = job.seed;
  spec["federation"]["max_parallel"] = 1;  // bit-for-bit reproducible
  return spec;
}

// True when the records of two different jobs interleave in the master's
// audit log (one file, written in order): the jobs ran at the same time.
bool JobsInterleave(const std::vector<nlohmann::json>& records) {
  std::map<std::string, std::pair<size_t, size_t>> spans;  // first, last
  for (size_t i = 0; i < records.size(); ++i) {
    if (!records[i].is_object() || !records[i]["job"].is_string()) continue;
    auto [it, fresh] = spans.emplace(records[i]["job"].get<std::string>(),
                                     std::make_pair(i, i));
    if (!fresh) it->second.second = i;
  }
  for (const auto& [a, span_a] : spans) {
    for (const auto& [b, span_b] : spans) {
      if (a != b && span_a.first < span_b.first &&
          span_b.first < span_a.second) {
        return true;
      }
    }
  }
  return false;
}

struct Finished {
  std::string id;
  nlohmann::json status;
  std::string model_digest;
  uint64_t model_bytes = 0;  // payload: parameters x 4
};

// Submits every job of kJobs at the same moment (one thread each), waits
// for each with `dsfl job watch`, checks its status and downloads its model.
std::map<std::string, Finished> RunAll(E2eEnv* env,
                                       MasterDaemonProcess* daemon) {
  std::vector<std::string> ids(kJobs.size());
  std::vector<std::thread> submitters;
  for (size_t i = 0; i < kJobs.size(); ++i) {
    submitters.emplace_back(
        [&, i] { ids[i] = daemon->Submit(Spec(env, kJobs[i])); });
  }
  for (auto& t : submitters) t.join();
  std::vector<std::thread> watchers;
  std::vector<int> exits(kJobs.size(), -1);
  std::vector<std::string> outputs(kJobs.size());
  for (size_t i = 0; i < kJobs.size(); ++i) {
    watchers.emplace_back(
        [&, i] { exits[i] = daemon->Watch(ids[i], &outputs[i]); });
  }
  for (auto& t : watchers) t.join();

  std::map<std::string, Finished> finished;
  for (size_t i = 0; i < kJobs.size(); ++i) {
    const JobCase& job = kJobs[i];
    EXPECT_EQ(exits[i], 0) << job.job_id << ": " << outputs[i] << daemon->Log();
    Finished& done = finished[job.job_id];
    done.id = ids[i];
    done.status = daemon->Status(ids[i]);
    const nlohmann::json& s = done.status;
    EXPECT_EQ(s["state"], "succeeded") << s.dump();
    EXPECT_EQ(s["name"], job.job_id);
    EXPECT_EQ(s["rounds_total"], job.rounds);
    EXPECT_EQ(s["rounds_done"], job.rounds);
    EXPECT_EQ(s["rounds"].size(), static_cast<size_t>(job.rounds));
    for (const nlohmann::json& round : s["rounds"]) {
      EXPECT_EQ(round["nodes"].size(), 3u) << round.dump();
      EXPECT_EQ(round["completed"], 3) << round.dump();
    }
    std::string header;
    const std::string bytes = daemon->Model(ids[i], &header);
    const std::string path = env->Path(absl::StrCat(ids[i], ".dsflm"));
    EXPECT_TRUE(WriteFileAtomically(path, bytes).ok());
    auto file = ReadModelFile(path);
    EXPECT_TRUE(file.ok()) << file.status();
    if (!file.ok()) continue;
    done.model_digest = ModelDigestHex(file->model);
    done.model_bytes = file->model.values.size() * sizeof(float);
    EXPECT_EQ(done.model_digest, header);
    EXPECT_EQ(done.model_digest, s["model_digest"]);
  }
  return finished;
}

TEST(ConcurrentJobsE2eTest, JobsAtOnceEachEndWithTheirOwnModel) {
  E2eEnv env;
  std::vector<MeteredSlave> slaves;
  for (int shard = 0; shard < 3; ++shard) {
    slaves.push_back(StartMeteredSlave(
        &env, std::string("hospital-") + static_cast<char>('a' + shard),
        shard));
  }
  const nlohmann::json tls = {{"ca", env.Path("pki/ca.pem")},
                              {"cert", env.Path("pki/master.pem")},
                              {"key", env.Path("pki/master.key")}};

  // Reference: the same jobs one after the other (max_running_jobs 1).
  MasterDaemonProcess sequential(&env, "sequential", tls, Registry(slaves),
                                 {{"max_running_jobs", 1}});
  sequential.Start();
  std::map<std::string, Finished> alone = RunAll(&env, &sequential);
  EXPECT_FALSE(JobsInterleave(sequential.AuditRecords()));

  // All three at once.
  MasterDaemonProcess daemon(&env, "concurrent", tls, Registry(slaves),
                             {{"max_running_jobs", 3}});
  daemon.Start();
  std::map<std::string, Finished> together = RunAll(&env, &daemon);
  EXPECT_TRUE(JobsInterleave(daemon.AuditRecords()))
      << "the jobs did not run at the same time";

  std::set<std::string> models;
  for (const JobCase& job : kJobs) {
    const Finished& mine = together[job.job_id];
    EXPECT_EQ(mine.model_digest, alone[job.job_id].model_digest)
        << job.job_id << " differs from the same job run alone";
    models.insert(mine.model_digest);
  }
  EXPECT_EQ(models.size(), kJobs.size()) << "two jobs share a model";

  // The daemon's metrics: every round, and every model byte each way
  // (training: 3 nodes per round each way; evaluation after every round:
  // the model to 3 nodes).
  uint64_t rounds = 0, received = 0, sent = 0;
  for (const JobCase& job : kJobs) {
    const uint64_t bytes = together[job.job_id].model_bytes;
    rounds += job.rounds;
    received += job.rounds * 3 * bytes;
    sent += job.rounds * 3 * bytes * 2;
  }
  const std::string page = ScrapeMetrics(daemon.metrics_port());
  ASSERT_FALSE(page.empty());
  EXPECT_EQ(MetricValue(page, "dsfl_jobs_submitted_total"), 3);
  EXPECT_EQ(MetricValue(page, "dsfl_jobs_finished_total{state=\"succeeded\"}"),
            3);
  EXPECT_EQ(MetricValue(page, "dsfl_jobs{state=\"running\"}"), 0);
  EXPECT_EQ(MetricValue(page, "dsfl_rounds_total"), rounds);
  EXPECT_EQ(MetricValue(page, "dsfl_node_updates_total"), rounds * 3);
  EXPECT_EQ(MetricValue(page, "dsfl_round_seconds_count"), rounds);
  EXPECT_EQ(
      MetricValue(page, "dsfl_node_train_seconds_count{node=\"hospital-b\"}"),
      rounds);
  EXPECT_EQ(MetricValue(page, "dsfl_model_bytes_received_total"), received);
  EXPECT_EQ(MetricValue(page, "dsfl_model_bytes_sent_total"), sent);
  EXPECT_EQ(MetricValue(page, "dsfl_last_error_info{error=\"\"}"), 0);

  // Each slave trained every round of both runs, and says so.
  for (const MeteredSlave& slave : slaves) {
    const std::string slave_page = ScrapeMetrics(slave.metrics_port);
    ASSERT_FALSE(slave_page.empty()) << slave.name;
    EXPECT_EQ(MetricValue(slave_page, "dsfl_slave_rounds_trained_total"),
              2 * rounds)
        << slave.name;
    EXPECT_EQ(MetricValue(slave_page,
                          "dsfl_slave_rpcs_total{method=\"Slave/"
                          "Train\",code=\"OK\"}"),
              2 * rounds)
        << slave.name;
    EXPECT_EQ(MetricValue(slave_page, "dsfl_slave_training_seconds_count"),
              2 * rounds);
    EXPECT_EQ(
        MetricValue(slave_page, "dsfl_slave_evaluations_total{outcome=\"ok\"}"),
        2 * rounds);
    EXPECT_EQ(MetricValue(slave_page, "dsfl_slave_model_bytes_received_total"),
              2 * sent / 3);
    EXPECT_THAT(slave_page, HasSubstr("dsfl_slave_start_time_seconds "));
  }
}

}  // namespace
}  // namespace dsfl::e2e
