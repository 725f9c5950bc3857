// kill -9 of a real dsfl-slave while it writes its audit log: four client
// threads send exact-analytics queries over mutual TLS (each answer is an
// fsynced analytics.query record), and the thread that receives the 120th
// answer SIGKILLs the slave while the others' queries are in flight. Then:
//  - `dsfl audit verify --key` passes on the log (exit 0) when the kill fell
//    between records, or reports a torn tail (exit 1, "torn-tail",
//    "verified through: seq N") when it fell inside a write; every answer a
//    client received has its record in the log (written before the answer);
//  - a copy whose last record is cut in the middle is always reported as a
//    torn tail (the deterministic case);
//  - the slave restarted on the same log continues the chain: a torn tail
//    is moved aside and a signed log.recovered record names it, its size and
//    SHA-256; the log verifies again after a clean stop. The same holds
//    when the slave is then restored from the deterministically torn copy
//    (a backup of its log and head file from before the restart). A copy
//    cannot be continued by another node: a log belongs to its actor
//    (tests/unit/audit/audit_log_test.cc).
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/audit/record.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "master/analytics/transport/grpc_analytics_client.h"
#include "tests/e2e/audit_e2e_util.h"
#include "tests/e2e/e2e_env.h"

namespace dsfl::e2e {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::vector<audit::AuditRecord> Records(const std::vector<std::string>& lines) {
  std::vector<audit::AuditRecord> out;
  for (const std::string& line : lines) {
    auto r = audit::ParseRecordLine(line);
    EXPECT_TRUE(r.ok()) << r.status();
    if (r.ok()) out.push_back(r->record);
  }
  return out;
}

std::unique_ptr<analytics::GrpcAnalyticsClient> Client(const E2eEnv& env,
                                                       const std::string& name,
                                                       int port) {
  master::SlaveEndpoint endpoint{name, absl::StrCat("127.0.0.1:", port), name};
  master::TlsPaths tls{env.Path("pki/ca.pem"), env.Path("pki/master.pem"),
                       env.Path("pki/master.key")};
  auto client = analytics::ConnectAnalytics(endpoint, tls, false);
  EXPECT_TRUE(client.ok()) << client.status();
  return client.ok() ? *std::move(client) : nullptr;
}

analytics::SurvivalSpec Spec() {
  return {"time", "event", {"age", "sex"}, analytics::RowSet::kAll, 0, 0};
}

StatusOr<analytics::SurvivalSummary> Query(
    analytics::GrpcAnalyticsClient* client, const std::string& job) {
  analytics::CallOptions options;
  options.deadline = absl::Now() + absl::Seconds(30);
  return client->Summary({job}, Spec(), false, options);
}

// Restarts (or starts) slave `name` on whatever log its directory holds,
// asks it one query, stops it cleanly and checks that the chain continued
// from `complete` records: a log.recovered record for `torn` (when not
// empty), then node.start, then the new query.
void RestartAndExpectTheChainContinues(E2eEnv* env, const std::string& name,
                                       uint64_t complete,
                                       const std::string& torn) {
  SCOPED_TRACE("restart " + name);
  std::error_code ec;
  fs::remove(env->Path(name + "/port"), ec);
  const int port = env->StartSlave(name, 0);
  ASSERT_GT(port, 0) << env->SlaveLog(name);
  auto client = Client(*env, name, port);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(Query(client.get(), "after-restart").ok());
  ASSERT_EQ(env->slave(name)->Stop(absl::Seconds(20)), 0);

  const std::string dir = env->Path(name);
  CliResult cli =
      RunAuditVerify(*env, dir + "/audit.jsonl", dir + "/audit.pub.pem");
  EXPECT_EQ(cli.exit_code, 0) << cli.output;
  FileLines after = ReadLines(dir + "/audit.jsonl");
  EXPECT_TRUE(after.tail.empty());
  std::vector<audit::AuditRecord> records = Records(after.lines);
  ASSERT_GT(records.size(), complete + 2);
  size_t next = complete;
  if (!torn.empty()) {
    const audit::AuditRecord& recovered = records[next++];
    EXPECT_EQ(recovered.event, "log.recovered");
    EXPECT_EQ(recovered.details.at("after_seq"), complete - 1);
    EXPECT_EQ(recovered.details.at("torn_bytes"), torn.size());
    EXPECT_EQ(recovered.details.at("torn_sha256"), Sha256::HexOf(torn));
    const std::string moved =
        dir + "/" + recovered.details.at("torn_file").get<std::string>();
    EXPECT_EQ(E2eEnv::ReadFile(moved), torn);
    EXPECT_THAT(env->SlaveLog(name), HasSubstr("torn last line was moved"));
  }
  EXPECT_EQ(records[next].event, "node.start");
  EXPECT_EQ(records[next].seq, next);
  bool queried = false;
  for (size_t i = next; i < records.size(); ++i) {
    queried = queried || (records[i].event == "analytics.query" &&
                          records[i].job == "after-restart");
  }
  EXPECT_TRUE(queried);
}

TEST(AuditKillE2eTest, SlaveKilledWhileWritingKeepsAVerifiableLog) {
  E2eEnv env;
  env.Issue("hospital-a");
  const int port = env.StartSlave("hospital-a", 0);
  ASSERT_GT(port, 0);
  Subprocess* slave = env.slave("hospital-a");

  constexpr int kThreads = 4;
  constexpr int kKillAfter = 120;
  std::atomic<int> answered{0};
  std::atomic<bool> killed{false};
  std::vector<std::thread> threads;
  std::vector<std::unique_ptr<analytics::GrpcAnalyticsClient>> clients;
  for (int t = 0; t < kThreads; ++t) {
    clients.push_back(Client(env, "hospital-a", port));
    ASSERT_NE(clients.back(), nullptr);
  }
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!killed) {
        if (!Query(clients[t].get(), "kill-load").ok()) return;
        if (++answered == kKillAfter) {
          // Others are mid-query: their records are being written.
          EXPECT_TRUE(slave->Signal(SIGKILL).ok());
          killed = true;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(killed.load()) << env.SlaveLog("hospital-a");
  EXPECT_EQ(slave->Wait(), 128 + SIGKILL);

  const std::string dir = env.Path("hospital-a");
  const std::string log = dir + "/audit.jsonl";
  const std::string pub = dir + "/audit.pub.pem";
  FileLines before = ReadLines(log);
  std::vector<audit::AuditRecord> records = Records(before.lines);
  ASSERT_EQ(records.size(), before.lines.size());
  // Every answer that reached a client was recorded before it left.
  int released = 0;
  for (const audit::AuditRecord& r : records) {
    released +=
        r.event == "analytics.query" && r.details.at("decision") == "released";
  }
  EXPECT_GE(released, answered.load());
  const uint64_t complete = records.size();

  CliResult cli = RunAuditVerify(env, log, pub);
  const bool torn = !before.tail.empty();
  std::printf(
      "killed after %d answers: %llu complete records, %s\n", answered.load(),
      static_cast<unsigned long long>(complete),
      torn ? absl::StrCat("torn tail of ", before.tail.size(), " bytes").c_str()
           : "no torn tail");
  if (torn) {
    // The kill fell inside a write: reported as such, never accepted.
    EXPECT_EQ(cli.exit_code, 1) << cli.output;
    EXPECT_THAT(cli.output, HasSubstr("[torn-tail]"));
    EXPECT_THAT(cli.output, HasSubstr(absl::StrCat("verified through: seq ",
                                                   complete - 1)));
  } else {
    // The kill fell between records: the log is valid as it is.
    EXPECT_EQ(cli.exit_code, 0) << cli.output;
    EXPECT_THAT(cli.output, HasSubstr(absl::StrCat(complete, " records")));
  }

  // The deterministic torn case: a backup of the log and its head file,
  // whose last record is cut in the middle.
  const std::string copy_dir = env.Path("hospital-a-backup");
  fs::create_directories(copy_dir);
  fs::copy_file(dir + "/audit.head.json", copy_dir + "/audit.head.json");
  const std::string& last = before.lines.back();
  const std::string cut = last.substr(0, last.size() / 2);
  std::vector<std::string> kept(before.lines.begin(), before.lines.end() - 1);
  WriteLines(copy_dir + "/audit.jsonl", kept, cut);
  auto head = audit::ParseRecordLine(
      ReadLines(copy_dir + "/audit.head.json").lines.at(0));
  ASSERT_TRUE(head.ok());
  ASSERT_LT(head->record.seq, complete - 1);  // the cut record is not the head
  CliResult torn_cli = RunAuditVerify(env, copy_dir + "/audit.jsonl", pub);
  EXPECT_EQ(torn_cli.exit_code, 1) << torn_cli.output;
  EXPECT_THAT(torn_cli.output, HasSubstr("[torn-tail]"));
  EXPECT_THAT(torn_cli.output, HasSubstr(absl::StrCat(
                                   "torn last line: ", cut.size(), " bytes")));
  EXPECT_THAT(torn_cli.output,
              HasSubstr(absl::StrCat("verified through: seq ", complete - 2)));

  // The slave restarts and continues its chain; restored from the backup
  // (log and head of that moment), it continues that one.
  RestartAndExpectTheChainContinues(&env, "hospital-a", complete, before.tail);
  for (const char* file : {"audit.jsonl", "audit.head.json"}) {
    fs::copy_file(copy_dir + "/" + file, dir + "/" + file,
                  fs::copy_options::overwrite_existing);
  }
  RestartAndExpectTheChainContinues(&env, "hospital-a", complete - 1, cut);
}

}  // namespace
}  // namespace dsfl::e2e
