#include "tests/e2e/ops_daemons.h"

#include <filesystem>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/model_file.h"
#include "gtest/gtest.h"
#include "httplib.h"

namespace dsfl::e2e {
namespace fs = std::filesystem;
namespace {

constexpr char kToken[] = "ops-e2e-admin-token";

int ReadPort(const std::string& path, Subprocess* process,
             const std::string& log) {
  auto port = WaitForFile(path, absl::Seconds(60), process);
  EXPECT_TRUE(port.ok()) << port.status() << "\n" << E2eEnv::ReadFile(log);
  return port.ok() ? std::stoi(*port) : 0;
}

}  // namespace

MeteredSlave StartMeteredSlave(E2eEnv* env, const std::string& name, int shard,
                               const std::vector<std::string>& extra_args) {
  env->Issue(name);
  fs::create_directories(env->Path(name));
  nlohmann::json config = {
      {"node_id", name},
      {"listen", "127.0.0.1:0"},
      {"port_file", env->Path(name + "/port")},
      {"tls",
       {{"ca", env->Path("pki/ca.pem")},
        {"cert", env->Path("pki/" + name + ".pem")},
        {"key", env->Path("pki/" + name + ".key")}}},
      {"data_source",
       {{"type", "csv"},
        {"path", env->Path(absl::StrCat("shard-", shard, ".csv"))}}},
      {"limits", {{"min_rows", 10}}},
      {"metrics_listen", "127.0.0.1:0"},
      {"metrics_port_file", env->Path(name + "/metrics.port")}};
  const std::string config_path = env->Path(name + "/slave.json");
  EXPECT_TRUE(WriteFileAtomically(config_path, config.dump(2)).ok());
  std::vector<std::string> argv = {env->Bin("dsfl-slave"), "--config",
                                   config_path};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  const std::string log = env->Path(name + "/slave.log");
  auto process = Subprocess::Spawn(argv, log);
  EXPECT_TRUE(process.ok()) << process.status();
  MeteredSlave slave;
  slave.name = name;
  if (!process.ok()) return slave;
  slave.process = *std::move(process);
  slave.port = ReadPort(env->Path(name + "/port"), slave.process.get(), log);
  slave.metrics_port =
      ReadPort(env->Path(name + "/metrics.port"), slave.process.get(), log);
  return slave;
}

nlohmann::json Registry(const std::vector<MeteredSlave>& slaves) {
  nlohmann::json list = nlohmann::json::array();
  for (const MeteredSlave& s : slaves) {
    list.push_back({{"id", s.name},
                    {"endpoint", absl::StrCat("127.0.0.1:", s.port)},
                    {"tls_name", s.name}});
  }
  return list;
}

std::string ScrapeMetrics(int port) {
  httplib::Client client("127.0.0.1", port);
  auto response = client.Get("/metrics");
  return response && response->status == 200 ? response->body : "";
}

double MetricValue(const std::string& page, const std::string& series) {
  std::istringstream in(page);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(series + " ", 0) != 0) continue;
    double value = 0;
    if (absl::SimpleAtod(line.substr(series.size() + 1), &value)) {
      return value;
    }
  }
  return -1;
}

MasterDaemonProcess::MasterDaemonProcess(E2eEnv* env, const std::string& name,
                                         const nlohmann::json& tls,
                                         const nlohmann::json& registry,
                                         const nlohmann::json& extra)
    : env_(env), dir_(env->Path(name)) {
  fs::create_directories(dir_);
  EXPECT_TRUE(
      WriteFileAtomically(dir_ + "/token", std::string(kToken) + "\n", 0600)
          .ok());
  nlohmann::json config = {{"state_dir", dir_ + "/state"},
                           {"admin",
                            {{"listen", "127.0.0.1:0"},
                             {"port_file", dir_ + "/admin.port"},
                             {"token_file", dir_ + "/token"},
                             {"cert", env->Path("pki/master.pem")},
                             {"key", env->Path("pki/master.key")}}},
                           {"tls", tls},
                           {"slaves", registry},
                           {"metrics_listen", "127.0.0.1:0"},
                           {"metrics_port_file", dir_ + "/metrics.port"}};
  config.merge_patch(extra);
  EXPECT_TRUE(WriteFileAtomically(dir_ + "/master.json", config.dump(2)).ok());
}

