#include "tests/e2e/e2e_env.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/demo_data.h"
#include "common/model_file.h"
#include "gtest/gtest.h"

namespace dsfl::e2e {
namespace fs = std::filesystem;

E2eEnv::E2eEnv() {
  char pattern[] = "/tmp/dsfl_e2e_XXXXXX";
  dir_ = ::mkdtemp(pattern);
  fs::create_directories(Path("pki"));
  auto ca = tls::DevCertificateAuthority::Create("e2e CA");
  auto foreign = tls::DevCertificateAuthority::Create("someone else's CA");
  EXPECT_TRUE(ca.ok() && foreign.ok());
  ca_ = std::make_unique<tls::DevCertificateAuthority>(*std::move(ca));
  foreign_ca_ =
      std::make_unique<tls::DevCertificateAuthority>(*std::move(foreign));
  EXPECT_TRUE(
      WriteFileAtomically(Path("pki/ca.pem"), ca_->certificate_pem()).ok());
  EXPECT_TRUE(WriteFileAtomically(Path("pki/foreign-ca.pem"),
                                  foreign_ca_->certificate_pem())
                  .ok());
  Issue("master");
  auto shards = cli::SplitByInstitution(
      ReadFile(std::string(std::getenv("DSFL_SOURCE_DIR")) +
               "/data/lung/lung.csv"),
      3);
  EXPECT_TRUE(shards.ok());
  for (size_t i = 0; i < shards->size(); ++i) {
    std::string path = Path(absl::StrCat("shard-", i, ".csv"));
    EXPECT_TRUE(WriteFileAtomically(path, (*shards)[i].csv).ok());
    shards_.push_back(path);
  }
}

E2eEnv::~E2eEnv() {
  slaves_.clear();  // kills and reaps
  // Keep the directory of a failed test for its logs.
  if (!::testing::Test::HasFailure()) fs::remove_all(dir_);
}

std::string E2eEnv::Bin(const std::string& name) const {
  return std::string(std::getenv("DSFL_BINARY_DIR")) + "/bin/" + name;
}

std::string E2eEnv::Path(const std::string& relative) const {
  return dir_ + "/" + relative;
}

std::string E2eEnv::ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void E2eEnv::Issue(const std::string& name, bool foreign_ca) {
  tls::CertificateRequest request;
  request.common_name = name;
  request.dns_names = {name, "localhost"};
  request.ip_addresses = {"127.0.0.1"};
  auto pair = (foreign_ca ? foreign_ca_ : ca_)->Issue(request);
  ASSERT_TRUE(pair.ok()) << pair.status();
  ASSERT_TRUE(
      WriteFileAtomically(Path("pki/" + name + ".pem"), pair->certificate_pem)
          .ok());
  ASSERT_TRUE(WriteFileAtomically(Path("pki/" + name + ".key"),
                                  pair->private_key_pem, 0600)
                  .ok());
}

std::string E2eEnv::SlaveLog(const std::string& name) const {
  return ReadFile(Path(name + "/slave.log"));
}

int E2eEnv::StartSlave(const std::string& name, int shard,
                       const std::string& ca, bool insecure) {
  fs::create_directories(Path(name));
  nlohmann::json config = {
      {"node_id", name},
      {"listen", "127.0.0.1:0"},
      {"port_file", Path(name + "/port")},
      {"tls",
       {{"ca", Path("pki/" + ca)},
        {"cert", Path("pki/" + name + ".pem")},
        {"key", Path("pki/" + name + ".key")}}},
      {"data_source", {{"type", "csv"}, {"path", shards_.at(shard)}}},
      {"audit",
       {{"log", Path(name + "/audit.jsonl")},
        {"key", Path(name + "/audit-key.pem")}}},
      {"limits", {{"min_rows", 10}}}};
  const std::string config_path = Path(name + "/slave.json");
  EXPECT_TRUE(WriteFileAtomically(config_path, config.dump(2)).ok());
  std::vector<std::string> argv = {Bin("dsfl-slave"), "--config",
                                   config_path};
  if (insecure) argv.push_back("--insecure");
  auto process = Subprocess::Spawn(argv, Path(name + "/slave.log"));
  EXPECT_TRUE(process.ok()) << process.status();
  Subprocess* raw = process->get();
  slaves_[name] = *std::move(process);
  auto port = WaitForFile(Path(name + "/port"), absl::Seconds(60), raw);
  EXPECT_TRUE(port.ok()) << port.status() << "\n" << SlaveLog(name);
  ports_[name] = port.ok() ? std::stoi(*port) : 0;
  return ports_[name];
}

nlohmann::json E2eEnv::Job(const std::vector<std::string>& slaves, int rounds,
                           int local_epochs, int min_clients) const {
  nlohmann::json list = nlohmann::json::array();
  for (const std::string& s : slaves) {
    list.push_back({{"id", s},
                    {"endpoint", absl::StrCat("127.0.0.1:", ports_.at(s))},
                    {"tls_name", s}});
  }
  return {
      {"job_id", "e2e-deepsurv"},
      {"model", {{"type", "deepsurv"}, {"hidden_units", {16, 8}}}},
      {"data", cli::LungJobData()},
      {"training",
       {{"rounds", rounds},
        {"local_epochs", local_epochs},
        {"optimizer",
         {{"name", "adam"}, {"learning_rate", 0.01},
          {"weight_decay", 0.001}}}}},
      {"federation",
       {{"min_clients", min_clients},
        {"round_timeout_seconds", 120},
        {"seed", 42}}},
      {"slaves", list},
      {"tls",
       {{"ca", Path("pki/ca.pem")},
        {"cert", Path("pki/master.pem")},
        {"key", Path("pki/master.key")}}},
      {"output_dir", Path("master-out")}};
}

std::unique_ptr<Subprocess> E2eEnv::StartMaster(const nlohmann::json& job) {
  EXPECT_TRUE(WriteFileAtomically(Path("job.json"), job.dump(2)).ok());
  std::error_code ec;
  fs::remove(Path("master.log"), ec);
  auto master = Subprocess::Spawn(
      {Bin("dsfl-master"), "--json", "--job", Path("job.json")},
      Path("master.log"));
  EXPECT_TRUE(master.ok()) << master.status();
  return master.ok() ? *std::move(master) : nullptr;
}

int E2eEnv::RunMaster(const nlohmann::json& job,
                      std::vector<nlohmann::json>* lines,
                      std::string* output) {
  auto master = StartMaster(job);
  if (master == nullptr) return -1;
  int status = master->Wait();
  *output = ReadFile(Path("master.log"));
  for (absl::string_view line : absl::StrSplit(*output, '\n')) {
    if (!line.empty() && line.front() == '{') {
      lines->push_back(nlohmann::json::parse(std::string(line), nullptr, false));
    }
  }
  return status;
}

}  // namespace dsfl::e2e
