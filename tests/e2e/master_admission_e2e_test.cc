// Dataspace admission wired into jobs, end to end with real processes: a
// dsfl-devspace (EDC connectors, did:web, DCP, STS, issuer over HTTPS),
// eight dsfl-slave processes configured with "dataspace" sections, each
// publishing its slave as an EDC asset, and `dsfl job run` processes with a
// "dataspace" job section (no static slave list).
//
//   hospital-a/b/c  admitted (contract, credentials, TLS bound to the DID,
//                   Authorize) and trained
//   hospital-d      its dataset's negotiation is TERMINATED
//   hospital-e      its negotiation stalls (REQUESTED) past the timeout
//   hospital-f      its MembershipCredential is revoked
//   hospital-g      its TLS certificate names another participant's DID
//   hospital-h      refuses Authorize: the model is not in its allowlist
//
// Each refusal carries its own reason in the master's signed audit log, and
// no refused hospital ever receives the model (its own audit log has no
// round.participation for the job; the master-side refusals never even
// reach Authorize). A second job trusting the issuer for another credential
// type only refuses every hospital (untrusted_issuer) and fails listing
// every node's reason. A third, an exact Kaplan-Meier analysis, goes
// through the same admission, and so does a job submitted to the master
// daemon.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/demo_data.h"
#include "common/model_file.h"
#include "common/subprocess.h"
#include "common/tls/dev_ca.h"
#include "connector-adapters/identity/http_fetcher.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "master/core/job_spec.h"
#include "slave/training/model_definition.h"

namespace dsfl::e2e {
namespace {

namespace fs = std::filesystem;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using json = nlohmann::json;

constexpr char kApiKey[] = "e2e-api-key";
constexpr char kProfile[] = "https://w3id.org/dsfl/profiles/lung-survival/v1";
constexpr char kCreator[] = "FederatedModelCreatorCredential";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<json> ReadJsonLines(const std::string& path) {
  std::vector<json> lines;
  for (absl::string_view line : absl::StrSplit(ReadFile(path), '\n')) {
    if (line.empty() || line.front() != '{') continue;
    json parsed = json::parse(std::string(line), nullptr, false);
    if (parsed.is_object()) lines.push_back(std::move(parsed));
  }
  return lines;
}

std::string Bin(const std::string& name) {
  return std::string(std::getenv("DSFL_BINARY_DIR")) + "/bin/" + name;
}

// The model every admitting hospital allows (the job's DeepSurv).
json DeepSurvModel() {
  return {{"type", "deepsurv"}, {"hidden_units", {16, 8}}, {"dropout", 0.0}};
}

std::string HashOf(const json& model) {
  auto definition = master::ParseJobModel({{"model", model}}, "/");
  EXPECT_TRUE(definition.ok()) << definition.status();
  return training::ModelDefinitionSha256(*definition);
}

struct Hospital {
  std::string name;
  int shard = 0;
  std::string negotiation = "agree";
  bool revoked = false;
  std::string certificate_names;  // another participant, or "" = itself
  bool allows_the_model = true;
  // Filled in when started.
  std::string did;
  int port = 0;
};

// The whole federation, started once for the suite.
class Federation {
 public:
  Federation() {
    char pattern[] = "/tmp/dsfl_admission_e2e_XXXXXX";
    dir_ = ::mkdtemp(pattern);
    fs::create_directories(Path("pki"));
    fs::create_directories(Path("keys"));
  }
  ~Federation() {
    slaves_.clear();  // kill and reap
    devspace_.reset();
    // Kept after a failure (or with DSFL_E2E_KEEP set) for its logs.
    if (!::testing::Test::HasFailure() &&
        std::getenv("DSFL_E2E_KEEP") == nullptr) {
      fs::remove_all(dir_);
    } else {
      std::fprintf(stderr, "kept %s\n", dir_.c_str());
    }
  }

  std::string Path(const std::string& relative) const {
    return dir_ + "/" + relative;
  }

