// SIGHUP and JSON-lines logs with the real daemons. The tests wait on the
// daemons' own sd_notify messages (RELOADING=1, then READY=1 once the
// reload is done) on a fake NOTIFY_SOCKET: no sleeps.
//
// Master: `systemctl reload` re-reads the federation TLS files for new
// jobs. A job after a reload uses the new files (a certificate from another
// CA makes it fail, the right one makes it work again); a broken file is
// reported, the daemon keeps serving and new jobs keep the previous files.
// Slave: SIGHUP does not kill it; it keeps serving.
#include <signal.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/model_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/ops_daemons.h"
#include "tests/unit/deploy/fake_notify_socket.h"

namespace dsfl::e2e {
namespace {
namespace fs = std::filesystem;

using deploy_test::FakeNotifySocket;
using ::testing::HasSubstr;

constexpr absl::Duration kPatience = absl::Seconds(60);

// NOTIFY_SOCKET for the processes started in this scope only.
class ScopedNotifySocket {
 public:
  explicit ScopedNotifySocket(const FakeNotifySocket& socket) {
    socket.Export();
  }
  ~ScopedNotifySocket() { unsetenv("NOTIFY_SOCKET"); }
};

// Sends SIGHUP and waits until the process says the reload is over.
void Reload(Subprocess* process, FakeNotifySocket* socket) {
  ASSERT_TRUE(process->Signal(SIGHUP).ok());
  ASSERT_TRUE(socket->ReceiveContaining("RELOADING=1", kPatience).has_value());
  ASSERT_TRUE(socket->ReceiveContaining("READY=1", kPatience).has_value());
}

// Every line is one JSON object with the documented fields, in order.
void ExpectJsonLines(const std::string& log, const std::string& program) {
  int lines = 0;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    ++lines;
    nlohmann::json json =
        nlohmann::json::parse(std::string(line), nullptr, false);
    ASSERT_TRUE(json.is_object()) << "not JSON: " << line;
    std::vector<std::string> keys;
    for (const auto& [key, value] : json.items()) keys.push_back(key);
    // nlohmann sorts keys; the line itself keeps the documented order.
    EXPECT_EQ(keys, (std::vector<std::string>{"level", "logger", "msg",
                                              "thread", "time"}))
        << line;
    EXPECT_EQ(line.substr(0, 9), "{\"time\":\"") << line;
    EXPECT_TRUE(json["logger"] == program || json["logger"] == "grpc") << line;
  }
  EXPECT_GT(lines, 0);
}

TEST(DaemonReloadE2eTest, MasterSighupSwapsTlsForNewJobsAndSurvivesBadFiles) {
  E2eEnv env;
  std::vector<MeteredSlave> slaves;
  slaves.push_back(StartMeteredSlave(&env, "hospital-a", 0));
  env.Issue("intruder", /*foreign_ca=*/true);
  // The federation files the daemon reads, replaced by the test as an
  // administrator would.
  fs::create_directories(env.Path("federation"));
  const nlohmann::json tls = {{"ca", env.Path("federation/ca.pem")},
                              {"cert", env.Path("federation/master.pem")},
                              {"key", env.Path("federation/master.key")}};
  auto install = [&](const std::string& ca, const std::string& name) {
    const auto over = fs::copy_options::overwrite_existing;
    fs::copy_file(env.Path("pki/" + ca), tls["ca"].get<std::string>(), over);
    fs::copy_file(env.Path("pki/" + name + ".pem"),
                  tls["cert"].get<std::string>(), over);
    fs::copy_file(env.Path("pki/" + name + ".key"),
                  tls["key"].get<std::string>(), over);
  };
  install("ca.pem", "master");

  MasterDaemonProcess daemon(&env, "master-daemon", tls, Registry(slaves));
  FakeNotifySocket socket;
  ASSERT_TRUE(socket.ok());
  {
    ScopedNotifySocket notify(socket);
    daemon.Start({"--log-format", "json"});
  }
  ASSERT_TRUE(socket.ReceiveContaining("READY=1", kPatience).has_value());
  int job = 0;
  auto run_job = [&]() {
    nlohmann::json spec = env.Job({}, 1, 1, 1);
    for (const char* key : {"slaves", "tls", "output_dir"}) spec.erase(key);
    spec["job_id"] = absl::StrCat("reload-", ++job);
    std::string id = daemon.Submit(spec), output;
    int exit = daemon.Watch(id, &output);
    return std::make_pair(exit, daemon.Status(id));
  };

  auto [first_exit, first] = run_job();
  EXPECT_EQ(first_exit, 0) << first.dump() << daemon.Log();

  // Files from another CA: the reload takes them (they are consistent), and
  // the next job really uses them: the slave refuses the handshake.
  install("foreign-ca.pem", "intruder");
  Reload(daemon.process(), &socket);
  EXPECT_THAT(daemon.Log(), HasSubstr("reloaded the TLS files for new jobs "
                                      "(certificate 'intruder'"));
  auto [foreign_exit, foreign] = run_job();
  EXPECT_NE(foreign_exit, 0);
  EXPECT_EQ(foreign["state"], "failed") << foreign.dump();

  // The right files again: jobs work again.
  install("ca.pem", "master");
  Reload(daemon.process(), &socket);
  auto [back_exit, back] = run_job();
  EXPECT_EQ(back_exit, 0) << back.dump() << daemon.Log();

  // A broken key: reported naming the file; the daemon keeps serving with
  // the previous files, and a new job still works.
  ASSERT_TRUE(WriteFileAtomically(tls["key"].get<std::string>(),
                                  "-----BEGIN PRIVATE KEY-----\nnot a key\n"
                                  "-----END PRIVATE KEY-----\n",
                                  0600)
                  .ok());
  Reload(daemon.process(), &socket);
  EXPECT_TRUE(daemon.process()->running());
  EXPECT_THAT(daemon.Log(), HasSubstr("TLS files NOT reloaded"));
  EXPECT_THAT(daemon.Log(), HasSubstr(tls["key"].get<std::string>()));
  auto [kept_exit, kept] = run_job();
  EXPECT_EQ(kept_exit, 0) << kept.dump() << daemon.Log();
  EXPECT_EQ(kept["state"], "succeeded");

  const std::string page = ScrapeMetrics(daemon.metrics_port());
  EXPECT_EQ(MetricValue(page, "dsfl_reloads_total{result=\"ok\"}"), 2);
  EXPECT_EQ(MetricValue(page, "dsfl_reloads_total{result=\"failed\"}"), 1);
  EXPECT_THAT(page, HasSubstr("dsfl_last_error_info{error=\"reload: "));
  std::vector<std::string> reloads;
  for (const nlohmann::json& record : daemon.AuditRecords()) {
    if (record.value("event", "") == "node.reload") {
      reloads.push_back(record["details"]["result"]);
    }
  }
  EXPECT_EQ(reloads,
            (std::vector<std::string>{"applied", "applied", "rejected"}));

  ASSERT_TRUE(daemon.process()->Signal(SIGTERM).ok());
  EXPECT_EQ(daemon.process()->Wait(), 0) << daemon.Log();
  ExpectJsonLines(daemon.Log(), "dsfl-master");
}

TEST(DaemonReloadE2eTest, SlaveKeepsServingAcrossSighup) {
  E2eEnv env;
  FakeNotifySocket socket;
  ASSERT_TRUE(socket.ok());
  MeteredSlave slave;
  {
    ScopedNotifySocket notify(socket);
    slave = StartMeteredSlave(&env, "hospital-a", 0, {"--log-format", "json"});
  }
  ASSERT_NE(slave.process, nullptr);
  ASSERT_TRUE(socket.ReceiveContaining("READY=1", kPatience).has_value());
  Reload(slave.process.get(), &socket);
  Reload(slave.process.get(), &socket);
  EXPECT_TRUE(slave.process->running());
  const std::string page = ScrapeMetrics(slave.metrics_port);
  EXPECT_THAT(page, HasSubstr("dsfl_slave_start_time_seconds "));
  ASSERT_TRUE(slave.process->Signal(SIGTERM).ok());
  EXPECT_EQ(slave.process->Wait(), 0);
  const std::string log = E2eEnv::ReadFile(env.Path("hospital-a/slave.log"));
  EXPECT_THAT(log, HasSubstr("SIGHUP"));
  ExpectJsonLines(log, "dsfl-slave");
}

}  // namespace
}  // namespace dsfl::e2e
