// The master as a daemon, with the real binaries: jobs submitted through
// the `dsfl` CLI over the HTTPS admin API, followed, downloaded — and a
// master killed with SIGKILL mid-job that resumes from its checkpoint to a
// final model bit-identical to an uninterrupted run.
#include <signal.h>

#include <chrono>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/model_file.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_env.h"

namespace dsfl::e2e {
namespace {

using ::testing::HasSubstr;

class Daemon {
 public:
  Daemon(E2eEnv* env, const std::string& name,
         const std::vector<std::string>& slaves)
      : env_(env), dir_(env->Path(name)) {
    std::filesystem::create_directories(dir_);
    EXPECT_TRUE(
        WriteFileAtomically(dir_ + "/token", "s3cret-admin-token\n", 0600)
            .ok());
    nlohmann::json registry = env->Job(slaves, 1, 1, 1)["slaves"];
    nlohmann::json config = {{"state_dir", dir_ + "/state"},
                             {"admin",
                              {{"listen", "127.0.0.1:0"},
                               {"port_file", dir_ + "/admin.port"},
                               {"token_file", dir_ + "/token"},
                               {"cert", env->Path("pki/master.pem")},
                               {"key", env->Path("pki/master.key")}}},
                             {"tls",
                              {{"ca", env->Path("pki/ca.pem")},
                               {"cert", env->Path("pki/master.pem")},
                               {"key", env->Path("pki/master.key")}}},
                             {"slaves", registry}};
    EXPECT_TRUE(
        WriteFileAtomically(dir_ + "/master.json", config.dump(2)).ok());
  }

  void Start() {
    std::filesystem::remove(dir_ + "/admin.port");
    auto process = Subprocess::Spawn(
        {env_->Bin("dsfl-master"), "--config", dir_ + "/master.json"},
        dir_ + "/master.log");
    ASSERT_TRUE(process.ok()) << process.status();
    process_ = *std::move(process);
    auto port =
        WaitForFile(dir_ + "/admin.port", absl::Seconds(60), process_.get());
    ASSERT_TRUE(port.ok()) << port.status() << Log();
    url_ = absl::StrCat("https://127.0.0.1:", *port);
  }

  Subprocess* process() { return process_.get(); }
  std::string Log() const { return E2eEnv::ReadFile(dir_ + "/master.log"); }

  // Runs `dsfl ARGS --master URL --token-file T --ca CA`; returns the exit
  // status and the output.
  int Cli(std::vector<std::string> args, std::string* output) {
    std::vector<std::string> argv = {env_->Bin("dsfl")};
    argv.insert(argv.end(), args.begin(), args.end());
    for (const std::string& extra :
         {std::string("--master"), url_, std::string("--token-file"),
          dir_ + "/token", std::string("--ca"), env_->Path("pki/ca.pem")}) {
      argv.push_back(extra);
    }
    const std::string log = dir_ + "/cli.log";
    std::filesystem::remove(log);
    auto cli = Subprocess::Spawn(argv, log);
    EXPECT_TRUE(cli.ok());
    int status = (*cli)->Wait();
    *output = E2eEnv::ReadFile(log);
    return status;
  }

  nlohmann::json Status(const std::string& id) {
    std::string output;
    EXPECT_EQ(Cli({"job", "status", id, "--json"}, &output), 0) << output;
    return nlohmann::json::parse(output, nullptr, false);
  }