  void Start(std::vector<Hospital> hospitals) {
    hospitals_ = std::move(hospitals);
    auto ca = tls::DevCertificateAuthority::Create("admission e2e CA");
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_ = std::make_unique<tls::DevCertificateAuthority>(*std::move(ca));
    ASSERT_TRUE(
        WriteFileAtomically(Path("pki/ca.pem"), ca_->certificate_pem()).ok());
    ASSERT_NO_FATAL_FAILURE(Issue("devspace", "localhost", ""));
    ASSERT_NO_FATAL_FAILURE(StartDevspace());
    ASSERT_NO_FATAL_FAILURE(Issue("master", "master", DidOf("master")));
    auto shards = cli::SplitByInstitution(
        ReadFile(std::string(std::getenv("DSFL_SOURCE_DIR")) +
                 "/data/lung/lung.csv"),
        3);
    ASSERT_TRUE(shards.ok()) << shards.status();
    for (size_t i = 0; i < shards->size(); ++i) {
      ASSERT_TRUE(WriteFileAtomically(Path(absl::StrCat("shard-", i, ".csv")),
                                      (*shards)[i].csv)
                      .ok());
    }
    for (Hospital& h : hospitals_) {
      h.did = DidOf(h.name);
      ASSERT_NO_FATAL_FAILURE(Issue(
          h.name, h.name,
          h.certificate_names.empty() ? h.did : DidOf(h.certificate_names)));
      ASSERT_NO_FATAL_FAILURE(StartSlave(&h));
      ASSERT_NO_FATAL_FAILURE(Publish(h));
    }
  }

  const std::vector<Hospital>& hospitals() const { return hospitals_; }
  const Hospital& hospital(const std::string& name) const {
    for (const Hospital& h : hospitals_) {
      if (h.name == name) return h;
    }
    ADD_FAILURE() << "no hospital " << name;
    return hospitals_.front();
  }
  std::string DidOf(const std::string& name) const {
    for (const json& p : manifest_["participants"]) {
      if (p.value("name", "") == name) return p.value("did", "");
    }
    ADD_FAILURE() << "no participant " << name << " in the manifest";
    return "";
  }
  std::string IssuerDid() const { return manifest_["issuer"]["did"]; }

  // A job's "dataspace" section: the master as participant.
  json DataspaceSection(const std::vector<std::string>& trusted_types) const {
    const json* master = nullptr;
    for (const json& p : manifest_["participants"]) {
      if (p.value("name", "") == "master") master = &p;
    }
    return {
        {"did", (*master)["did"]},
        {"key", (*master)["key_file"]},
        {"key_id", (*master)["key_id"]},
        {"connector",
         {{"management_url", (*master)["management_url"]},
          {"api_key", kApiKey}}},
        {"https_ca", Path("pki/ca.pem")},
        {"trusted_issuers", {{{"did", IssuerDid()}, {"types", trusted_types}}}},
        {"profile", kProfile},
        {"required_credentials", {"MembershipCredential"}},
        {"negotiation_timeout_seconds", 4},
        {"sts_url", absl::StrCat(manifest_["base_url"].get<std::string>(),
                                 "/participants/master/sts/token")},
        {"privacy", {{"dp.noise_multiplier", "0"}}}};
  }

  json TrainingJob(const std::string& job_id,
                   const std::vector<std::string>& trusted_types) const {
    return {{"job_id", job_id},
            {"model", DeepSurvModel()},
            {"data", cli::LungJobData()},
            {"training",
             {{"rounds", 2},
              {"local_epochs", 1},
              {"optimizer", {{"name", "adam"}, {"learning_rate", 0.01}}}}},
            {"federation",
             {{"min_clients", 3}, {"round_timeout_seconds", 120}, {"seed", 7}}},
            {"dataspace", DataspaceSection(trusted_types)},
            {"tls",
             {{"ca", Path("pki/ca.pem")},
              {"cert", Path("pki/master.pem")},
              {"key", Path("pki/master.key")}}},
            {"output_dir", Path("out-" + job_id)}};
  }

  json AnalysisJob(const std::string& job_id) const {
    return {
        {"job_id", job_id},
        {"analysis", {{"type", "km"}, {"time", "time"}, {"event", "event"}}},
        {"federation", {{"min_clients", 3}, {"round_timeout_seconds", 120}}},
        {"dataspace", DataspaceSection({"MembershipCredential"})},
        {"tls",
         {{"ca", Path("pki/ca.pem")},
          {"cert", Path("pki/master.pem")},
          {"key", Path("pki/master.key")}}},
        {"output_dir", Path("out-" + job_id)}};
  }

