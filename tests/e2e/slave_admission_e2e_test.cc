// The slave's half of dataspace admission with real processes (issue #3,
// Flow 1 step 5): a dsfl-devspace (HTTPS: connectors, did:web, DCP,
// status lists) and two dsfl-slave processes configured with a "dataspace"
// section, this test acting as the master over real gRPC mutual TLS with
// certificates that name the participants' DIDs (URI SAN).
//
// The happy path (Authorize admits, then every job call works with the
// session) and each refusal with its own reason: a job call without a
// session, with another job's session, with a session stolen by another
// TLS peer, with another model than the admitted one; Authorize from a
// certificate not bound to the claimed DID, a master without the
// FederatedModelCreatorCredential, with a revoked one, from an untrusted
// issuer (after a SIGHUP reload), a presentation for another audience, an
// agreement that does not exist / names another consumer / another asset,
// a model hash not allowed, a cohort too small, a privacy setting missing.
// Every refusal is asserted in the slave's audit log (the decision and its
// reason), and that nothing of the job was read, released or trained.
//
// Shared by all cases: one devspace and two slaves (started once).
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/model_file.h"
#include "common/subprocess.h"
#include "common/tls/dev_ca.h"
#include "common/tls/grpc_credentials.h"
#include "common/tls/tls_policy.h"
#include "connector-adapters/edc/master_admission.h"
#include "connector-adapters/identity/dcp_client.h"
#include "connector-adapters/identity/signing_key.h"
#include "dsfl/v1/analytics.grpc.pb.h"
#include "dsfl/v1/slave.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/convert.h"
#include "slave/service/model_parts.h"
#include "slave/training/model_definition.h"

namespace dsfl {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr char kProfile[] = "https://w3id.org/dsfl/profiles/lung-survival/v1";
constexpr char kApiKey[] = "password";

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Blocks until `done()` holds, re-checking each time another process
// modifies `path` (inotify: no polling, no sleeping), at most `timeout`.
bool WaitForChange(const std::string& path, const std::function<bool()>& done,
                   absl::Duration timeout) {
  const int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
  if (fd < 0) return false;
  const bool watched = inotify_add_watch(fd, path.c_str(), IN_MODIFY) >= 0;
  const absl::Time deadline = absl::Now() + timeout;
  bool ok = done();
  while (watched && !ok && absl::Now() < deadline) {
    pollfd wake{fd, POLLIN, 0};
    const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (poll(&wake, 1, static_cast<int>(std::max<int64_t>(ms, 1))) > 0) {
      char events[4096];
      while (read(fd, events, sizeof(events)) > 0) {
      }
    }
    ok = done();
  }
  close(fd);
  return ok;
}

training::ModelDefinition CoxModel() {
  training::ModelDefinition model;
  model.kind = training::ModelKind::kCox;
  model.task = training::Task::kSurvival;
  return model;
}

training::ModelDefinition DeepSurvModel() {
  training::ModelDefinition model;
  model.kind = training::ModelKind::kDeepSurv;
  model.task = training::Task::kSurvival;
  model.hidden_units = {4};
  return model;
}

// The job's data; the standardisation comes from ComputeMoments (refused
// calls never get that far).
training::Standardization standardization;

master::DataSpec Data() {
  master::DataSpec data;
  data.standardization = standardization;
  data.task = training::Task::kSurvival;
  data.roles.features = {"age", "sex", "ph.ecog"};
  data.roles.time = "time";
  data.roles.event = "event";
  data.held_out_fraction = 0.25;
  data.split_seed = 7;
  return data;
}

// Everything the cases share: the processes, PKI, DIDs and agreements.
struct World {
  std::string dir;
  std::unique_ptr<tls::DevCertificateAuthority> ca;
  std::unique_ptr<Subprocess> devspace;
  std::map<std::string, std::string> did;       // participant -> DID
  std::map<std::string, std::string> key_file;  // participant -> PEM key
  std::map<std::string, std::string> key_id;
  std::string issuer_did;
  std::string base_url;
  // Agreements the masters negotiated, by "<consumer>/<dataset>".
  std::map<std::string, std::string> agreements;
  std::map<std::string, std::unique_ptr<Subprocess>> slaves;
  std::map<std::string, int> ports;