 private:
  E2eEnv* env_;
  std::string dir_;
  std::string url_;
  std::unique_ptr<Subprocess> process_;
};

std::string SubmitJob(E2eEnv* env, Daemon* daemon, int rounds, int epochs) {
  nlohmann::json job = env->Job({}, rounds, epochs, 3);
  job.erase("slaves");                    // the daemon's registry
  job.erase("tls");                       // the daemon's identity
  job["federation"]["max_parallel"] = 1;  // bit-for-bit reproducible
  const std::string path = env->Path("submit.json");
  EXPECT_TRUE(WriteFileAtomically(path, job.dump(2)).ok());
  std::string output;
  EXPECT_EQ(daemon->Cli({"job", "submit", path}, &output), 0) << output;
  return std::string(absl::StripAsciiWhitespace(output));
}

void StartHospitals(E2eEnv* env) {
  for (int shard = 0; shard < 3; ++shard) {
    std::string name =
        std::string("hospital-") + static_cast<char>('a' + shard);
    env->Issue(name);
    env->StartSlave(name, shard);
  }
}

const std::vector<std::string> kHospitals = {"hospital-a", "hospital-b",
                                             "hospital-c"};

TEST(DaemonE2eTest, SubmitWatchDownloadListAndNodes) {
  E2eEnv env;
  StartHospitals(&env);
  Daemon daemon(&env, "daemon", kHospitals);
  daemon.Start();
  std::string id = SubmitJob(&env, &daemon, 3, 2);
  ASSERT_FALSE(id.empty());
  std::string output;
  EXPECT_EQ(daemon.Cli({"job", "watch", id}, &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("round 3/3"));
  EXPECT_THAT(output, HasSubstr("succeeded"));
  EXPECT_THAT(output, ::testing::Not(HasSubstr("\r")));  // not a terminal

  nlohmann::json status = daemon.Status(id);
  EXPECT_EQ(status["state"], "succeeded");
  EXPECT_EQ(status["rounds"].size(), 3u);
  EXPECT_EQ(status["rounds"][0]["nodes"].size(), 3u);

  const std::string model = env.Path("model.dsflm");
  ASSERT_EQ(daemon.Cli({"job", "download", id, "-o", model}, &output), 0)
      << output;
  auto file = ReadModelFile(model);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(ModelDigestHex(file->model), status["model_digest"]);
  // The auditor's tool prints the same digest for the downloaded file, and
  // it is the last round's global model.
  {
    const std::string log = env.Path("model-digest.out");
    auto audit = Subprocess::Spawn(
        {env.Bin("dsfl"), "audit", "model-digest", model}, log);
    ASSERT_TRUE(audit.ok()) << audit.status();
    ASSERT_EQ((*audit)->Wait(), 0) << E2eEnv::ReadFile(log);
    EXPECT_EQ(E2eEnv::ReadFile(log),
              status["model_digest"].get<std::string>() + "  " + model + "\n");
  }
  EXPECT_EQ(status["rounds"][2]["model_digest"], status["model_digest"]);

  EXPECT_EQ(daemon.Cli({"job", "list", "--json"}, &output), 0);
  EXPECT_THAT(output, HasSubstr(id));
  EXPECT_EQ(daemon.Cli({"nodes"}, &output), 0) << output;
  EXPECT_THAT(output, HasSubstr("hospital-c"));
  EXPECT_THAT(output, HasSubstr("yes"));
  // Errors: an unknown job (1), a finished job cannot be cancelled (1).
  EXPECT_EQ(daemon.Cli({"job", "status", "nope-1"}, &output), 1);
  EXPECT_THAT(output, HasSubstr("no job 'nope-1'"));
  EXPECT_EQ(daemon.Cli({"job", "cancel", id}, &output), 1);
  EXPECT_THAT(output, HasSubstr("already ended"));
  // A bad spec is refused with the field named.
  ASSERT_TRUE(WriteFileAtomically(env.Path("bad.json"),
                                  R"({"model": {"type": "resnet"},
                                      "data": {"features": ["age"]}})")
                  .ok());
  EXPECT_EQ(daemon.Cli({"job", "submit", env.Path("bad.json")}, &output), 1);
  EXPECT_THAT(output, HasSubstr("model.type"));
}

TEST(DaemonE2eTest, UnreachableMasterExitsThreeAndBadTokenExitsOne) {
  E2eEnv env;
  env.Issue("hospital-a");
  env.StartSlave("hospital-a", 0);
  Daemon daemon(&env, "daemon", {"hospital-a"});
  daemon.Start();
  std::string output;
  EXPECT_EQ(daemon.Cli({"job", "list"}, &output), 0) << output;
  ASSERT_TRUE(daemon.process()->Signal(SIGKILL).ok());
  daemon.process()->Wait();
  EXPECT_EQ(daemon.Cli({"job", "list"}, &output), 3);
  EXPECT_THAT(output, HasSubstr("cannot reach the master"));
}

TEST(DaemonE2eTest, KilledMasterResumesToABitIdenticalModel) {
  E2eEnv env;
  StartHospitals(&env);
  constexpr int kRounds = 6;
  constexpr int kEpochs = 400;

  // Uninterrupted reference run.
  Daemon reference(&env, "reference", kHospitals);
  reference.Start();
  std::string reference_id = SubmitJob(&env, &reference, kRounds, kEpochs);
  std::string output;
  ASSERT_EQ(reference.Cli({"job", "watch", reference_id}, &output), 0)
      << output << reference.Log();
  const std::string expected = reference.Status(reference_id)["model_digest"];
  ASSERT_EQ(expected.size(), 64u);

  // The same job on a second daemon, killed after round 2.
  Daemon daemon(&env, "resumed", kHospitals);
  daemon.Start();
  std::string id = SubmitJob(&env, &daemon, kRounds, kEpochs);
  absl::Time deadline = absl::Now() + absl::Seconds(300);
  while (daemon.Status(id)["rounds_done"].get<int>() < 2) {
    ASSERT_LT(absl::Now(), deadline) << daemon.Log();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(daemon.process()->Signal(SIGKILL).ok());
  daemon.process()->Wait();

  daemon.Start();  // same state directory
  ASSERT_EQ(daemon.Cli({"job", "watch", id}, &output), 0)
      << output << daemon.Log();
  nlohmann::json status = daemon.Status(id);
  EXPECT_EQ(status["state"], "succeeded");
  EXPECT_EQ(status["model_digest"], expected);
  EXPECT_THAT(daemon.Log(), HasSubstr("resuming after round"));
}

}  // namespace
}  // namespace dsfl::e2e