  // Runs `dsfl job run --json` on `job`; returns its exit status.
  int RunJob(const json& job, std::vector<json>* lines, std::string* output) {
    const std::string id = job["job_id"];
    const std::string path = Path(id + ".json");
    EXPECT_TRUE(WriteFileAtomically(path, job.dump(2)).ok());
    const std::string log = Path(id + ".log");
    auto process =
        Subprocess::Spawn({Bin("dsfl"), "job", "run", path, "--json"}, log);
    EXPECT_TRUE(process.ok()) << process.status();
    if (!process.ok()) return -1;
    const int status = (*process)->Wait();
    *output = ReadFile(log);
    *lines = ReadJsonLines(log);
    return status;
  }

  std::vector<json> SlaveAudit(const std::string& name) const {
    return ReadJsonLines(Path(name + "/audit.jsonl"));
  }
  std::string SlaveLog(const std::string& name) const {
    return ReadFile(Path(name + "/slave.log"));
  }

 private:
  void Issue(const std::string& file, const std::string& name,
             const std::string& did) {
    tls::CertificateRequest request;
    request.common_name = name;
    request.dns_names = {name, "localhost"};
    request.ip_addresses = {"127.0.0.1"};
    if (!did.empty()) request.uris = {did};
    auto pair = ca_->Issue(request);
    ASSERT_TRUE(pair.ok()) << pair.status();
    ASSERT_TRUE(
        WriteFileAtomically(Path("pki/" + file + ".pem"), pair->certificate_pem)
            .ok());
    ASSERT_TRUE(WriteFileAtomically(Path("pki/" + file + ".key"),
                                    pair->private_key_pem, 0600)
                    .ok());
  }

  void StartDevspace() {
    json participants = json::array();
    participants.push_back(
        {{"name", "master"},
         {"key_file", Path("keys/master.key")},
         {"credentials", {"MembershipCredential", kCreator}}});
    for (const Hospital& h : hospitals_) {
      json p = {{"name", h.name},
                {"key_file", Path("keys/" + h.name + ".key")},
                {"credentials", {"MembershipCredential"}},
                {"datasets",
                 {{{"id", "lung-" + h.name},
                   {"required_credential", kCreator},
                   {"negotiation", h.negotiation}}}}};
      if (h.revoked) p["revoked"] = {"MembershipCredential"};
      participants.push_back(p);
    }
    json config = {
        {"api_key", kApiKey},
        {"negotiation_step_ms", 20},
        {"issuer", {{"name", "issuer"}, {"key_file", Path("keys/issuer.key")}}},
        {"participants", participants}};
    ASSERT_TRUE(
        WriteFileAtomically(Path("participants.json"), config.dump(2)).ok());
    auto process = Subprocess::Spawn(
        {Bin("dsfl-devspace"), "--participants", Path("participants.json"),
         "--cert", Path("pki/devspace.pem"), "--key", Path("pki/devspace.key"),
         "--port", "0", "--port-file", Path("devspace.port"), "--manifest",
         Path("manifest.json")},
        Path("devspace.log"));
    ASSERT_TRUE(process.ok()) << process.status();
    devspace_ = *std::move(process);
    auto port =
        WaitForFile(Path("devspace.port"), absl::Seconds(60), devspace_.get());
    ASSERT_TRUE(port.ok()) << port.status() << "\n"
                           << ReadFile(Path("devspace.log"));
    manifest_ = json::parse(ReadFile(Path("manifest.json")));
  }

  json ManifestEntry(const std::string& name) const {
    for (const json& p : manifest_["participants"]) {
      if (p.value("name", "") == name) return p;
    }
    return json::object();
  }

