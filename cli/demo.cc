#include "cli/demo.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/demo_data.h"
#include "common/model_file.h"
#include "common/sha256.h"
#include "common/subprocess.h"
#include "common/tls/dev_ca.h"
#include "nlohmann/json.hpp"

namespace dsfl::cli {
namespace fs = std::filesystem;
namespace {

constexpr const char* kHospitals[] = {"hospital-a", "hospital-b", "hospital-c"};
constexpr const char* kHospitalNames[] = {"Hospital A", "Hospital B",
                                          "Hospital C"};

StatusOr<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Status WriteKeyPair(const fs::path& dir, const std::string& name,
                    const tls::PemKeyCert& pair) {
  DSFL_RETURN_IF_ERROR(WriteFileAtomically((dir / (name + ".pem")).string(),
                                           pair.certificate_pem));
  return WriteFileAtomically((dir / (name + ".key")).string(),
                             pair.private_key_pem, 0600);
}

Status MakePki(const fs::path& pki) {
  DSFL_ASSIGN_OR_RETURN(auto ca,
                        tls::DevCertificateAuthority::Create("dsfl demo CA"));
  DSFL_RETURN_IF_ERROR(
      WriteFileAtomically((pki / "ca.pem").string(), ca.certificate_pem()));
  DSFL_RETURN_IF_ERROR(WriteFileAtomically((pki / "ca.key").string(),
                                           ca.private_key_pem(), 0600));
  std::vector<std::string> names = {"master", "dataproxy"};
  for (const char* h : kHospitals) names.push_back(h);
  for (const std::string& name : names) {
    tls::CertificateRequest request;
    request.common_name = name;
    request.dns_names = {name, "localhost"};
    request.ip_addresses = {"127.0.0.1"};
    DSFL_ASSIGN_OR_RETURN(tls::PemKeyCert pair, ca.Issue(request));
    DSFL_RETURN_IF_ERROR(WriteKeyPair(pki, name, pair));
  }
  return absl::OkStatus();
}

std::string Bin(const std::string& name) {
  return (fs::path(ExecutableDir()) / name).string();
}

// Stops the demo's processes in reverse order, whatever happens.
class ProcessGroup {
 public:
  ~ProcessGroup() {
    for (auto it = processes_.rbegin(); it != processes_.rend(); ++it) {
      (*it)->Stop(absl::Seconds(5));
    }
  }
  Subprocess* Add(std::unique_ptr<Subprocess> process) {
    processes_.push_back(std::move(process));
    return processes_.back().get();
  }

