#include "cli/demo.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/demo_admission.h"
#include "cli/demo_analyses.h"
#include "cli/demo_data.h"
#include "cli/demo_dataspace.h"
#include "cli/demo_master.h"
#include "cli/demo_pki.h"
#include "common/config_reader.h"
#include "common/model_file.h"
#include "common/sha256.h"
#include "common/subprocess.h"
#include "master/core/job_spec.h"
#include "nlohmann/json.hpp"
#include "slave/training/model_definition.h"

namespace dsfl::cli {
namespace fs = std::filesystem;
namespace {

constexpr const char* kHospitals[] = {"hospital-a", "hospital-b", "hospital-c"};
constexpr const char* kHospitalNames[] = {"Hospital A", "Hospital B",
                                          "Hospital C"};
constexpr int kMinCohort = 20;

StatusOr<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string Bin(const std::string& name) {
  return (fs::path(ExecutableDir()) / name).string();
}

// A secret for this run (the connectors' API key, the proxy's token).
std::string RunSecret(const char* purpose) {
  return Sha256::HexOf(
      absl::StrCat("dsfl-demo-", purpose, absl::ToUnixNanos(absl::Now())));
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

// Step 1: dsfl-devspace on a free port; its manifest names every DID.
StatusOr<DemoDataspace> StartDataspace(const fs::path& work, DemoPki& pki,
                                       ProcessGroup& processes) {
  const fs::path dir = work / "devspace";
  const std::string api_key = RunSecret("api-key").substr(0, 32);
  std::vector<std::string> hospitals(std::begin(kHospitals),
                                     std::end(kHospitals));
  const fs::path participants = dir / "participants.json";
  DSFL_RETURN_IF_ERROR(WriteFileAtomically(
      participants.string(),
      DemoParticipantsFile(hospitals, api_key, work.string()).dump(2) + "\n",
      0600));
  DSFL_RETURN_IF_ERROR(pki.Issue("localhost", {}, /*server_only=*/true));
  std::error_code ec;
  for (const char* file : {"port", "manifest.json"}) fs::remove(dir / file, ec);
  DSFL_ASSIGN_OR_RETURN(
      auto devspace,
      Subprocess::Spawn(
          {Bin("dsfl-devspace"), "--participants", participants.string(),
           "--cert", pki.cert_file("localhost"), "--key",
           pki.key_file("localhost"), "--bind", "127.0.0.1", "--port", "0",
           "--host", "localhost", "--port-file", (dir / "port").string(),
           "--manifest", (dir / "manifest.json").string()},
          (dir / "devspace.log").string()));
  Subprocess* running = processes.Add(std::move(devspace));
  // The manifest is written before the port file.
  DSFL_RETURN_IF_ERROR(
      WaitForFile((dir / "port").string(), absl::Seconds(30), running)
          .status());
  DSFL_ASSIGN_OR_RETURN(nlohmann::json manifest,
                        ReadJsonFile((dir / "manifest.json").string()));
  DSFL_ASSIGN_OR_RETURN(DemoDataspace space,
                        ReadDemoManifest(manifest, api_key, pki.ca_file()));
  std::printf("  dsfl-devspace on %s  (log %s)\n", space.base_url.c_str(),
              (dir / "devspace.log").c_str());
  std::printf("  %-10s %s\n", "issuer", space.issuer_did.c_str());
  for (const char* name :
       {"master", "hospital-a", "hospital-b", "hospital-c"}) {
    if (space.participants.count(name) == 0) {
      return absl::DataLossError(
          absl::StrCat("devspace manifest: no participant '", name, "'"));
    }
    const DemoParticipant& p = space.at(name);
    std::printf("  %-10s %s\n  %-10s credentials %s\n", name, p.did.c_str(), "",
                absl::StrJoin(p.credentials, ", ").c_str());
  }
  std::printf("  manifest %s\n", (dir / "manifest.json").c_str());
  return space;
}

// The identity of a job's model as the master sends it in Authorize and
// the slave recomputes (training::ModelDefinitionSha256 of the spec's
// model, parsed as dsfl-master parses it).
StatusOr<std::string> ModelSha256Of(const nlohmann::json& job,
                                    const fs::path& work) {
  DSFL_ASSIGN_OR_RETURN(master::JobSpec spec,
                        master::ParseJobSpec(job, work.string()));
  return master::AdmissionSha256(spec);
}

nlohmann::json DeepSurvJob(const fs::path& work, const DemoPki& pki,
                           const DemoDataspace& space, int rounds) {
  return {{"job_id", "lung-deepsurv"},
          {"model",
           {{"type", "deepsurv"}, {"hidden_units", {16, 8}}, {"dropout", 0.0}}},
          {"data", LungJobData()},
          {"training",
           {{"rounds", rounds},
            {"local_epochs", 5},
            {"batch_size", 0},
            {"optimizer",
             {{"name", "adam"},
              {"learning_rate", 0.01},
              {"weight_decay", 0.001}}}}},
          {"federation",
           {{"min_clients", 2}, {"round_timeout_seconds", 120}, {"seed", 42}}},
          {"dataspace", JobDataspaceSection(space)},
          {"tls",
           {{"ca", pki.ca_file()},
            {"cert", pki.cert_file("master")},
            {"key", pki.key_file("master")}}},
          {"output_dir", (work / "master").string()}};
}

// Step 4: the data proxy and the slaves; each hospital publishes its slave
// in its connector once it listens.
Status StartHospitals(const fs::path& work, const DemoPki& pki,
                      const DemoDataspace& space,
                      const std::vector<std::string>& allowed_models,
                      ProcessGroup& processes) {
  const fs::path data = work / "data";
  const fs::path proxy_dir = work / "dataproxy";
  std::error_code ec;
  DSFL_RETURN_IF_ERROR(WriteFileAtomically((proxy_dir / "token").string(),
                                           RunSecret("token") + "\n", 0600));
  fs::remove(proxy_dir / "port", ec);
  DSFL_ASSIGN_OR_RETURN(
      auto proxy_process,
      Subprocess::Spawn(
          {Bin("dsfl-dataproxy"), "--csv", (data / "hospital-c.csv").string(),
           "--cert", pki.cert_file("dataproxy"), "--key",
           pki.key_file("dataproxy"), "--token-file",
           (proxy_dir / "token").string(), "--bind", "127.0.0.1", "--port", "0",
           "--port-file", (proxy_dir / "port").string()},
          (proxy_dir / "dataproxy.log").string()));
  Subprocess* proxy = processes.Add(std::move(proxy_process));
  DSFL_ASSIGN_OR_RETURN(
      std::string proxy_port,
      WaitForFile((proxy_dir / "port").string(), absl::Seconds(30), proxy));
  std::printf("  data proxy for hospital-c on https://127.0.0.1:%s\n",
              proxy_port.c_str());

  for (size_t i = 0; i < 3; ++i) {
    const std::string name = kHospitals[i];
    const fs::path dir = work / name;
    fs::remove(dir / "port", ec);
    nlohmann::json source =
        i < 2 ? nlohmann::json{{"type", "csv"},
                               {"path", (data / (name + ".csv")).string()}}
              : nlohmann::json{
                    {"type", "http"},
                    {"base_url", absl::StrCat("https://127.0.0.1:", proxy_port,
                                              "/v1/dataset")},
                    {"token_file", (proxy_dir / "token").string()},
                    {"ca_file", pki.ca_file()},
                    {"format", "json"},
                    {"page_size", 50}};
    nlohmann::json config = {
        {"node_id", name},
        {"display_name", kHospitalNames[i]},
        {"listen", "127.0.0.1:0"},
        {"port_file", (dir / "port").string()},
        {"tls",
         {{"ca", pki.ca_file()},
          {"cert", pki.cert_file(name)},
          {"key", pki.key_file(name)}}},
        {"data_source", source},
        {"dataspace",
         SlaveDataspaceSection(space, name, allowed_models, kMinCohort)},
        {"audit",
         {{"log", (dir / "audit.jsonl").string()},
          {"key", (dir / "audit-key.pem").string()}}},
        {"limits", {{"min_rows", 10}}},
        {"training", {{"worker_threads", 1}, {"torch_threads", 1}}}};
    // 0600: it holds the connector's API key.
    DSFL_RETURN_IF_ERROR(WriteFileAtomically((dir / "slave.json").string(),
                                             config.dump(2) + "\n", 0600));
    DSFL_ASSIGN_OR_RETURN(auto slave,
                          Subprocess::Spawn({Bin("dsfl-slave"), "--config",
                                             (dir / "slave.json").string()},
                                            (dir / "slave.log").string()));
    Subprocess* running = processes.Add(std::move(slave));
    DSFL_ASSIGN_OR_RETURN(
        std::string port,
        WaitForFile((dir / "port").string(), absl::Seconds(60), running));
    const std::string endpoint = absl::StrCat("127.0.0.1:", port);
    std::printf("  %s on %s  (log %s)\n", name.c_str(), endpoint.c_str(),
                (dir / "slave.log").c_str());
    const nlohmann::json asset = SlaveAsset(name, endpoint, name);
    DSFL_RETURN_IF_ERROR(WriteFileAtomically((dir / "asset.json").string(),
                                             asset.dump(2) + "\n"));
    DSFL_ASSIGN_OR_RETURN(std::string reply, PublishSlave(space, name, asset));
    std::printf(
        "    published in its connector: POST %s/v3/assets (X-Api-Key)\n"
        "      %s -> slaveEndpoint %s, tlsServerName %s: %s\n",
        space.at(name).management_url.c_str(), DemoDatasetId(name).c_str(),
        endpoint.c_str(), name.c_str(), reply.c_str());
  }
  return absl::OkStatus();
}

// Every audit log the demo's nodes and jobs wrote, with its public key.
void PrintAuditLogs(const fs::path& work) {
  std::set<fs::path> logs;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(work, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->path().filename() == "audit.jsonl") logs.insert(it->path());
  }
  std::printf("\nsigned audit logs and each node's public key:\n");
  for (const fs::path& log : logs) {
    const std::string owner =
        fs::relative(log.parent_path(), work, ec).string();
    std::printf("  %-22s %s  key %s\n", owner.c_str(), log.c_str(),
                (log.parent_path() / "audit.pub.pem").c_str());
  }
  std::printf("verify one: %s audit verify %s --key %s\n", Bin("dsfl").c_str(),
              (work / "master" / "audit.jsonl").c_str(),
              (work / "master" / "audit.pub.pem").c_str());
  std::printf("the whole story: %s audit show %s/*/audit.jsonl\n",
              Bin("dsfl").c_str(), work.c_str());
}

}  // namespace

std::string DefaultLungCsv() {
  fs::path installed =
      fs::path(ExecutableDir()) / ".." / "share" / "dsfl" / "lung" / "lung.csv";
  if (fs::exists(installed)) return installed.lexically_normal().string();
  return std::string(DSFL_SOURCE_DIR) + "/data/lung/lung.csv";
}

Status RunDemo(const DemoOptions& options) {
  const fs::path work = fs::absolute(options.workdir);
  std::error_code ec;
  for (const char* dir : {"pki", "data", "dataproxy", "devspace", "master",
                          "hospital-a", "hospital-b", "hospital-c"}) {
    fs::create_directories(work / dir, ec);
  }
  std::printf("dsfl demo: work directory %s\n", work.c_str());
  ProcessGroup processes;

  std::printf(
      "\n[1/7] dev CA and the dev dataspace (EDC connectors, did:web, "
      "credentials)\n");
  DSFL_ASSIGN_OR_RETURN(DemoPki pki, DemoPki::Create((work / "pki").string()));
  DSFL_ASSIGN_OR_RETURN(DemoDataspace space,
                        StartDataspace(work, pki, processes));

  std::printf(
      "\n[2/7] mutual-TLS certificates naming each participant's "
      "DID\n");
  DSFL_RETURN_IF_ERROR(pki.Issue("dataproxy", {}));
  for (const char* name :
       {"master", "hospital-a", "hospital-b", "hospital-c"}) {
    DSFL_RETURN_IF_ERROR(pki.Issue(name, {space.at(name).did}));
    std::printf("  pki/%s.pem  URI SAN %s\n", name, space.at(name).did.c_str());
  }

  std::printf("\n[3/7] lung data split by institution into 3 hospitals\n");
  const std::string lung =
      options.data_path.empty() ? DefaultLungCsv() : options.data_path;
  DSFL_ASSIGN_OR_RETURN(std::string csv, ReadAll(lung));
  DSFL_ASSIGN_OR_RETURN(std::vector<HospitalShard> shards,
                        SplitByInstitution(csv, 3));
  for (size_t i = 0; i < 3; ++i) {
    fs::path file = work / "data" / (std::string(kHospitals[i]) + ".csv");
    DSFL_RETURN_IF_ERROR(WriteFileAtomically(file.string(), shards[i].csv));
    std::printf("  %s: %3zu patients (institutions %s)%s\n", kHospitals[i],
                shards[i].rows,
                absl::StrJoin(shards[i].institutions, ",").c_str(),
                i == 2 ? "  -> served by an HTTPS data proxy" : "");
  }

  // Each hospital pins what it agrees to run: the DeepSurv model, and the
  // identity the exact analyses present (no model of their own).
  const nlohmann::json job = DeepSurvJob(work, pki, space, options.rounds);
  const std::vector<DemoJob> analysis_jobs =
      DemoAnalysisJobs(work.string(), job, options.rounds);
  DSFL_ASSIGN_OR_RETURN(std::string deepsurv_sha256, ModelSha256Of(job, work));
  std::vector<std::string> allowed_models = {deepsurv_sha256};
  for (const DemoJob& analysis : analysis_jobs) {
    DSFL_ASSIGN_OR_RETURN(std::string sha256,
                          ModelSha256Of(analysis.spec, work));
    if (std::find(allowed_models.begin(), allowed_models.end(), sha256) ==
        allowed_models.end()) {
      allowed_models.push_back(sha256);
    }
  }
  std::printf(
      "\n[4/7] starting the data proxy and 3 slaves (mutual TLS 1.3); "
      "each admits only\n      masters holding a %s, cohorts >= %d "
      "and these models:\n      %s  DeepSurv 16-8 (job.json)\n",
      kModelCreatorCredential, kMinCohort, deepsurv_sha256.c_str());
  for (size_t i = 1; i < allowed_models.size(); ++i) {
    std::printf("      %s  an exact analysis (dsfl.analysis.v1, master::AdmissionSha256)\n",
                allowed_models[i].c_str());
  }
  DSFL_RETURN_IF_ERROR(
      StartHospitals(work, pki, space, allowed_models, processes));

  std::printf(
      "\n[5/7] DeepSurv job: the master discovers, negotiates with and "
      "verifies each\n      hospital, binds its TLS key to its DID and "
      "asks it to Authorize; then FedAvg\n");
  const fs::path job_path = work / "job.json";
  std::printf("  job spec %s (no endpoint list: \"dataspace\")\n\n",
              job_path.c_str());
  const DemoJobRunner run_job =
      [&space, &work](const std::string& path,
                      const nlohmann::json& spec) -> StatusOr<int> {
    DSFL_RETURN_IF_ERROR(WriteFileAtomically(path, spec.dump(2) + "\n", 0600));
    const std::string log =
        (fs::path(spec.at("output_dir").get<std::string>()) / "audit.jsonl")
            .string();
    const std::string job_id = spec.at("job_id").get<std::string>();
    std::map<std::string, std::string> hospital_logs;
    for (const char* name : kHospitals) {
      hospital_logs[name] = (work / name / "audit.jsonl").string();
    }
    // In full for the first job; a count for the analyses.
    const bool detailed = job_id == "lung-deepsurv";
    return RunMasterJob(Bin("dsfl-master"), path, [&] {
      PrintAdmissionSummary(log, job_id, space, hospital_logs, detailed);
    });
  };
  DSFL_ASSIGN_OR_RETURN(int master_status, run_job(job_path.string(), job));
  Status analyses = absl::OkStatus();
  if (master_status == 0) {
    std::printf(
        "\n[6/7] exact federated Cox on the same hospitals (same "
        "training split), C-index of both models\n\n");
    analyses =
        RunDemoAnalyses(work.string(), analysis_jobs, options.rounds, run_job);
  }

  std::printf(
      "\n[7/7] stopping the slaves, the data proxy and the dev "
      "dataspace\n");
  std::printf("\nwork directory %s:\n", work.c_str());
  std::printf(
      "  pki/                 dev CA and certificates (DIDs as URI "
      "SANs)\n");
  std::printf(
      "  devspace/            participants.json, manifest.json (DIDs, "
      "URLs, keys), log\n");
  std::printf("  data/                the hospitals' shards\n");
  std::printf(
      "  hospital-*/          slave.json, asset.json (as published), "
      "DID key, logs\n");
  std::printf("  dataproxy/           hospital-c's data proxy log and token\n");
  std::printf(
      "  job.json             the job spec (\"dataspace\", no slave "
      "list)\n");
  std::printf(
      "  master/model.dsflm   the final model; metrics.json, "
      "checkpoints/, DID key\n");
  std::printf(
      "  cox/analysis.json    the exact Cox fit (coefficients, tests, "
      "C-index)\n");
  PrintAuditLogs(work);
  if (master_status != 0) {
    return absl::InternalError(
        absl::StrCat("dsfl-master exited with status ", master_status));
  }
  DSFL_RETURN_IF_ERROR(analyses);
  return absl::OkStatus();
}

}  // namespace dsfl::cli