  void StartSlave(Hospital* h) {
    const std::string& name = h->name;
    fs::create_directories(Path(name));
    const json entry = ManifestEntry(name);
    std::vector<std::string> allowed = {HashOf(DeepSurvModel())};
    // An analysis job presents the kind of analysis (master::AdmissionSha256).
    allowed.push_back(
        master::AnalysisSha256(analytics::AnalysisSpec::Type::kKaplanMeier));
    if (!h->allows_the_model) {
      allowed = {HashOf({{"type", "mlp"}, {"hidden_units", {4}}})};
    }
    json config = {
        {"node_id", name},
        {"listen", "127.0.0.1:0"},
        {"port_file", Path(name + "/port")},
        {"tls",
         {{"ca", Path("pki/ca.pem")},
          {"cert", Path("pki/" + name + ".pem")},
          {"key", Path("pki/" + name + ".key")}}},
        {"data_source",
         {{"type", "csv"},
          {"path", Path(absl::StrCat("shard-", h->shard, ".csv"))}}},
        {"audit",
         {{"log", Path(name + "/audit.jsonl")},
          {"key", Path(name + "/audit-key.pem")}}},
        {"limits", {{"min_rows", 10}}},
        {"dataspace",
         {{"did", entry["did"]},
          {"key", entry["key_file"]},
          {"key_id", entry["key_id"]},
          {"connector",
           {{"management_url", entry["management_url"]}, {"api_key", kApiKey}}},
          {"https_ca", Path("pki/ca.pem")},
          {"trusted_issuers",
           {{{"did", IssuerDid()},
             {"types", {"MembershipCredential", kCreator}}}}},
          {"dataset_id", "lung-" + name},
          {"federation_ca", ""},
          {"policy",
           {{"required_master_credentials", {kCreator}},
            {"allowed_model_sha256", allowed},
            {"min_cohort", 20},
            {"required_privacy_settings", {"dp.noise_multiplier"}}}}}}};
    const std::string config_path = Path(name + "/slave.json");
    ASSERT_TRUE(WriteFileAtomically(config_path, config.dump(2)).ok());
    auto process =
        Subprocess::Spawn({Bin("dsfl-slave"), "--config", config_path},
                          Path(name + "/slave.log"));
    ASSERT_TRUE(process.ok()) << process.status();
    Subprocess* raw = process->get();
    slaves_[name] = *std::move(process);
    auto port = WaitForFile(Path(name + "/port"), absl::Seconds(60), raw);
    ASSERT_TRUE(port.ok()) << port.status() << "\n" << SlaveLog(name);
    h->port = std::stoi(*port);
  }

  // The hospital publishes its slave as an EDC asset (Management API).
  void Publish(const Hospital& h) {
    json asset = {
        {"@context",
         {{"@vocab", "https://w3id.org/edc/v0.0.1/ns/"},
          {"dsfl", "https://w3id.org/dsfl/v1/"}}},
        {"@id", "lung-" + h.name},
        {"properties",
         {{"description", "NCCTG lung cancer patients of " + h.name},
          {"dsfl:slaveEndpoint", absl::StrCat("127.0.0.1:", h.port)},
          {"dsfl:tlsServerName", h.name},
          {"dsfl:datasetProfile", kProfile},
          {"dsfl:protocolVersion", "dsfl.v1"}}},
        {"dataAddress", {{"@type", "DataAddress"}, {"type", "dsflSlave"}}}};
    identity::HttpsFetcherOptions options;
    options.ca_pem = ReadFile(Path("pki/ca.pem"));
    auto fetcher = identity::NewHttpsFetcher(options);
    identity::HttpRequest request;
    request.method = "POST";
    request.url = ManifestEntry(h.name)["management_url"].get<std::string>() +
                  "/v3/assets";
    request.headers = {{"X-Api-Key", kApiKey}};
    request.content_type = "application/json";
    request.body = asset.dump();
    auto response = fetcher->Fetch(request);
    ASSERT_TRUE(response.ok()) << response.status();
    ASSERT_EQ(response->status, 200) << response->body;
  }

