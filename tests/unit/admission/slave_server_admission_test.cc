// The SlaveServer's dataspace wiring, in process: a dataspace slave needs
// mutual TLS; --validate-config builds the participant (key readable);
// Reload() applies a valid file, rejects a broken one or a mode switch,
// warns about keys only a restart applies, and audits and counts each
// reload; a static slave answers Authorize FAILED_PRECONDITION.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_split.h"
#include "common/model_file.h"
#include "common/tls/dev_ca.h"
#include "dsfl/v1/slave.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "proto/convert.h"
#include "slave/server/slave_server.h"
#include "tests/testing/temp_dir.h"

namespace dsfl::slave {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class SlaveServerAdmissionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ca = tls::DevCertificateAuthority::Create("slave test CA");
    ASSERT_TRUE(ca.ok());
    tls::CertificateRequest request;
    request.common_name = "hospital-a";
    request.dns_names = {"hospital-a", "localhost"};
    request.ip_addresses = {"127.0.0.1"};
    auto tls_pair = ca->Issue(request);
    auto did_pair = ca->Issue(request);  // its key serves as the DID key
    ASSERT_TRUE(tls_pair.ok() && did_pair.ok());
    Write("ca.pem", ca->certificate_pem());
    Write("slave.pem", tls_pair->certificate_pem);
    Write("slave.key", tls_pair->private_key_pem);
    Write("did.key", did_pair->private_key_pem);
  }

  void Write(const std::string& name, const std::string& text) {
    ASSERT_TRUE(WriteFileAtomically(dir_.File(name), text, 0600).ok());
  }

  json Config(bool dataspace) {
    json config = {
        {"node_id", "hospital-a"},
        {"tls",
         {{"ca", "ca.pem"}, {"cert", "slave.pem"}, {"key", "slave.key"}}},
        {"data_source",
         {{"type", "csv"},
          {"path", std::string(std::getenv("DSFL_SOURCE_DIR")) +
                       "/tests/fixtures/lung_shards/mod3/lung_mod3_0.csv"}}},
        {"audit", {{"log", "audit/audit.jsonl"}, {"key", "audit-key.pem"}}}};
    if (dataspace) {
      config["dataspace"] = {
          {"did", "did:web:hospital-a.example"},
          {"key", "did.key"},
          {"connector",
           {{"management_url",
             "https://connector.hospital-a.example/api/management"},
            {"api_key", "secret"}}},
          {"https_ca", "ca.pem"},
          {"trusted_issuers",
           {{{"did", "did:web:issuer.example"},
             {"types", {"FederatedModelCreatorCredential"}}}}},
          {"dataset_id", "lung-hospital-a"},
          {"policy", {{"min_cohort", 20}}}};
    }
    return config;
  }

  StatusOr<SlaveConfig> Load(const json& config) {
    Write("slave.json", config.dump(2));
    return LoadSlaveConfig(dir_.File("slave.json"));
  }

  std::vector<json> Reloads() {
    std::vector<json> records;
    for (absl::string_view line :
         absl::StrSplit(ReadText(dir_.File("audit/audit.jsonl")), '\n')) {
      if (line.empty()) continue;
      json record = json::parse(std::string(line));
      if (record["event"] == "node.reload") records.push_back(record);
    }
    return records;
  }

  testing::TempDir dir_;
};

TEST_F(SlaveServerAdmissionTest, ADataspaceSlaveNeedsMutualTls) {
  std::filesystem::create_directories(dir_.File("audit"));
  auto config = Load(Config(true));
  ASSERT_TRUE(config.ok()) << config.status();
  StartOptions options;
  options.insecure = true;
  auto server = SlaveServer::Start(*config, options);
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(server.status().message(), HasSubstr("--insecure"));
}

TEST_F(SlaveServerAdmissionTest, ValidateConfigBuildsTheParticipant) {
  std::filesystem::create_directories(dir_.File("audit"));
  StartOptions validate;
  validate.validate_only = true;
  auto config = Load(Config(true));
  ASSERT_TRUE(config.ok()) << config.status();
  auto server = SlaveServer::Start(*config, validate);
  EXPECT_TRUE(server.ok()) << server.status();

  json missing_key = Config(true);
  missing_key["dataspace"]["key"] = "nope.key";
  config = Load(missing_key);
  ASSERT_TRUE(config.ok());
  server = SlaveServer::Start(*config, validate);
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(server.status().message(), HasSubstr("dataspace.key"));

  json bad_ca = Config(true);
  bad_ca["dataspace"]["federation_ca"] = "slave.key";  // not a certificate
  config = Load(bad_ca);
  ASSERT_TRUE(config.ok());
  server = SlaveServer::Start(*config, validate);
  ASSERT_FALSE(server.ok());
  EXPECT_THAT(server.status().message(), HasSubstr("dataspace.federation_ca"));
}