  std::string Path(const std::string& relative) const {
    return dir + "/" + relative;
  }
};

World* world = nullptr;

std::string Bin(const std::string& name) {
  return std::string(std::getenv("DSFL_BINARY_DIR")) + "/bin/" + name;
}

void Issue(const std::string& name, const std::vector<std::string>& uris) {
  tls::CertificateRequest request;
  request.common_name = name;
  request.dns_names = {name, "localhost"};
  request.ip_addresses = {"127.0.0.1"};
  request.uris = uris;
  auto pair = world->ca->Issue(request);
  ASSERT_TRUE(pair.ok()) << pair.status();
  ASSERT_TRUE(WriteFileAtomically(world->Path("pki/" + name + ".pem"),
                                  pair->certificate_pem)
                  .ok());
  ASSERT_TRUE(WriteFileAtomically(world->Path("pki/" + name + ".key"),
                                  pair->private_key_pem, 0600)
                  .ok());
}

// The slave's config: hospital-a's participant, with `policy`.
json SlaveConfig(const std::string& name, const json& policy,
                 const json& trusted_issuers) {
  return {{"node_id", name},
          {"listen", "127.0.0.1:0"},
          {"port_file", world->Path(name + "/port")},
          {"tls",
           {{"ca", world->Path("pki/ca.pem")},
            {"cert", world->Path("pki/hospital-a.pem")},
            {"key", world->Path("pki/hospital-a.key")}}},
          {"data_source",
           {{"type", "csv"},
            {"path", std::string(std::getenv("DSFL_SOURCE_DIR")) +
                         "/tests/fixtures/lung_shards/mod3/lung_mod3_0.csv"}}},
          {"audit",
           {{"log", world->Path(name + "/audit.jsonl")},
            {"key", world->Path(name + "/audit-key.pem")}}},
          {"dataspace",
           {{"did", world->did.at("hospital-a")},
            {"key", world->key_file.at("hospital-a")},
            {"key_id", world->key_id.at("hospital-a")},
            {"connector",
             {{"management_url",
               world->base_url + "/participants/hospital-a/api/management"},
              {"api_key", kApiKey}}},
            {"https_ca", world->Path("pki/ca.pem")},
            {"trusted_issuers", trusted_issuers},
            {"dataset_id", "lung-hospital-a"},
            {"policy", policy}}}};
}

json TrustTheIssuer() {
  return json::array({{{"did", world->issuer_did},
                       {"types", {"FederatedModelCreatorCredential"}}}});
}

void WriteSlaveConfig(const std::string& name, const json& config) {
  ASSERT_TRUE(
      WriteFileAtomically(world->Path(name + "/slave.json"), config.dump(2))
          .ok());
}

void StartSlave(const std::string& name, const json& config) {
  fs::create_directories(world->Path(name));
  WriteSlaveConfig(name, config);
  auto process = Subprocess::Spawn(
      {Bin("dsfl-slave"), "--config", world->Path(name + "/slave.json")},
      world->Path(name + "/slave.log"));
  ASSERT_TRUE(process.ok()) << process.status();
  Subprocess* raw = process->get();
  world->slaves[name] = *std::move(process);
  auto port = WaitForFile(world->Path(name + "/port"), absl::Seconds(60), raw);
  ASSERT_TRUE(port.ok()) << port.status() << "\n"
                         << ReadText(world->Path(name + "/slave.log"));
  world->ports[name] = std::stoi(*port);
}

// `consumer` negotiates every dataset of hospital-a through its own
// connector (discover, negotiate, verify the hospital), as dsfl-master does.
void Negotiate(const std::string& consumer) {
  identity::HttpsFetcherOptions options;
  options.ca_pem = world->ca->certificate_pem();
  auto fetcher = identity::NewHttpsFetcher(options);
  identity::DidWebResolver resolver(fetcher.get(), {});
  identity::HttpStatusListSource lists(fetcher.get(), &resolver, &SystemClock(),
                                       {});
  identity::PresentationVerifier verifier(&resolver, &lists, &SystemClock());
  edc::ManagementApiConfig connector_config;
  connector_config.management_url =
      world->base_url + "/participants/" + consumer + "/api/management";
  connector_config.api_key = kApiKey;
  auto connector =
      edc::ManagementApiClient::Create(connector_config, fetcher.get());
  ASSERT_TRUE(connector.ok()) << connector.status();
  auto key = identity::SigningKey::FromPem(
      ReadText(world->key_file.at(consumer)), world->key_id.at(consumer));
  ASSERT_TRUE(key.ok()) << key.status();
  identity::PresentationQueryClient dcp(fetcher.get(), &resolver, key->get(),
                                        world->did.at(consumer),
                                        &SystemClock());
  edc::MasterAdmission admission(connector->get(), &dcp, &verifier,
                                 &SystemClock(), &edc::RealSleeper());
  edc::MasterAdmissionOptions run;
  run.master_did = world->did.at(consumer);
  run.profile = kProfile;
  run.trusted_issuers = {{world->issuer_did, {"MembershipCredential"}}};
  run.negotiation.timeout = absl::Seconds(30);
  auto report = admission.Run(run);
  ASSERT_TRUE(report.ok()) << report.status();
  for (const edc::CandidateNode& node : report->nodes) {
    ASSERT_TRUE(node.admitted())
        << node.dataset.dataset_id << ": " << node.refusal;
    world->agreements[consumer + "/" + node.dataset.dataset_id] =
        node.agreement.id;
  }
}

class SlaveAdmissionE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world = new World();
    char pattern[] = "/tmp/dsfl_admission_e2e_XXXXXX";
    world->dir = ::mkdtemp(pattern);
    fs::create_directories(world->Path("pki"));
    auto ca = tls::DevCertificateAuthority::Create("admission e2e CA");
    ASSERT_TRUE(ca.ok());
    world->ca = std::make_unique<tls::DevCertificateAuthority>(*std::move(ca));
    ASSERT_TRUE(WriteFileAtomically(world->Path("pki/ca.pem"),
                                    world->ca->certificate_pem())
                    .ok());
    ASSERT_TRUE(tls::RequireTls13ProcessWide().ok());