  std::string dir_;
  std::unique_ptr<tls::DevCertificateAuthority> ca_;
  std::unique_ptr<Subprocess> devspace_;
  json manifest_;
  std::vector<Hospital> hospitals_;
  std::map<std::string, std::unique_ptr<Subprocess>> slaves_;
};

std::vector<std::string> Messages(const std::vector<json>& lines) {
  std::vector<std::string> out;
  for (const json& line : lines) {
    if (line.value("event", "") == "message") out.push_back(line["text"]);
  }
  return out;
}

// The master's audit records of `type`.
std::vector<json> Records(const std::vector<json>& log,
                          const std::string& type) {
  std::vector<json> out;
  for (const json& r : log) {
    if (r.value("event", "") == type) out.push_back(r);
  }
  return out;
}

// subject -> details.reason of the master's admission.refused records.
std::map<std::string, std::string> RefusalReasons(
    const std::vector<json>& log) {
  std::map<std::string, std::string> out;
  for (const json& r : Records(log, "admission.refused")) {
    out[r["subject"]] = r["details"]["reason"];
  }
  return out;
}

// The slave's audit records of `type` for job `job`.
std::vector<json> SlaveRecords(const std::vector<json>& log,
                               const std::string& type,
                               const std::string& job) {
  std::vector<json> out;
  for (const json& r : log) {
    if (r.value("event", "") == type && r["job"].is_string() &&
        r["job"] == job) {
      out.push_back(r);
    }
  }
  return out;
}

class MasterAdmissionE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    federation_ = new Federation();
    std::vector<Hospital> hospitals(8);
    const char* names[] = {"hospital-a", "hospital-b", "hospital-c",
                           "hospital-d", "hospital-e", "hospital-f",
                           "hospital-g", "hospital-h"};
    for (int i = 0; i < 8; ++i) {
      hospitals[i].name = names[i];
      hospitals[i].shard = i % 3;
    }
    hospitals[3].negotiation = "terminate";
    hospitals[4].negotiation = "stall";
    hospitals[5].revoked = true;
    hospitals[6].certificate_names = "hospital-a";
    hospitals[7].allows_the_model = false;
    federation_->Start(std::move(hospitals));
    started_ = !::testing::Test::HasFatalFailure();
  }
  static void TearDownTestSuite() {
    delete federation_;
    federation_ = nullptr;
  }
  void SetUp() override {
    if (!started_) GTEST_SKIP() << "the federation did not start";
  }

  static Federation* federation_;
  static bool started_;
};

Federation* MasterAdmissionE2eTest::federation_ = nullptr;
bool MasterAdmissionE2eTest::started_ = false;