TEST_F(SlaveServerAdmissionTest, ReloadAppliesRejectsAuditsAndCounts) {
  std::filesystem::create_directories(dir_.File("audit"));
  json file = Config(true);
  auto config = Load(file);
  ASSERT_TRUE(config.ok()) << config.status();
  auto started = SlaveServer::Start(*config, {});
  ASSERT_TRUE(started.ok()) << started.status();
  SlaveServer& server = **started;

  EXPECT_TRUE(server.Reload().ok());  // unchanged
  file["dataspace"]["policy"]["allowed_model_sha256"] = {std::string(64, 'a')};
  file["dataspace"]["trusted_issuers"][0]["did"] = "did:web:other.example";
  Write("slave.json", file.dump());
  EXPECT_TRUE(server.Reload().ok());

  json broken = file;
  broken["dataspace"]["policy"]["allowed_model_sha256"] = {"xyz"};
  Write("slave.json", broken.dump());
  Status rejected = server.Reload();
  EXPECT_EQ(rejected.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rejected.message(),
              HasSubstr("dataspace.policy.allowed_model_sha256[0]"));

  Write("slave.json", Config(false).dump());
  Status switched = server.Reload();
  EXPECT_EQ(switched.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(switched.message(), HasSubstr("needs a restart"));

  json moved = file;
  moved["listen"] = "127.0.0.1:1";
  Write("slave.json", moved.dump());
  EXPECT_TRUE(server.Reload().ok());  // applied; listen waits for a restart

  ASSERT_TRUE(std::filesystem::remove(dir_.File("did.key")));
  Status no_key = server.Reload();
  EXPECT_THAT(no_key.message(), HasSubstr("dataspace.key"));

  EXPECT_THAT(server.metrics()->Render(),
              HasSubstr("dsfl_slave_reloads_total{result=\"ok\"} 3"));
  EXPECT_THAT(server.metrics()->Render(),
              HasSubstr("dsfl_slave_reloads_total{result=\"failed\"} 3"));
  server.Shutdown();

  const std::vector<json> reloads = Reloads();
  ASSERT_EQ(reloads.size(), 6u);
  const std::vector<std::string> results = {"applied",  "applied", "rejected",
                                            "rejected", "applied", "rejected"};
  for (size_t i = 0; i < reloads.size(); ++i) {
    EXPECT_EQ(reloads[i]["details"]["result"], results[i]) << i;
  }
  EXPECT_FALSE(reloads[1]["details"].contains("restart_needed"));
  EXPECT_EQ(reloads[4]["details"]["restart_needed"], true);
  EXPECT_THAT(reloads[3]["details"]["error"].get<std::string>(),
              HasSubstr("needs a restart"));
  EXPECT_EQ(reloads[0]["details"]["config_sha256"], config->config_sha256);
}

TEST_F(SlaveServerAdmissionTest, AStaticSlaveHasNoAuthorize) {
  std::filesystem::create_directories(dir_.File("audit"));
  auto config = Load(Config(false));
  ASSERT_TRUE(config.ok()) << config.status();
  StartOptions options;
  options.insecure = true;
  auto server = SlaveServer::Start(*config, options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto stub = v1::Slave::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string((*server)->port()),
                          grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  v1::AuthorizeRequest request;
  request.set_job_id("job");
  v1::AuthorizeResponse response;
  grpc::Status status = stub->Authorize(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("static federation"));
  // And job calls need no session, as before.
  grpc::ClientContext moments_context;
  v1::MomentsRequest moments;
  moments.mutable_job()->set_job_id("job");
  master::DataSpec data;
  data.task = training::Task::kSurvival;
  data.roles.features = {"age", "sex"};
  data.roles.time = "time";
  data.roles.event = "event";
  wire::ToProto(data, moments.mutable_data());
  v1::MomentsResponse sums;
  grpc::Status computed =
      stub->ComputeMoments(&moments_context, moments, &sums);
  EXPECT_TRUE(computed.ok()) << computed.error_message();
  EXPECT_GT(sums.count(), 0);
  EXPECT_TRUE((*server)->Reload().ok());  // nothing to swap, still audited
}

}  // namespace
}  // namespace dsfl::slave