    // The dev dataspace: masters, a member without the creator credential,
    // one whose creator credential is revoked, and hospital-a with two
    // datasets (the slave's, and another asset of the same hospital).
    tls::CertificateRequest server;
    server.common_name = "localhost";
    server.dns_names = {"localhost"};
    server.ip_addresses = {"127.0.0.1"};
    server.client_auth = false;
    auto devspace_cert = world->ca->Issue(server);
    ASSERT_TRUE(devspace_cert.ok());
    ASSERT_TRUE(WriteFileAtomically(world->Path("pki/devspace.pem"),
                                    devspace_cert->certificate_pem)
                    .ok());
    ASSERT_TRUE(WriteFileAtomically(world->Path("pki/devspace.key"),
                                    devspace_cert->private_key_pem, 0600)
                    .ok());
    auto dataset = [](const std::string& id) {
      return json{{"id", id},
                  {"slave_endpoint", "127.0.0.1:1"},  // not dialled here
                  {"tls_server_name", "hospital-a"},
                  {"profile", kProfile},
                  {"required_credential", "FederatedModelCreatorCredential"}};
    };
    const json creator = {"MembershipCredential",
                          "FederatedModelCreatorCredential"};
    json participants = {
        {"api_key", kApiKey},
        {"negotiation_step_ms", 0},
        {"participants",
         {{{"name", "master"},
           {"key_file", "master.key"},
           {"credentials", creator}},
          {{"name", "master2"},
           {"key_file", "master2.key"},
           {"credentials", creator}},
          {{"name", "member"},
           {"key_file", "member.key"},
           {"credentials", {"MembershipCredential"}}},
          {{"name", "revoked"},
           {"key_file", "revoked.key"},
           {"credentials", creator},
           {"revoked", {"FederatedModelCreatorCredential"}}},
          {{"name", "hospital-a"},
           {"key_file", "hospital-a-did.key"},
           {"credentials", {"MembershipCredential"}},
           {"datasets",
            {dataset("lung-hospital-a"), dataset("other-hospital-a")}}}}}};
    ASSERT_TRUE(WriteFileAtomically(world->Path("participants.json"),
                                    participants.dump(2))
                    .ok());
    auto devspace =
        Subprocess::Spawn({Bin("dsfl-devspace"), "--participants",
                           world->Path("participants.json"), "--cert",
                           world->Path("pki/devspace.pem"), "--key",
                           world->Path("pki/devspace.key"), "--port-file",
                           world->Path("devspace.port"), "--manifest",
                           world->Path("devspace.json")},
                          world->Path("devspace.log"));
    ASSERT_TRUE(devspace.ok()) << devspace.status();
    world->devspace = *std::move(devspace);
    auto port = WaitForFile(world->Path("devspace.port"), absl::Seconds(30),
                            world->devspace.get());
    ASSERT_TRUE(port.ok()) << port.status() << "\n"
                           << ReadText(world->Path("devspace.log"));
    const json manifest = json::parse(ReadText(world->Path("devspace.json")));
    world->base_url = manifest["base_url"].get<std::string>();
    world->issuer_did = manifest["issuer"]["did"].get<std::string>();
    for (const json& p : manifest["participants"]) {
      const std::string name = p["name"].get<std::string>();
      world->did[name] = p["did"].get<std::string>();
      world->key_id[name] = p["key_id"].get<std::string>();
      std::string file = p["key_file"].get<std::string>();
      if (!fs::path(file).is_absolute()) file = world->Path(file);
      world->key_file[name] = file;
    }

    // TLS certificates naming each participant's DID (binding path (b)),
    // and one naming none.
    Issue("hospital-a", {world->did.at("hospital-a")});
    for (const char* name : {"master", "master2", "member", "revoked"}) {
      Issue(name, {world->did.at(name)});
    }
    Issue("nodid", {});

    Negotiate("master");
    Negotiate("master2");
    ASSERT_EQ(world->agreements.size(), 4u);