TEST_F(MasterAdmissionE2eTest, AdmitsThreeHospitalsTrainsAndRefusesFive) {
  Federation& f = *federation_;
  const std::string job = "admission-train";
  std::vector<json> lines;
  std::string output;
  ASSERT_EQ(
      f.RunJob(f.TrainingJob(job, {"MembershipCredential"}), &lines, &output),
      0)
      << output;

  // Progress: one line per hospital per step.
  const std::vector<std::string> messages = Messages(lines);
  const Hospital& a = f.hospital("hospital-a");
  EXPECT_THAT(messages,
              Contains(absl::StrCat("hospital-a: discovered lung-hospital-a at "
                                    "127.0.0.1:",
                                    a.port)));
  EXPECT_THAT(messages, Contains(HasSubstr("hospital-a: negotiation ")));
  // The states seen depend on when the polls land (the first may already
  // see FINALIZED), so only the final state and the agreement are fixed.
  EXPECT_THAT(messages, Contains(HasSubstr("FINALIZED, agreement ")));
  EXPECT_THAT(messages,
              Contains(absl::StrCat("hospital-a: credentials verified: "
                                    "MembershipCredential from ",
                                    f.IssuerDid())));
  EXPECT_THAT(messages,
              Contains(absl::StrCat("hospital-a: TLS key bound to ", a.did,
                                    " (certificate names the DID)")));
  EXPECT_THAT(messages, Contains(HasSubstr("hospital-a: admitted, session ")));
  EXPECT_THAT(messages, Contains(HasSubstr("hospital-h: refused at authorize "
                                           "(model_not_allowed)")));

  // The master's audit log: every refusal with its own reason and stage,
  // all before the first round.
  const std::vector<json> log =
      ReadJsonLines(f.Path("out-" + job + "/audit.jsonl"));
  ASSERT_FALSE(log.empty()) << output;
  EXPECT_THAT(
      RefusalReasons(log),
      UnorderedElementsAre(Pair(f.DidOf("hospital-d"), "agreement_terminated"),
                           Pair(f.DidOf("hospital-e"), "agreement_pending"),
                           Pair(f.DidOf("hospital-f"), "revoked"),
                           Pair(f.DidOf("hospital-g"), "tls_key_not_bound"),
                           Pair(f.DidOf("hospital-h"), "model_not_allowed")));
  std::map<std::string, std::string> stages;
  for (const json& r : Records(log, "admission.refused")) {
    stages[r["details"]["node"]] = r["details"]["stage"];
  }
  EXPECT_EQ(stages["hospital-d"], "negotiation");
  EXPECT_EQ(stages["hospital-e"], "negotiation");
  EXPECT_EQ(stages["hospital-f"], "credential");
  EXPECT_EQ(stages["hospital-g"], "tls");
  EXPECT_EQ(stages["hospital-h"], "authorize");
  std::set<std::string> granted;
  for (const json& r : Records(log, "admission.granted")) {
    granted.insert(r["details"]["node"]);
  }
  EXPECT_THAT(granted,
              UnorderedElementsAre("hospital-a", "hospital-b", "hospital-c"));
  // Each negotiation state change; the agreement on FINALIZED; TERMINATED.
  bool finalized_a = false, terminated_d = false;
  for (const json& r : Records(log, "negotiation.state")) {
    if (r["subject"] == a.did && r["details"]["state"] == "FINALIZED") {
      finalized_a = r["details"].contains("agreement_id");
    }
    if (r["subject"] == f.DidOf("hospital-d") &&
        r["details"]["state"] == "TERMINATED") {
      terminated_d = true;
    }
  }
  EXPECT_TRUE(finalized_a);
  EXPECT_TRUE(terminated_d);
  // Credential checks, TLS bindings, Authorize answers.
  bool a_valid = false;
  for (const json& r : Records(log, "credential.check")) {
    if (r["subject"] == a.did && r["details"]["result"] == "valid") {
      a_valid = r["details"]["issuer"] == f.IssuerDid();
    }
  }
  EXPECT_TRUE(a_valid);
  std::map<std::string, std::string> bindings;
  for (const json& r : Records(log, "tls.binding")) {
    bindings[r["subject"]] = r["details"]["result"];
  }
  EXPECT_EQ(bindings[a.did], "bound");
  EXPECT_EQ(bindings[f.DidOf("hospital-g")], "not_bound");
  EXPECT_EQ(bindings.count(f.DidOf("hospital-f")), 0u);  // never connected
  std::map<std::string, std::string> decisions;
  for (const json& r : Records(log, "authorize.answer")) {
    decisions[r["subject"]] = r["details"]["decision"];
  }
  EXPECT_EQ(decisions[a.did], "allow");
  EXPECT_EQ(decisions[f.DidOf("hospital-h")], "deny");
  EXPECT_EQ(decisions.count(f.DidOf("hospital-g")), 0u);  // never asked
  // Order: job.submitted, then admission, then rounds.
  std::vector<std::string> job_events;
  for (const json& r : log) {
    if (r["job"].is_string() && r["job"] == job)
      job_events.push_back(r["event"]);
  }
  ASSERT_FALSE(job_events.empty());
  EXPECT_EQ(job_events.front(), "job.submitted");
  EXPECT_EQ(job_events[1], "discovery.result");
  size_t last_admission = 0, first_round = log.size();
  for (size_t i = 0; i < log.size(); ++i) {
    const std::string type = log[i].value("event", "");
    if (type.rfind("admission.", 0) == 0) last_admission = i;
    if (type == "round.completed" && first_round == log.size()) first_round = i;
  }
  EXPECT_LT(last_admission, first_round);
  const std::vector<json> rounds = Records(log, "round.completed");
  ASSERT_EQ(rounds.size(), 2u);
  EXPECT_THAT(rounds[0]["details"]["participants"],
              ElementsAre("hospital-a", "hospital-b", "hospital-c"));

  // The hospitals' own logs: the admitted trained under their session; no
  // refused hospital received the model; the master-side refusals never
  // even reached Authorize.
  for (const char* name : {"hospital-a", "hospital-b", "hospital-c"}) {
    const std::vector<json> slave = f.SlaveAudit(name);
    EXPECT_EQ(SlaveRecords(slave, "round.participation", job).size(), 2u)
        << name << "\n"
        << f.SlaveLog(name);
    const std::vector<json> decisions_here =
        SlaveRecords(slave, "authorize.decision", job);
    ASSERT_EQ(decisions_here.size(), 1u) << name;
    EXPECT_EQ(decisions_here[0]["details"]["decision"], "allow");
  }
  for (const char* name :
       {"hospital-d", "hospital-e", "hospital-f", "hospital-g"}) {
    const std::vector<json> slave = f.SlaveAudit(name);
    EXPECT_THAT(SlaveRecords(slave, "authorize.request", job), IsEmpty())
        << name;
    EXPECT_THAT(SlaveRecords(slave, "round.participation", job), IsEmpty())
        << name;
  }
  const std::vector<json> h = f.SlaveAudit("hospital-h");
  const std::vector<json> h_decisions =
      SlaveRecords(h, "authorize.decision", job);
  ASSERT_EQ(h_decisions.size(), 1u) << f.SlaveLog("hospital-h");
  EXPECT_EQ(h_decisions[0]["details"]["decision"], "deny");
  EXPECT_EQ(h_decisions[0]["details"]["reason"], "model_not_allowed");
  EXPECT_THAT(SlaveRecords(h, "round.participation", job), IsEmpty());
  EXPECT_THAT(SlaveRecords(h, "statistics.released", job), IsEmpty());
}

