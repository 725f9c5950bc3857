// End to end with the real binaries: dsfl-slave and dsfl-master processes
// talking gRPC over mutual TLS 1.3 on 127.0.0.1, ports chosen by the OS.
#include <signal.h>

#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/model_file.h"
#include "dsfl/v1/slave.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_env.h"

namespace dsfl::e2e {
namespace {

using ::testing::HasSubstr;

const nlohmann::json* LastEvent(const std::vector<nlohmann::json>& lines,
                                const std::string& event) {
  const nlohmann::json* last = nullptr;
  for (const auto& line : lines) {
    if (line.is_object() && line.value("event", "") == event) last = &line;
  }
  return last;
}

// The demo's three hospitals, each on its institution shard.
void StartThreeHospitals(E2eEnv* env) {
  for (int shard = 0; shard < 3; ++shard) {
    std::string name = std::string("hospital-") + static_cast<char>('a' + shard);
    env->Issue(name);
    env->StartSlave(name, shard);
  }
}

TEST(FederationE2eTest, ThreeSlavesAndAMasterTrainDeepSurv) {
  E2eEnv env;
  StartThreeHospitals(&env);
  std::vector<nlohmann::json> lines;
  std::string output;
  int status = env.RunMaster(
      env.Job({"hospital-a", "hospital-b", "hospital-c"}, 20, 5, 3), &lines,
      &output);
  ASSERT_EQ(status, 0) << output;
  const nlohmann::json* done = LastEvent(lines, "done");
  ASSERT_NE(done, nullptr) << output;
  EXPECT_GE(done->at("c_index").get<double>(), 0.60) << output;
  int rounds = 0;
  for (const auto& line : lines) {
    if (line.value("event", "") == "round") {
      ++rounds;
      EXPECT_EQ(line.at("completed"), 3);
    }
  }
  EXPECT_EQ(rounds, 20);
  // Every slave trained on its own data and logged it; none logged values.
  for (const char* name : {"hospital-a", "hospital-b", "hospital-c"}) {
    EXPECT_THAT(env.SlaveLog(name), HasSubstr("round 20: training"));
  }

  // The signed audit logs of this real run verify with each node's pinned
  // key; changing one byte of a record makes verification fail.
  auto verify = [&](const std::string& log, const std::string& key) {
    auto p = Subprocess::Spawn({env.Bin("dsfl"), "audit", "verify", log,
                                "--key", key},
                               env.Path("verify.log"));
    EXPECT_TRUE(p.ok());
    return (*p)->Wait();
  };
  EXPECT_EQ(verify(env.Path("master-out/audit.jsonl"),
                   env.Path("master-out/audit.pub.pem")),
            0)
      << E2eEnv::ReadFile(env.Path("verify.log"));
  for (const char* name : {"hospital-a", "hospital-b", "hospital-c"}) {
    ASSERT_EQ(env.slave(name)->Stop(absl::Seconds(10)), 0);  // closes the log
    const std::string dir = env.Path(name);
    EXPECT_EQ(verify(dir + "/audit.jsonl", dir + "/audit.pub.pem"), 0)
        << E2eEnv::ReadFile(env.Path("verify.log"));
    const std::string log = E2eEnv::ReadFile(dir + "/audit.jsonl");
    EXPECT_THAT(log, HasSubstr("\"round.participation\""));
    EXPECT_THAT(log, HasSubstr("\"dataset.read\""));
  }
  std::string log = E2eEnv::ReadFile(env.Path("hospital-b/audit.jsonl"));
  const size_t at = log.find("\"examples\":");
  ASSERT_NE(at, std::string::npos);
  log[at + 12] = log[at + 12] == '9' ? '8' : '9';  // one digit of one record
  ASSERT_TRUE(WriteFileAtomically(env.Path("hospital-b/audit.jsonl"), log).ok());
  EXPECT_EQ(verify(env.Path("hospital-b/audit.jsonl"),
                   env.Path("hospital-b/audit.pub.pem")),
            1);
  EXPECT_THAT(E2eEnv::ReadFile(env.Path("verify.log")),
              HasSubstr("hash mismatch"));
}

TEST(FederationE2eTest, SlaveKilledMidRoundIsDroppedAndTheJobFinishes) {
  E2eEnv env;
  StartThreeHospitals(&env);
  // Long local training so that a round is mostly training time.
  auto master = env.StartMaster(
      env.Job({"hospital-a", "hospital-b", "hospital-c"}, 4, 3000, 2));
  ASSERT_NE(master, nullptr);
  // Kill hospital-b while it trains in round 2 (its log says so).
  absl::Time deadline = absl::Now() + absl::Seconds(120);
  while (env.SlaveLog("hospital-b").find("round 2: training") ==
         std::string::npos) {
    ASSERT_LT(absl::Now(), deadline) << env.SlaveLog("hospital-b");
    ASSERT_TRUE(master->running()) << E2eEnv::ReadFile(env.Path("master.log"));
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(env.slave("hospital-b")->Signal(SIGKILL).ok());
  int status = master->Wait();
  std::string output = E2eEnv::ReadFile(env.Path("master.log"));
  ASSERT_EQ(status, 0) << output;
  std::vector<nlohmann::json> rounds;
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    if (line.empty() || line.front() != '{') continue;
    auto j = nlohmann::json::parse(std::string(line));
    if (j.value("event", "") == "round") rounds.push_back(j);
  }
  ASSERT_EQ(rounds.size(), 4u) << output;
  EXPECT_EQ(rounds[0].at("completed"), 3);
  for (size_t r = 1; r < 4; ++r) EXPECT_EQ(rounds[r].at("completed"), 2) << r;
  EXPECT_THAT(output, HasSubstr("\"node\":\"hospital-b\""));
}

TEST(FederationE2eTest, SlaveWithACertificateFromAnotherCaIsRefused) {
  E2eEnv env;
  env.Issue("hospital-a");
  env.Issue("hospital-b");
  env.Issue("rogue", /*foreign_ca=*/true);
  env.StartSlave("hospital-a", 0);
  env.StartSlave("hospital-b", 1);
  // The rogue slave runs a consistent PKI of its own: its certificate was
  // never issued by the federation's CA.
  env.StartSlave("rogue", 2, "foreign-ca.pem");
  std::vector<nlohmann::json> lines;
  std::string output;
  int status = env.RunMaster(
      env.Job({"hospital-a", "hospital-b", "rogue"}, 2, 2, 2), &lines,
      &output);
  ASSERT_EQ(status, 0) << output;
  EXPECT_THAT(output, HasSubstr("slave rogue left out"));
  EXPECT_THAT(env.SlaveLog("rogue"), ::testing::Not(HasSubstr("training")));
  for (const auto& line : lines) {
    if (line.value("event", "") == "round") {
      EXPECT_EQ(line.at("selected"), 2);
    }
  }
  // With the rogue required, the job fails and says why.
  lines.clear();
  status = env.RunMaster(env.Job({"hospital-a", "rogue"}, 1, 1, 2), &lines,
                         &output);
  EXPECT_EQ(status, 1);
  EXPECT_THAT(output, HasSubstr("rogue: UNAVAILABLE"));
}

// Calls GetInfo on a running slave with the given channel credentials.
grpc::Status CallGetInfo(int port,
                         std::shared_ptr<grpc::ChannelCredentials> creds) {
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("hospital-a");
  auto channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                           creds, args);
  auto stub = v1::Slave::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  v1::GetInfoRequest request;
  v1::NodeInfo response;
  return stub->GetInfo(&context, request, &response);
}

TEST(FederationE2eTest, OnlyClientsWithACertificateFromTheCaMayCallASlave) {
  E2eEnv env;
  env.Issue("hospital-a");
  env.Issue("stranger", /*foreign_ca=*/true);
  const int port = env.StartSlave("hospital-a", 0);
  const std::string ca = E2eEnv::ReadFile(env.Path("pki/ca.pem"));

  grpc::SslCredentialsOptions with_cert;
  with_cert.pem_root_certs = ca;
  with_cert.pem_cert_chain = E2eEnv::ReadFile(env.Path("pki/master.pem"));
  with_cert.pem_private_key = E2eEnv::ReadFile(env.Path("pki/master.key"));
  EXPECT_TRUE(CallGetInfo(port, grpc::SslCredentials(with_cert)).ok());

  grpc::SslCredentialsOptions no_cert;
  no_cert.pem_root_certs = ca;
  grpc::Status refused = CallGetInfo(port, grpc::SslCredentials(no_cert));
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE);