    // hospital-a: pins the Cox model, needs 20 records and a DP setting.
    const json strict = {
        {"required_master_credentials", {"FederatedModelCreatorCredential"}},
        {"allowed_model_sha256", {training::ModelDefinitionSha256(CoxModel())}},
        {"min_cohort", 20},
        {"required_privacy_settings", {"dp.noise_multiplier"}}};
    StartSlave("hospital-a",
               SlaveConfig("hospital-a", strict, TrustTheIssuer()));
    // hospital-a-big: another node of the same participant asking for a
    // cohort larger than its data (and reloaded by SIGHUP below).
    StartSlave("hospital-a-big",
               SlaveConfig("hospital-a-big", {{"min_cohort", 1000000}},
                           TrustTheIssuer()));
  }

  static void TearDownTestSuite() {
    if (world == nullptr) return;
    world->slaves.clear();  // kills and reaps
    world->devspace.reset();
    if (!::testing::UnitTest::GetInstance()->Failed()) {
      fs::remove_all(world->dir);
    } else {
      std::cerr << "logs kept in " << world->dir << "\n";
    }
    delete world;
    world = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(world, nullptr);
    ASSERT_EQ(world->ports.size(), 2u) << "set-up failed";
  }

  // A gRPC mTLS channel to `slave` presenting pki/<identity>.{pem,key}.
  std::shared_ptr<grpc::Channel> Channel(
      const std::string& identity, const std::string& slave = "hospital-a") {
    tls::TlsFiles files;
    files.ca_cert_pem = world->ca->certificate_pem();
    files.cert_pem = ReadText(world->Path("pki/" + identity + ".pem"));
    files.key_pem = ReadText(world->Path("pki/" + identity + ".key"));
    return grpc::CreateCustomChannel(
        absl::StrCat("127.0.0.1:", world->ports.at(slave)),
        tls::MakeChannelCredentials(files),
        tls::MakeChannelArguments("hospital-a"));
  }
  std::unique_ptr<v1::Slave::Stub> Slave(
      const std::string& identity, const std::string& slave = "hospital-a") {
    return v1::Slave::NewStub(Channel(identity, slave));
  }

  static void Deadline(grpc::ClientContext* context) {
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(60));
  }

  v1::AuthorizeRequest Request(
      const std::string& job, const std::string& master = "master",
      const std::string& agreement = "master/lung-hospital-a") {
    v1::AuthorizeRequest request;
    request.set_job_id(job);
    request.set_master_did(world->did.at(master));
    request.set_agreement_id(world->agreements.count(agreement)
                                 ? world->agreements.at(agreement)
                                 : agreement);
    request.set_model_sha256(training::ModelDefinitionSha256(CoxModel()));
    (*request.mutable_privacy()->mutable_settings())["dp.noise_multiplier"] =
        "1.1";
    return request;
  }

  v1::AuthorizeResponse Authorize(v1::Slave::Stub& stub,
                                  const v1::AuthorizeRequest& request) {
    grpc::ClientContext context;
    Deadline(&context);
    v1::AuthorizeResponse response;
    grpc::Status status = stub.Authorize(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // Admitted, or the test fails; returns the session id.
  std::string Admit(v1::Slave::Stub& stub,
                    const v1::AuthorizeRequest& request) {
    v1::AuthorizeResponse response = Authorize(stub, request);
    EXPECT_TRUE(response.admitted())
        << response.reason() << ": " << response.message();
    EXPECT_THAT(response.session_id(), MatchesRegex("[0-9a-f]{32}"));
    return response.session_id();
  }

  static v1::JobContext Job(const std::string& job, const std::string& session,
                            uint32_t round = 0) {
    master::JobContext context{job, round, session};
    v1::JobContext out;
    wire::ToProto(context, &out);
    return out;
  }

  grpc::Status Moments(v1::Slave::Stub& stub, const v1::JobContext& job,
                       v1::MomentsResponse* out = nullptr) {
    grpc::ClientContext context;
    Deadline(&context);
    v1::MomentsRequest request;
    *request.mutable_job() = job;
    wire::ToProto(Data(), request.mutable_data());
    v1::MomentsResponse response;
    grpc::Status status = stub.ComputeMoments(&context, request, &response);
    if (out != nullptr) *out = response;
    return status;
  }

  grpc::Status Initialize(v1::Slave::Stub& stub, const v1::JobContext& job,
                          const training::ModelDefinition& model,
                          FlatModel* out = nullptr) {
    grpc::ClientContext context;
    Deadline(&context);
    v1::InitializeRequest request;
    *request.mutable_job() = job;
    wire::ToProto(model, request.mutable_model());
    wire::ToProto(Data(), request.mutable_data());
    request.set_seed(3);
    auto reader = stub.InitializeModel(&context, request);
    slave::ModelUpload upload(uint64_t{1} << 30);
    v1::ModelMessage message;
    Status parts;
    while (reader->Read(&message)) {
      if (!parts.ok()) continue;
      parts = message.has_header() ? upload.OnHeader(message.header())
                                   : upload.OnChunk(message.chunk().offset(),
                                                    message.chunk().data());
    }
    grpc::Status status = reader->Finish();
    if (status.ok() && out != nullptr) {
      EXPECT_TRUE(parts.ok()) << parts;
      auto model_out = upload.Finish();
      EXPECT_TRUE(model_out.ok()) << model_out.status();
      if (model_out.ok()) *out = std::move(*model_out).Release();
    }
    return status;
  }

  // One Train call; `updates` counts the update's parts received.
  grpc::Status Train(v1::Slave::Stub& stub, const v1::JobContext& job,
                     const training::ModelDefinition& model,
                     const FlatModel& global, int* updates = nullptr) {
    grpc::ClientContext context;
    Deadline(&context);
    auto stream = stub.Train(&context);
    v1::TrainRequest request;
    v1::TrainConfig* config = request.mutable_config();
    *config->mutable_job() = job;
    wire::ToProto(model, config->mutable_model());
    master::TrainingPlan plan;
    plan.local_epochs = 1;
    wire::ToProto(plan, config->mutable_plan());
    wire::ToProto(Data(), config->mutable_data());
    bool open = stream->Write(request);
    slave::ModelDownload download(HashedModel(global), kDefaultChunkBytes);
    while (open && download.Next(&request)) open = stream->Write(request);
    if (open) stream->WritesDone();
    v1::TrainResponse response;
    int parts = 0;
    while (stream->Read(&response)) {
      if (response.has_header() || response.has_chunk()) ++parts;
    }
    if (updates != nullptr) *updates = parts;
    return stream->Finish();
  }

  grpc::Status Evaluate(v1::Slave::Stub& stub, const v1::JobContext& job,
                        const training::ModelDefinition& model,
                        const FlatModel& global) {
    grpc::ClientContext context;
    Deadline(&context);
    v1::EvaluateResponse response;
    auto stream = stub.Evaluate(&context, &response);
    v1::EvaluateRequest request;
    v1::EvaluateConfig* config = request.mutable_config();
    *config->mutable_job() = job;
    wire::ToProto(model, config->mutable_model());
    wire::ToProto(Data(), config->mutable_data());
    bool open = stream->Write(request);
    slave::ModelDownload download(HashedModel(global), kDefaultChunkBytes);
    while (open && download.Next(&request)) open = stream->Write(request);
    if (open) stream->WritesDone();
    return stream->Finish();
  }

  grpc::Status Summary(const std::string& identity, const std::string& job,
                       const std::string& session) {
    auto stub = v1::Analytics::NewStub(Channel(identity));
    grpc::ClientContext context;
    Deadline(&context);
    v1::SummaryRequest request;
    request.mutable_context()->set_job_id(job);
    request.mutable_context()->set_session_id(session);
    request.mutable_spec()->set_time("time");
    request.mutable_spec()->set_event("event");
    v1::SummaryResponse response;
    return stub->Summary(&context, request, &response);
  }

  // The slave's audit records of `job`, in order.
  static std::vector<json> Audit(const std::string& job,
                                 const std::string& slave = "hospital-a") {
    std::vector<json> records;
    const std::string text = ReadText(world->Path(slave + "/audit.jsonl"));
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      if (line.empty()) continue;
      json record = json::parse(std::string(line));
      if (record["job"].is_string() && record["job"] == job) {
        records.push_back(std::move(record));
      }
    }
    return records;
  }

  static std::vector<std::string> Events(const std::vector<json>& records) {
    std::vector<std::string> events;
    for (const json& r : records) events.push_back(r["event"]);
    return events;
  }

  // Nothing of `job` was read, released, trained or evaluated.
  static void ExpectNothingOfTheJob(const std::string& job,
                                    const std::string& slave = "hospital-a") {
    for (const json& record : Audit(job, slave)) {
      const std::string event = record["event"];
      EXPECT_TRUE(event != "dataset.read" && event != "statistics.released" &&
                  event != "round.participation" &&
                  event != "evaluation.participation" &&
                  event != "analytics.query")
          << "job " << job << ": " << record.dump();
    }
  }

  // Authorize was refused with `reason`, answered and audited as such.
  void ExpectRefused(const v1::AuthorizeResponse& response,
                     const std::string& job, const std::string& reason,
                     const std::string& slave = "hospital-a") {
    EXPECT_FALSE(response.admitted());
    EXPECT_EQ(response.reason(), reason) << response.message();
    EXPECT_NE(response.message(), "");
    EXPECT_EQ(response.session_id(), "");
    const std::vector<json> records = Audit(job, slave);
    ASSERT_GE(records.size(), 2u) << job;
    EXPECT_EQ(records.front()["event"], "authorize.request");
    EXPECT_EQ(records.back()["event"], "authorize.decision");
    EXPECT_EQ(records.back()["details"]["decision"], "deny");
    EXPECT_EQ(records.back()["details"]["reason"], reason);
    ExpectNothingOfTheJob(job, slave);
  }

  // A job call was refused PERMISSION_DENIED with `reason`, and audited.
  void ExpectDenied(const grpc::Status& status, const std::string& job,
                    const std::string& rpc, const std::string& reason) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << rpc << ": " << status.error_message();
    EXPECT_THAT(status.error_message(),
                HasSubstr(absl::StrCat("[reason: ", reason, "]")));
    bool audited = false;
    for (const json& record : Audit(job)) {
      if (record["event"] == "call.refused" && record["subject"] == rpc &&
          record["details"]["reason"] == reason) {
        audited = true;
      }
    }
    EXPECT_TRUE(audited) << rpc << " " << reason << " not audited for " << job;
  }

  static FlatModel SomeModel() {
    FlatModel model;
    model.spec = ModelSpec({TensorSpec{"weight", {3}}});
    model.values = {0.1f, 0.2f, 0.3f};
    return model;
  }
};