void MasterDaemonProcess::Start(const std::vector<std::string>& extra_args) {
  for (const char* file : {"/admin.port", "/metrics.port"}) {
    fs::remove(dir_ + file);
  }
  std::vector<std::string> argv = {env_->Bin("dsfl-master"), "--config",
                                   dir_ + "/master.json"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  auto process = Subprocess::Spawn(argv, dir_ + "/master.log");
  ASSERT_TRUE(process.ok()) << process.status();
  process_ = *std::move(process);
  admin_port_ =
      ReadPort(dir_ + "/admin.port", process_.get(), dir_ + "/master.log");
  metrics_port_ =
      ReadPort(dir_ + "/metrics.port", process_.get(), dir_ + "/master.log");
}

std::string MasterDaemonProcess::Log() const {
  return E2eEnv::ReadFile(dir_ + "/master.log");
}

namespace {

std::unique_ptr<httplib::SSLClient> AdminClient(E2eEnv* env, int port) {
  auto client = std::make_unique<httplib::SSLClient>("127.0.0.1", port);
  client->set_ca_cert_path(env->Path("pki/ca.pem").c_str());
  client->enable_server_certificate_verification(true);
  client->set_bearer_token_auth(kToken);
  client->set_read_timeout(30, 0);
  return client;
}

}  // namespace

std::string MasterDaemonProcess::Submit(const nlohmann::json& spec) {
  auto response = AdminClient(env_, admin_port_)
                      ->Post("/v1/jobs", spec.dump(), "application/json");
  EXPECT_TRUE(response) << "admin API unreachable";
  if (!response) return "";
  EXPECT_EQ(response->status, 201) << response->body;
  auto body = nlohmann::json::parse(response->body, nullptr, false);
  return body.is_object() && body.contains("id") ? body["id"].get<std::string>()
                                                 : "";
}

nlohmann::json MasterDaemonProcess::Status(const std::string& id) {
  auto response = AdminClient(env_, admin_port_)->Get("/v1/jobs/" + id);
  EXPECT_TRUE(response && response->status == 200);
  return response ? nlohmann::json::parse(response->body, nullptr, false)
                  : nlohmann::json();
}

std::string MasterDaemonProcess::Model(const std::string& id,
                                       std::string* digest_header) {
  auto response =
      AdminClient(env_, admin_port_)->Get("/v1/jobs/" + id + "/model");
  EXPECT_TRUE(response && response->status == 200);
  if (!response) return "";
  *digest_header = response->get_header_value("X-Model-Digest");
  return response->body;
}

int MasterDaemonProcess::Watch(const std::string& id, std::string* output) {
  const std::string log = absl::StrCat(dir_, "/watch-", id, ".log");
  auto cli = Subprocess::Spawn(
      {env_->Bin("dsfl"), "job", "watch", id, "--master",
       absl::StrCat("https://127.0.0.1:", admin_port_), "--token-file",
       dir_ + "/token", "--ca", env_->Path("pki/ca.pem")},
      log);
  EXPECT_TRUE(cli.ok()) << cli.status();
  if (!cli.ok()) return -1;
  const int status = (*cli)->Wait();
  *output = E2eEnv::ReadFile(log);
  return status;
}

std::vector<nlohmann::json> MasterDaemonProcess::AuditRecords() const {
  std::vector<nlohmann::json> records;
  for (absl::string_view line :
       absl::StrSplit(E2eEnv::ReadFile(dir_ + "/state/audit.jsonl"), '\n',
                      absl::SkipEmpty())) {
    records.push_back(nlohmann::json::parse(std::string(line), nullptr, false));
  }
  return records;
}

}  // namespace dsfl::e2e