 private:
  std::vector<std::unique_ptr<Subprocess>> processes_;
};

// Runs dsfl-master on `job` (written to `path`), its output on stdout.
StatusOr<int> RunMasterJob(const fs::path& path, const nlohmann::json& job) {
  DSFL_RETURN_IF_ERROR(WriteFileAtomically(path.string(), job.dump(2) + "\n"));
  std::fflush(stdout);
  DSFL_ASSIGN_OR_RETURN(
      auto master,
      Subprocess::Spawn({Bin("dsfl-master"), "--job", path.string()}));
  return master->Wait();
}

StatusOr<nlohmann::json> ReadJson(const fs::path& path) {
  DSFL_ASSIGN_OR_RETURN(std::string text, ReadAll(path.string()));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) {
    return absl::DataLossError(absl::StrCat(path.string(), " is not JSON"));
  }
  return j;
}

// Step 5: exact survival analyses on the same slaves. An exact federated
// Cox model fitted on the DeepSurv job's training rows (same split), and
// the C-index of both models on the same held-out patients, pooled across
// hospitals (docs/survival.md).
Status RunExactCox(const fs::path& work, const nlohmann::json& deepsurv_job,
                   int rounds) {
  const nlohmann::json& data = deepsurv_job.at("data");
  nlohmann::json cox = {{"job_id", "lung-cox"},
                        {"analysis",
                         {{"type", "cox"},
                          {"time", data.at("time")},
                          {"event", data.at("event")},
                          {"covariates", data.at("features")},
                          {"ties", "efron"},
                          {"design", "pooled"},
                          {"rows", "training"},
                          {"held_out_fraction", data.at("held_out_fraction")},
                          {"split_seed", data.at("split_seed")}}},
                        {"slaves", deepsurv_job.at("slaves")},
                        {"tls", deepsurv_job.at("tls")},
                        {"output_dir", (work / "cox").string()}};
  DSFL_ASSIGN_OR_RETURN(int status, RunMasterJob(work / "cox-job.json", cox));
  if (status != 0) {
    return absl::InternalError(
        absl::StrCat("dsfl-master (exact Cox) exited with status ", status));
  }
  const fs::path checkpoint = work / "master" / "checkpoints" /
                              absl::StrFormat("round-%05d.dsflm", rounds);
  nlohmann::json deepsurv_c = {
      {"job_id", "lung-deepsurv-concordance"},
      {"analysis",
       {{"type", "concordance"},
        {"model_file", checkpoint.string()},
        {"time", data.at("time")},
        {"event", data.at("event")},
        {"covariates", data.at("features")},
        {"rows", "held_out"},
        {"held_out_fraction", data.at("held_out_fraction")},
        {"split_seed", data.at("split_seed")}}},
      {"slaves", deepsurv_job.at("slaves")},
      {"tls", deepsurv_job.at("tls")},
      {"output_dir", (work / "deepsurv-concordance").string()}};
  std::printf("\n");
  DSFL_ASSIGN_OR_RETURN(
      status, RunMasterJob(work / "deepsurv-concordance-job.json", deepsurv_c));
  if (status != 0) {
    return absl::InternalError(absl::StrCat(
        "dsfl-master (DeepSurv concordance) exited with status ", status));
  }
  DSFL_ASSIGN_OR_RETURN(nlohmann::json cox_report,
                        ReadJson(work / "cox" / "analysis.json"));
  DSFL_ASSIGN_OR_RETURN(
      nlohmann::json deepsurv_report,
      ReadJson(work / "deepsurv-concordance" / "analysis.json"));
  DSFL_ASSIGN_OR_RETURN(nlohmann::json metrics,
                        ReadJson(work / "master" / "metrics.json"));
  double fedavg_c = NAN;
  for (const auto& round : metrics.value("rounds", nlohmann::json::array())) {
    if (round.contains("evaluation") &&
        round["evaluation"].contains("c_index")) {
      fedavg_c = round["evaluation"]["c_index"].get<double>();
    }
  }
  const nlohmann::json& held = cox_report.at("held_out_concordance");
  const nlohmann::json& ds = deepsurv_report.at("concordance");
  auto c = [](const nlohmann::json& j, const char* a, const char* b) {
    return j.at(a).at(b).at("concordance").get<double>();
  };
  std::printf(
      "\n  Harrell's C on the same %d held-out patients (%d deaths):\n"
      "  %-34s %10s %16s\n"
      "  %-34s %10.4f %16.4f   (FedAvg metric: %.4f)\n"
      "  %-34s %10.4f %16.4f\n",
      held.at("n").get<int>(), held.at("events").get<int>(), "model", "pooled",
      "within hospitals",
      absl::StrCat("DeepSurv, FedAvg ", rounds, " rounds").c_str(),
      ds.at("harrell").at("concordance").get<double>(),
      c(ds, "within_sites", "harrell"), fedavg_c,
      "exact Cox (Efron, pooled design)",
      held.at("harrell").at("concordance").get<double>(),
      c(held, "within_sites", "harrell"));
  return absl::OkStatus();
}

}  // namespace

std::string DefaultLungCsv() {
  fs::path installed = fs::path(ExecutableDir()) / ".." / "share" / "dsfl" /
                       "lung" / "lung.csv";
  if (fs::exists(installed)) return installed.lexically_normal().string();
  return std::string(DSFL_SOURCE_DIR) + "/data/lung/lung.csv";
}