TEST_F(SlaveAdmissionE2eTest, AdmittedThenEveryJobCallWorksWithTheSession) {
  auto stub = Slave("master");
  const std::string session = Admit(*stub, Request("happy"));
  const std::vector<json> admission = Audit("happy");
  ASSERT_EQ(Events(admission),
            (std::vector<std::string>{"authorize.request", "credential.check",
                                      "agreement.check", "policy.check",
                                      "authorize.decision"}));
  EXPECT_EQ(admission[0]["details"]["master_did"], world->did.at("master"));
  EXPECT_EQ(admission[0]["details"]["agreement_id"],
            world->agreements.at("master/lung-hospital-a"));
  EXPECT_EQ(admission[0]["details"]["privacy"]["dp.noise_multiplier"], "1.1");
  EXPECT_EQ(admission[2]["details"]["consumer"], world->did.at("master"));
  EXPECT_EQ(admission[2]["details"]["asset"], "lung-hospital-a");
  EXPECT_EQ(admission[4]["details"]["decision"], "allow");
  EXPECT_EQ(admission[4]["details"]["checks"]["tls"], "certificate_names_did");

  const v1::JobContext job = Job("happy", session);
  v1::MomentsResponse moments;
  ASSERT_TRUE(Moments(*stub, job, &moments).ok());
  auto site = wire::FromProto(moments, 3);
  ASSERT_TRUE(site.ok()) << site.status();
  auto combined = training::CombineMoments({*site});
  ASSERT_TRUE(combined.ok()) << combined.status();
  standardization = *combined;
  FlatModel global;
  grpc::Status init = Initialize(*stub, job, CoxModel(), &global);
  ASSERT_TRUE(init.ok()) << init.error_message();
  ASSERT_FALSE(global.values.empty());
  int updates = 0;
  grpc::Status trained =
      Train(*stub, Job("happy", session, 1), CoxModel(), global, &updates);
  ASSERT_TRUE(trained.ok()) << trained.error_message();
  EXPECT_GE(updates, 2);  // header + chunk
  grpc::Status evaluated =
      Evaluate(*stub, Job("happy", session, 1), CoxModel(), global);
  EXPECT_TRUE(evaluated.ok()) << evaluated.error_message();
  // A session admitted to train a model is not one for analyses: those are
  // admitted by their own hash (master::AnalysisSha256).
  ExpectDenied(Summary("master", "happy", session), "happy", "Summary",
               "model_not_allowed");

  std::vector<std::string> events = Events(Audit("happy"));
  for (const char* expected :
       {"dataset.read", "statistics.released", "round.participation",
        "evaluation.participation"}) {
    EXPECT_NE(std::find(events.begin(), events.end(), expected), events.end())
        << expected;
  }
  // Only the Summary above was refused.
  EXPECT_EQ(std::count(events.begin(), events.end(), "call.refused"), 1);
}