  grpc::SslCredentialsOptions foreign = with_cert;
  foreign.pem_cert_chain = E2eEnv::ReadFile(env.Path("pki/stranger.pem"));
  foreign.pem_private_key = E2eEnv::ReadFile(env.Path("pki/stranger.key"));
  EXPECT_EQ(CallGetInfo(port, grpc::SslCredentials(foreign)).error_code(),
            grpc::StatusCode::UNAVAILABLE);

  EXPECT_EQ(CallGetInfo(port, grpc::InsecureChannelCredentials()).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  // The slave never answered the refused callers with data.
  EXPECT_THAT(env.SlaveLog("hospital-a"),
              ::testing::Not(HasSubstr("round")));
}

TEST(FederationE2eTest, ValidateConfigRunsTheStartUpPathAndNamesBadFields) {
  E2eEnv env;
  env.Issue("hospital-a");
  env.StartSlave("hospital-a", 0);
  const std::string good = env.Path("hospital-a/slave.json");
  auto run = [&](const std::string& config) {
    auto p = Subprocess::Spawn({env.Bin("dsfl-slave"), "--config", config,
                                "--validate-config"},
                               env.Path("validate.log"));
    EXPECT_TRUE(p.ok());
    return (*p)->Wait();
  };
  EXPECT_EQ(run(good), 0);
  auto config = nlohmann::json::parse(E2eEnv::ReadFile(good));
  config["limits"]["min_rows"] = -1;
  ASSERT_TRUE(WriteFileAtomically(env.Path("bad.json"), config.dump()).ok());
  EXPECT_EQ(run(env.Path("bad.json")), 2);
  EXPECT_THAT(E2eEnv::ReadFile(env.Path("validate.log")),
              HasSubstr("limits.min_rows"));
  config = nlohmann::json::parse(E2eEnv::ReadFile(good));
  config["data_source"]["path"] = env.Path("missing.csv");
  ASSERT_TRUE(WriteFileAtomically(env.Path("bad2.json"), config.dump()).ok());
  EXPECT_EQ(run(env.Path("bad2.json")), 1);
  EXPECT_THAT(E2eEnv::ReadFile(env.Path("validate.log")),
              HasSubstr("missing.csv"));
}

TEST(FederationE2eTest, PlaintextOnlyWhenBothSidesSayInsecure) {
  E2eEnv env;
  env.Issue("hospital-a");
  env.Issue("hospital-b");
  env.StartSlave("hospital-a", 0, "ca.pem", /*insecure=*/true);
  env.StartSlave("hospital-b", 1, "ca.pem", /*insecure=*/true);
  EXPECT_THAT(env.SlaveLog("hospital-a"), HasSubstr("PLAINTEXT"));
  nlohmann::json job = env.Job({"hospital-a", "hospital-b"}, 1, 1, 2);
  // A master that insists on TLS cannot talk to a plaintext slave.
  std::vector<nlohmann::json> lines;
  std::string output;
  EXPECT_EQ(env.RunMaster(job, &lines, &output), 1);
  EXPECT_THAT(output, HasSubstr("UNAVAILABLE"));
  job.erase("tls");
  job["insecure"] = true;
  lines.clear();
  EXPECT_EQ(env.RunMaster(job, &lines, &output), 0) << output;
  ASSERT_NE(LastEvent(lines, "done"), nullptr);
}

TEST(FederationE2eTest, SlaveStopsCleanlyOnSigterm) {
  E2eEnv env;
  env.Issue("hospital-a");
  env.StartSlave("hospital-a", 0);
  EXPECT_EQ(env.slave("hospital-a")->Stop(absl::Seconds(10)), 0);
  EXPECT_THAT(env.SlaveLog("hospital-a"), HasSubstr("stopped"));
}

}  // namespace
}  // namespace dsfl::e2e