TEST_F(MasterAdmissionE2eTest, AnUntrustedIssuerRefusesEveryHospital) {
  Federation& f = *federation_;
  const std::string job = "admission-untrusted";
  std::vector<json> lines;
  std::string output;
  // The issuer is trusted for another credential type only.
  EXPECT_EQ(
      f.RunJob(f.TrainingJob(job, {"SomeOtherCredential"}), &lines, &output), 1)
      << output;
  EXPECT_THAT(output, HasSubstr("0 of 8 discovered nodes admitted, "
                                "min_clients is 3"));
  EXPECT_THAT(output, HasSubstr("hospital-a: untrusted_issuer"));
  EXPECT_THAT(output, HasSubstr("hospital-d: agreement_terminated"));
  const std::vector<json> log =
      ReadJsonLines(f.Path("out-" + job + "/audit.jsonl"));
  std::map<std::string, std::string> reasons = RefusalReasons(log);
  EXPECT_EQ(reasons.size(), 8u);
  for (const char* name : {"hospital-a", "hospital-b", "hospital-c",
                           "hospital-f", "hospital-g", "hospital-h"}) {
    EXPECT_EQ(reasons[f.DidOf(name)], "untrusted_issuer") << name;
  }
  EXPECT_EQ(Records(log, "job.failed").size(), 1u);
  EXPECT_THAT(Records(log, "tls.binding"), IsEmpty());
  for (const Hospital& h : f.hospitals()) {
    EXPECT_THAT(SlaveRecords(f.SlaveAudit(h.name), "authorize.request", job),
                IsEmpty())
        << h.name;
  }
}

TEST_F(MasterAdmissionE2eTest, AnAnalysisJobGoesThroughTheSameAdmission) {
  Federation& f = *federation_;
  const std::string job = "admission-km";
  std::vector<json> lines;
  std::string output;
  ASSERT_EQ(f.RunJob(f.AnalysisJob(job), &lines, &output), 0) << output;
  EXPECT_TRUE(fs::exists(f.Path("out-" + job + "/analysis.json")));
  const std::vector<json> log =
      ReadJsonLines(f.Path("out-" + job + "/audit.jsonl"));
  std::set<std::string> granted;
  for (const json& r : Records(log, "admission.granted")) {
    granted.insert(r["details"]["node"]);
  }
  EXPECT_THAT(granted,
              UnorderedElementsAre("hospital-a", "hospital-b", "hospital-c"));
  // Only the admitted answered queries, under their sessions.
  for (const char* name : {"hospital-a", "hospital-b", "hospital-c"}) {
    EXPECT_FALSE(
        SlaveRecords(f.SlaveAudit(name), "analytics.query", job).empty())
        << name << "\n"
        << f.SlaveLog(name);
  }
  for (const char* name :
       {"hospital-d", "hospital-e", "hospital-f", "hospital-g", "hospital-h"}) {
    EXPECT_THAT(SlaveRecords(f.SlaveAudit(name), "analytics.query", job),
                IsEmpty())
        << name;
  }
}