TEST_F(SlaveAdmissionE2eTest, JobCallsWithoutASessionAreRefused) {
  auto stub = Slave("master");
  const v1::JobContext job = Job("no-session", "");
  ExpectDenied(Moments(*stub, job), "no-session", "ComputeMoments",
               "no_session");
  ExpectDenied(Initialize(*stub, job, CoxModel()), "no-session",
               "InitializeModel", "no_session");
  ExpectDenied(Train(*stub, job, CoxModel(), SomeModel()), "no-session",
               "Train", "no_session");
  ExpectDenied(Evaluate(*stub, job, CoxModel(), SomeModel()), "no-session",
               "Evaluate", "no_session");
  grpc::Status summary = Summary("master", "no-session", "");
  ExpectDenied(summary, "no-session", "Summary", "no_session");
  EXPECT_THAT(summary.error_message(),
              HasSubstr("no admitted session for job 'no-session' from this "
                        "peer; call Authorize first"));
  // A made-up session id is no better.
  ExpectDenied(Train(*stub, Job("no-session", std::string(32, 'a')), CoxModel(),
                     SomeModel()),
               "no-session", "Train", "unknown_session");
  ExpectNothingOfTheJob("no-session");
}

TEST_F(SlaveAdmissionE2eTest, ASessionOfAnotherJobIsRefused) {
  auto stub = Slave("master");
  const std::string session = Admit(*stub, Request("job-x"));
  ExpectDenied(Train(*stub, Job("job-y", session), CoxModel(), SomeModel()),
               "job-y", "Train", "session_wrong_job");
  ExpectDenied(Moments(*stub, Job("job-y", session)), "job-y", "ComputeMoments",
               "session_wrong_job");
  ExpectNothingOfTheJob("job-y");
  ExpectNothingOfTheJob("job-x");
}

TEST_F(SlaveAdmissionE2eTest, ASessionStolenByAnotherTlsPeerIsRefused) {
  auto master = Slave("master");
  const std::string session = Admit(*master, Request("stolen"));
  auto thief = Slave("master2");  // a valid federation certificate
  ExpectDenied(Train(*thief, Job("stolen", session), CoxModel(), SomeModel()),
               "stolen", "Train", "session_wrong_peer");
  ExpectDenied(Initialize(*thief, Job("stolen", session), CoxModel()), "stolen",
               "InitializeModel", "session_wrong_peer");
  ExpectDenied(Summary("master2", "stolen", session), "stolen", "Summary",
               "session_wrong_peer");
  ExpectNothingOfTheJob("stolen");
  // The rightful peer still can.
  EXPECT_TRUE(Moments(*master, Job("stolen", session)).ok());
}