Status RunDemo(const DemoOptions& options) {
  const fs::path work = fs::absolute(options.workdir);
  const fs::path pki = work / "pki";
  const fs::path data = work / "data";
  std::error_code ec;
  for (const fs::path& dir : {pki, data, work / "dataproxy"}) {
    fs::create_directories(dir, ec);
  }
  std::printf("dsfl demo: work directory %s\n", work.c_str());

  std::printf("\n[1/6] dev certificate authority and mutual-TLS certificates\n");
  DSFL_RETURN_IF_ERROR(MakePki(pki));
  std::printf("  %s/{ca,master,dataproxy,hospital-a,hospital-b,hospital-c}.pem\n",
              pki.c_str());

  std::printf("\n[2/6] lung data split by institution into 3 hospitals\n");
  const std::string lung =
      options.data_path.empty() ? DefaultLungCsv() : options.data_path;
  DSFL_ASSIGN_OR_RETURN(std::string csv, ReadAll(lung));
  DSFL_ASSIGN_OR_RETURN(std::vector<HospitalShard> shards,
                        SplitByInstitution(csv, 3));
  for (size_t i = 0; i < 3; ++i) {
    fs::path file = data / (std::string(kHospitals[i]) + ".csv");
    DSFL_RETURN_IF_ERROR(WriteFileAtomically(file.string(), shards[i].csv));
    std::string institutions;
    for (const std::string& code : shards[i].institutions) {
      absl::StrAppend(&institutions, institutions.empty() ? "" : ",", code);
    }
    std::printf("  %s: %3zu patients (institutions %s)%s\n", kHospitals[i],
                shards[i].rows, institutions.c_str(),
                i == 2 ? "  -> served by an HTTPS data proxy" : "");
  }

  std::printf("\n[3/6] starting the data proxy and 3 slaves (mutual TLS 1.3)\n");
  ProcessGroup processes;
  const fs::path proxy_dir = work / "dataproxy";
  const std::string token = Sha256::HexOf(absl::StrCat(
      "dsfl-demo-token", absl::ToUnixNanos(absl::Now())));
  DSFL_RETURN_IF_ERROR(WriteFileAtomically(
      (proxy_dir / "token").string(), token + "\n", 0600));
  fs::remove(proxy_dir / "port", ec);
  DSFL_ASSIGN_OR_RETURN(
      auto proxy_process,
      Subprocess::Spawn({Bin("dsfl-dataproxy"), "--csv",
                         (data / "hospital-c.csv").string(), "--cert",
                         (pki / "dataproxy.pem").string(), "--key",
                         (pki / "dataproxy.key").string(), "--token-file",
                         (proxy_dir / "token").string(), "--bind", "127.0.0.1",
                         "--port", "0", "--port-file",
                         (proxy_dir / "port").string()},
                        (proxy_dir / "dataproxy.log").string()));
  Subprocess* proxy = processes.Add(std::move(proxy_process));
  DSFL_ASSIGN_OR_RETURN(
      std::string proxy_port,
      WaitForFile((proxy_dir / "port").string(), absl::Seconds(30), proxy));
  std::printf("  data proxy for hospital-c on https://127.0.0.1:%s\n",
              proxy_port.c_str());

  nlohmann::json slaves = nlohmann::json::array();
  for (size_t i = 0; i < 3; ++i) {
    const std::string name = kHospitals[i];
    const fs::path dir = work / name;
    fs::create_directories(dir, ec);
    fs::remove(dir / "port", ec);
    nlohmann::json source =
        i < 2 ? nlohmann::json{{"type", "csv"},
                               {"path", (data / (name + ".csv")).string()}}
              : nlohmann::json{
                    {"type", "http"},
                    {"base_url", absl::StrCat("https://127.0.0.1:", proxy_port,
                                              "/v1/dataset")},
                    {"token_file", (proxy_dir / "token").string()},
                    {"ca_file", (pki / "ca.pem").string()},
                    {"format", "json"},
                    {"page_size", 50}};
    nlohmann::json config = {
        {"node_id", name},
        {"display_name", kHospitalNames[i]},
        {"listen", "127.0.0.1:0"},
        {"port_file", (dir / "port").string()},
        {"tls",
         {{"ca", (pki / "ca.pem").string()},
          {"cert", (pki / (name + ".pem")).string()},
          {"key", (pki / (name + ".key")).string()}}},
        {"data_source", source},
        {"audit",
         {{"log", (dir / "audit.jsonl").string()},
          {"key", (dir / "audit-key.pem").string()}}},
        {"limits", {{"min_rows", 10}}},
        {"training", {{"worker_threads", 1}, {"torch_threads", 1}}}};
    DSFL_RETURN_IF_ERROR(WriteFileAtomically((dir / "slave.json").string(),
                                             config.dump(2) + "\n"));
    DSFL_ASSIGN_OR_RETURN(
        auto slave,
        Subprocess::Spawn({Bin("dsfl-slave"), "--config",
                           (dir / "slave.json").string()},
                          (dir / "slave.log").string()));
    Subprocess* running = processes.Add(std::move(slave));
    DSFL_ASSIGN_OR_RETURN(
        std::string port,
        WaitForFile((dir / "port").string(), absl::Seconds(60), running));
    std::printf("  %s on 127.0.0.1:%s  (log %s)\n", name.c_str(),
                port.c_str(), (dir / "slave.log").c_str());
    slaves.push_back({{"id", name},
                      {"endpoint", absl::StrCat("127.0.0.1:", port)},
                      {"tls_name", name}});
  }

  std::printf("\n[4/6] DeepSurv job: FedAvg over the 3 hospitals\n");
  nlohmann::json job = {
      {"job_id", "lung-deepsurv"},
      {"model", {{"type", "deepsurv"}, {"hidden_units", {16, 8}},
                 {"dropout", 0.0}}},
      {"data",
       {{"features",
         {"age", "sex", "ph.ecog", "ph.karno", "pat.karno", "wt.loss"}},
        {"time", "time"},
        {"event", "event"},
        {"held_out_fraction", 0.25},
        {"split_seed", 2026}}},
      {"training",
       {{"rounds", options.rounds},
        {"local_epochs", 5},
        {"batch_size", 0},
        {"optimizer",
         {{"name", "adam"}, {"learning_rate", 0.01},
          {"weight_decay", 0.001}}}}},
      {"federation",
       {{"min_clients", 2}, {"round_timeout_seconds", 120}, {"seed", 42}}},
      {"slaves", slaves},
      {"tls",
       {{"ca", (pki / "ca.pem").string()},
        {"cert", (pki / "master.pem").string()},
        {"key", (pki / "master.key").string()}}},
      {"output_dir", (work / "master").string()}};
  const fs::path job_path = work / "job.json";
  DSFL_RETURN_IF_ERROR(
      WriteFileAtomically(job_path.string(), job.dump(2) + "\n"));
  std::printf("  job spec %s\n\n", job_path.c_str());
  std::fflush(stdout);
  DSFL_ASSIGN_OR_RETURN(
      auto master, Subprocess::Spawn({Bin("dsfl-master"), "--job",
                                      job_path.string()}));
  const int master_status = master->Wait();
  Status analyses = absl::OkStatus();
  if (master_status == 0) {
    std::printf("\n[5/6] exact federated Cox on the same hospitals (same "
                "training split), C-index of both models\n\n");
    analyses = RunExactCox(work, job, options.rounds);
  }

  std::printf("\n[6/6] stopping the slaves and the data proxy\n");
  std::printf("\nwork directory %s:\n", work.c_str());
  std::printf("  pki/                 dev CA and certificates\n");
  std::printf("  data/                the hospitals' shards\n");
  std::printf("  hospital-*/          slave configs and logs\n");
  std::printf("  dataproxy/           hospital-c's data proxy log and token\n");
  std::printf("  job.json             the job spec\n");
  std::printf("  master/model.dsflm   the final model; metrics.json, "
              "checkpoints/\n");
  std::printf("  cox/analysis.json    the exact Cox fit (coefficients, tests, "
              "C-index)\n");
  std::printf("\nsigned audit logs and each node's public key:\n");
  for (const char* node : {"master", "hospital-a", "hospital-b", "hospital-c"}) {
    std::printf("  %-11s %s  key %s\n", node,
                (work / node / "audit.jsonl").c_str(),
                (work / node / "audit.pub.pem").c_str());
  }
  std::printf("verify one: %s audit verify %s --key %s\n",
              Bin("dsfl").c_str(), (work / "master" / "audit.jsonl").c_str(),
              (work / "master" / "audit.pub.pem").c_str());
  if (master_status != 0) {
    return absl::InternalError(
        absl::StrCat("dsfl-master exited with status ", master_status));
  }
  DSFL_RETURN_IF_ERROR(analyses);
  return absl::OkStatus();
}

}  // namespace dsfl::cli