TEST_F(MasterAdmissionE2eTest, ModelHashPrintsWhatTheMasterSends) {
  Federation& f = *federation_;
  const json job = f.TrainingJob("admission-hash", {"MembershipCredential"});
  const std::string path = f.Path("admission-hash.json");
  ASSERT_TRUE(WriteFileAtomically(path, job.dump(2)).ok());
  auto process = Subprocess::Spawn({Bin("dsfl"), "job", "model-hash", path},
                                   f.Path("model-hash.log"));
  ASSERT_TRUE(process.ok());
  EXPECT_EQ((*process)->Wait(), 0);
  const std::string printed = ReadFile(f.Path("model-hash.log"));
  EXPECT_EQ(printed, HashOf(DeepSurvModel()) + "\n");
  // The identity hospital-h refused: what its slave saw in Authorize.
  bool seen = false;
  for (const json& r : f.SlaveAudit("hospital-h")) {
    if (r.value("event", "") == "authorize.request") {
      seen = seen || r["details"].value("model_sha256", "") + "\n" == printed;
    }
  }
  EXPECT_TRUE(seen);
}

TEST_F(MasterAdmissionE2eTest, TheDaemonRunsADataspaceJob) {
  Federation& f = *federation_;
  const std::string dir = f.Path("daemon");
  fs::create_directories(dir);
  ASSERT_TRUE(
      WriteFileAtomically(dir + "/token", "s3cret-admin-token\n", 0600).ok());
  const json config = {{"state_dir", dir + "/state"},
                       {"admin",
                        {{"listen", "127.0.0.1:0"},
                         {"port_file", dir + "/admin.port"},
                         {"token_file", dir + "/token"},
                         {"cert", f.Path("pki/master.pem")},
                         {"key", f.Path("pki/master.key")}}},
                       {"tls",
                        {{"ca", f.Path("pki/ca.pem")},
                         {"cert", f.Path("pki/master.pem")},
                         {"key", f.Path("pki/master.key")}}}};
  ASSERT_TRUE(WriteFileAtomically(dir + "/master.json", config.dump(2)).ok());
  auto daemon =
      Subprocess::Spawn({Bin("dsfl-master"), "--config", dir + "/master.json"},
                        dir + "/master.log");
  ASSERT_TRUE(daemon.ok()) << daemon.status();
  auto port =
      WaitForFile(dir + "/admin.port", absl::Seconds(60), daemon->get());
  ASSERT_TRUE(port.ok()) << port.status() << ReadFile(dir + "/master.log");
  auto cli = [&](std::vector<std::string> args, std::string* output) {
    std::vector<std::string> argv = {Bin("dsfl")};
    argv.insert(argv.end(), args.begin(), args.end());
    for (const std::string& extra :
         {std::string("--master"), absl::StrCat("https://127.0.0.1:", *port),
          std::string("--token-file"), dir + "/token", std::string("--ca"),
          f.Path("pki/ca.pem")}) {
      argv.push_back(extra);
    }
    auto process = Subprocess::Spawn(argv, dir + "/cli.log");
    EXPECT_TRUE(process.ok());
    const int status = (*process)->Wait();
    *output = ReadFile(dir + "/cli.log");
    fs::remove(dir + "/cli.log");
    return status;
  };
  json job = f.TrainingJob("admission-daemon", {"MembershipCredential"});
  job.erase("tls");         // the daemon's identity
  job.erase("output_dir");  // the daemon's state directory
  ASSERT_TRUE(WriteFileAtomically(dir + "/job.json", job.dump(2)).ok());
  std::string output;
  ASSERT_EQ(cli({"job", "submit", dir + "/job.json"}, &output), 0) << output;
  const std::string id(absl::StripAsciiWhitespace(output));
  EXPECT_EQ(cli({"job", "watch", id}, &output), 0)
      << output << ReadFile(dir + "/master.log");
  (*daemon)->Stop(absl::Seconds(10));
  // The daemon's audit log tells the same admission story.
  const std::vector<json> log = ReadJsonLines(dir + "/state/audit.jsonl");
  std::set<std::string> granted;
  for (const json& r : Records(log, "admission.granted")) {
    granted.insert(r["details"]["node"]);
  }
  EXPECT_THAT(granted,
              UnorderedElementsAre("hospital-a", "hospital-b", "hospital-c"));
  EXPECT_EQ(RefusalReasons(log).size(), 5u);
  EXPECT_EQ(Records(log, "model.final").size(), 1u);
  EXPECT_EQ(SlaveRecords(f.SlaveAudit("hospital-a"), "round.participation",
                         "admission-daemon")
                .size(),
            2u);
}

}  // namespace
}  // namespace dsfl::e2e