TEST_F(SlaveAdmissionE2eTest, ACertificateNotBoundToTheClaimedDidIsRefused) {
  // master2's certificate names master2, the request claims master.
  auto other = Slave("master2");
  ExpectRefused(Authorize(*other, Request("tls-other-did")), "tls-other-did",
                "tls_key_not_bound");
  // A certificate naming no DID at all (its key is in no DID document).
  auto nodid = Slave("nodid");
  ExpectRefused(Authorize(*nodid, Request("tls-no-did")), "tls-no-did",
                "tls_key_not_bound");
}

TEST_F(SlaveAdmissionE2eTest, AMasterWithoutTheCreatorCredentialIsRefused) {
  auto member = Slave("member");
  ExpectRefused(Authorize(*member, Request("no-creator", "member")),
                "no-creator", "missing_credential");
  const std::vector<json> records = Audit("no-creator");
  ASSERT_GE(records.size(), 2u);
  EXPECT_EQ(records[1]["event"], "credential.check");
  EXPECT_EQ(records[1]["details"]["result"], "invalid");
}

TEST_F(SlaveAdmissionE2eTest, ARevokedCredentialIsRefused) {
  auto revoked = Slave("revoked");
  ExpectRefused(Authorize(*revoked, Request("revoked", "revoked")), "revoked",
                "revoked");
}

TEST_F(SlaveAdmissionE2eTest, APresentationForAnotherAudienceIsRefused) {
  // The master's VP as its CredentialService issued it to "member".
  identity::HttpsFetcherOptions options;
  options.ca_pem = world->ca->certificate_pem();
  auto fetcher = identity::NewHttpsFetcher(options);
  identity::DidWebResolver resolver(fetcher.get(), {});
  auto key = identity::SigningKey::FromPem(
      ReadText(world->key_file.at("member")), world->key_id.at("member"));
  ASSERT_TRUE(key.ok()) << key.status();
  identity::PresentationQueryClient dcp(fetcher.get(), &resolver, key->get(),
                                        world->did.at("member"),
                                        &SystemClock());
  auto vps = dcp.Query(
      world->did.at("master"),
      {identity::CredentialTypeScope("FederatedModelCreatorCredential")}, "");
  ASSERT_TRUE(vps.ok()) << vps.status();
  ASSERT_FALSE(vps->empty());
  v1::AuthorizeRequest request = Request("audience");
  request.set_master_presentation(vps->front());
  auto stub = Slave("master");
  ExpectRefused(Authorize(*stub, request), "audience", "wrong_audience");
  EXPECT_EQ(Audit("audience")[0]["details"]["credential"], "presented");
}

TEST_F(SlaveAdmissionE2eTest, AgreementsAreCheckedWithTheSlavesOwnConnector) {
  auto stub = Slave("master");
  ExpectRefused(Authorize(*stub, Request("agreement-missing", "master",
                                         "no-such-agreement")),
                "agreement-missing", "agreement_not_found");
  // master2's agreement for this dataset, presented by master.
  ExpectRefused(Authorize(*stub, Request("agreement-consumer", "master",
                                         "master2/lung-hospital-a")),
                "agreement-consumer", "agreement_wrong_consumer");
  // master's agreement for the hospital's other asset.
  ExpectRefused(Authorize(*stub, Request("agreement-asset", "master",
                                         "master/other-hospital-a")),
                "agreement-asset", "agreement_wrong_asset");
  const std::vector<json> records = Audit("agreement-asset");
  ASSERT_EQ(Events(records), (std::vector<std::string>{
                                 "authorize.request", "credential.check",
                                 "agreement.check", "authorize.decision"}));
  EXPECT_EQ(records[2]["details"]["result"], "invalid");
  EXPECT_EQ(records[2]["details"]["reason"], "agreement_wrong_asset");
}

TEST_F(SlaveAdmissionE2eTest, TheLocalPolicyIsApplied) {
  auto stub = Slave("master");
  v1::AuthorizeRequest other_model = Request("model-not-allowed");
  other_model.set_model_sha256(
      training::ModelDefinitionSha256(DeepSurvModel()));
  ExpectRefused(Authorize(*stub, other_model), "model-not-allowed",
                "model_not_allowed");
  v1::AuthorizeRequest no_privacy = Request("privacy-missing");
  no_privacy.clear_privacy();
  ExpectRefused(Authorize(*stub, no_privacy), "privacy-missing",
                "privacy_setting_missing");
  const std::vector<json> records = Audit("privacy-missing");
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[3]["event"], "policy.check");
  EXPECT_EQ(records[3]["details"]["result"], "deny");
}

TEST_F(SlaveAdmissionE2eTest, AModelOtherThanTheAdmittedOneIsRefused) {
  auto stub = Slave("master");
  const std::string session = Admit(*stub, Request("model-changed"));
  const v1::JobContext job = Job("model-changed", session, 1);
  ExpectDenied(Initialize(*stub, job, DeepSurvModel()), "model-changed",
               "InitializeModel", "model_not_allowed");
  ExpectDenied(Train(*stub, job, DeepSurvModel(), SomeModel()), "model-changed",
               "Train", "model_not_allowed");
  ExpectDenied(Evaluate(*stub, job, DeepSurvModel(), SomeModel()),
               "model-changed", "Evaluate", "model_not_allowed");
  ExpectNothingOfTheJob("model-changed");
  for (const json& record : Audit("model-changed")) {
    if (record["event"] == "call.refused") {
      EXPECT_EQ(record["details"]["model_sha256"],
                training::ModelDefinitionSha256(DeepSurvModel()));
    }
  }
}

// The second slave: a cohort too small, then SIGHUP reloads of its policy
// (trusting another issuer: untrusted_issuer; a broken file: rejected, the
// running policy stays).
TEST_F(SlaveAdmissionE2eTest, CohortTooSmallThenPolicyReloadedOnSighup) {
  const std::string slave = "hospital-a-big";
  auto stub = Slave("master", slave);
  ExpectRefused(Authorize(*stub, Request("cohort")), "cohort",
                "cohort_too_small", slave);

  auto reloads = [&] {
    int count = 0;
    for (absl::string_view line :
         absl::StrSplit(ReadText(world->Path(slave + "/audit.jsonl")), '\n')) {
      if (!line.empty() &&
          json::parse(std::string(line))["event"] == "node.reload") {
        ++count;
      }
    }
    return count;
  };
  // SIGHUP is handled by the slave's main thread; it logs the outcome
  // once the new policy is in force (or rejected).
  auto outcomes = [&] {
    const std::string log = ReadText(world->Path(slave + "/slave.log"));
    int count = 0;
    for (absl::string_view line : absl::StrSplit(log, '\n')) {
      if (absl::StrContains(line, "reloaded ") ||
          absl::StrContains(line, "rejected, running settings kept")) {
        ++count;
      }
    }
    return count;
  };
  auto wait_for_reload = [&](int n) {
    ASSERT_TRUE(WaitForChange(
        world->Path(slave + "/slave.log"), [&] { return outcomes() >= n; },
        absl::Seconds(30)))
        << ReadText(world->Path(slave + "/slave.log"));
    ASSERT_EQ(reloads(), n);
  };

  const json untrusting =
      json::array({{{"did", world->did.at("member")},
                    {"types", {"FederatedModelCreatorCredential"}}}});
  WriteSlaveConfig(slave, SlaveConfig(slave, {{"min_cohort", 20}}, untrusting));
  ASSERT_TRUE(world->slaves.at(slave)->Signal(SIGHUP).ok());
  wait_for_reload(1);
  ExpectRefused(Authorize(*stub, Request("untrusted")), "untrusted",
                "untrusted_issuer", slave);

  // A broken file is rejected; the running policy stays.
  json broken = SlaveConfig(slave, {{"min_cohort", 20}}, untrusting);
  broken["dataspace"]["policy"]["allowed_model_sha256"] = {"not-a-hash"};
  WriteSlaveConfig(slave, broken);
  ASSERT_TRUE(world->slaves.at(slave)->Signal(SIGHUP).ok());
  wait_for_reload(2);
  ExpectRefused(Authorize(*stub, Request("untrusted-2")), "untrusted-2",
                "untrusted_issuer", slave);

  // Back to the issuer: admitted (any model: its allowlist is empty).
  WriteSlaveConfig(slave,
                   SlaveConfig(slave, {{"min_cohort", 20}}, TrustTheIssuer()));
  ASSERT_TRUE(world->slaves.at(slave)->Signal(SIGHUP).ok());
  wait_for_reload(3);
  Admit(*stub, Request("trusted-again"));

  std::vector<json> applied;
  for (absl::string_view line :
       absl::StrSplit(ReadText(world->Path(slave + "/audit.jsonl")), '\n')) {
    if (line.empty()) continue;
    json record = json::parse(std::string(line));
    if (record["event"] == "node.reload") applied.push_back(record);
  }
  ASSERT_EQ(applied.size(), 3u);
  EXPECT_EQ(applied[0]["details"]["result"], "applied");
  EXPECT_THAT(applied[0]["details"]["config_sha256"].get<std::string>(),
              MatchesRegex("[0-9a-f]{64}"));
  EXPECT_EQ(applied[1]["details"]["result"], "rejected");
  EXPECT_THAT(applied[1]["details"]["error"].get<std::string>(),
              HasSubstr("dataspace.policy.allowed_model_sha256[0]"));
  EXPECT_EQ(applied[2]["details"]["result"], "applied");
  EXPECT_TRUE(world->slaves.at(slave)->running());
}

}  // namespace
}  // namespace dsfl
