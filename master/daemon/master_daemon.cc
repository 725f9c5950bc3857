#include "master/daemon/master_daemon.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/audit/audit_event.h"
#include "common/config_reader.h"
#include "common/logging.h"
#include "common/model_file.h"
#include "spdlog/spdlog.h"

namespace dsfl::master {
namespace fs = std::filesystem;
namespace {

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(base_dir) / path).lexically_normal().string();
}

StatusOr<std::string> ReadToken(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("admin.token_file: cannot read ", path));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(buffer.str()));
}

// The state directory exists and this user may write in it, or it can be
// created: its nearest existing ancestor is a writable directory.
bool CheckStateDir(const std::string& state_dir) {
  fs::path dir = fs::absolute(state_dir);
  std::error_code ec;
  while (!fs::exists(dir, ec)) {
    if (!dir.has_parent_path() || dir.parent_path() == dir) return false;
    dir = dir.parent_path();
  }
  return fs::is_directory(dir, ec) &&
         ::access(dir.c_str(), W_OK | X_OK) == 0;
}

}  // namespace

StatusOr<MasterDaemonConfig> ParseMasterDaemonConfig(
    const nlohmann::json& json, const std::string& base_dir) {
  MasterDaemonConfig config;
  ConfigReader root(json, "");
  config.state_dir = Resolve(base_dir, root.String("state_dir"));
  ConfigReader admin = root.Object("admin", true);
  config.admin_listen = admin.String("listen", config.admin_listen);
  if (config.admin_listen.rfind(':') == std::string::npos) {
    admin.Fail("listen", "expected host:port, e.g. 127.0.0.1:7070");
  }
  config.admin_port_file = Resolve(base_dir, admin.String("port_file", ""));
  config.admin_token_file = Resolve(base_dir, admin.String("token_file"));
  config.admin_cert = Resolve(base_dir, admin.String("cert"));
  config.admin_key = Resolve(base_dir, admin.String("key"));
  config.insecure = root.Bool("insecure", false);
  if (!config.insecure) {
    ConfigReader tls = root.Object("tls", true);
    config.tls.ca = Resolve(base_dir, tls.String("ca"));
    config.tls.cert = Resolve(base_dir, tls.String("cert"));
    config.tls.key = Resolve(base_dir, tls.String("key"));
  }
  config.max_running_jobs =
      static_cast<size_t>(root.Int("max_running_jobs", 2, 1, 1000));
  if (const nlohmann::json* slaves = root.Raw("slaves")) {
    config.slaves = *slaves;  // given to jobs that list no slaves
  }
  config.metrics_listen = root.String("metrics_listen", "");
  if (!config.metrics_listen.empty() &&
      !metrics::ParseListenAddress(config.metrics_listen, "").ok()) {
    root.Fail("metrics_listen", "expected host:port, e.g. 127.0.0.1:9465");
  }
  config.metrics_port_file =
      Resolve(base_dir, root.String("metrics_port_file", ""));
  config.log_format = root.String("log_format", config.log_format);
  if (!ParseLogFormat(config.log_format).ok()) {
    root.Fail("log_format", "'" + config.log_format + "' is not text or json");
  }
  DSFL_RETURN_IF_ERROR(root.Finish());
  DSFL_ASSIGN_OR_RETURN(config.slave_endpoints,
                        ParseSlaveEndpoints(config.slaves, "slaves"));
  return config;
}

StatusOr<MasterDaemonConfig> LoadMasterDaemonConfig(const std::string& path) {
  DSFL_ASSIGN_OR_RETURN(nlohmann::json json, ReadJsonFile(path));
  return ParseMasterDaemonConfig(json,
                                 fs::absolute(path).parent_path().string());
}

StatusOr<std::unique_ptr<MasterDaemon>> MasterDaemon::Start(
    const MasterDaemonConfig& config, NodeConnector connector,
    bool validate_only) {
  std::unique_ptr<MasterDaemon> daemon(new MasterDaemon());
  daemon->config_ = config;
  daemon->connector_ = std::move(connector);
  for (const auto& [key, path] :
       {std::pair{"admin.cert", config.admin_cert},
        {"admin.key", config.admin_key},
        {"tls.ca", config.tls.ca},
        {"tls.cert", config.tls.cert},
        {"tls.key", config.tls.key}}) {
    if (!path.empty() && !fs::exists(path)) {
      return absl::NotFoundError(absl::StrCat(key, ": no file ", path));
    }
  }
  if (!config.insecure) {
    // Parsed and checked together now (key matches, chains to the CA), so
    // a wrong file fails start-up rather than the first job.
    auto federation_tls = FederationTls::Load(config.tls);
    if (!federation_tls.ok()) {
      return Status(federation_tls.status().code(),
                    absl::StrCat("tls: ", federation_tls.status().message()));
    }
    daemon->federation_tls_ = *std::move(federation_tls);
  }
  DSFL_ASSIGN_OR_RETURN(std::string token, ReadToken(config.admin_token_file));
  if (token.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "admin.token_file: ", config.admin_token_file, " is empty"));
  }
  DSFL_RETURN_IF_ERROR(
      CheckAdminCertificate(config.admin_cert, config.admin_key));
  if (validate_only) {
    // A running daemon holds the store and the audit log (locked): check
    // only that they can be created where they will go, and create nothing.
    if (!CheckStateDir(config.state_dir)) {
      return absl::PermissionDeniedError(absl::StrCat(
          "state_dir: ", config.state_dir,
          " is not a writable directory and cannot be created here"));
    }
    return daemon;
  }
  std::error_code ec;
  fs::create_directories(fs::path(config.state_dir) / "jobs", ec);
  if (ec) {
    return absl::InternalError(absl::StrCat(
        "state_dir: cannot create ", config.state_dir, ": ", ec.message()));
  }
  DSFL_ASSIGN_OR_RETURN(
      daemon->store_,
      JobStore::Open((fs::path(config.state_dir) / "jobs.sqlite").string()));
  DSFL_ASSIGN_OR_RETURN(
      daemon->audit_,
      audit::OpenNodeAuditLog(
          (fs::path(config.state_dir) / "audit.jsonl").string(),
          (fs::path(config.state_dir) / "audit-key.pem").string(), "master"));

  JobManagerOptions options;
  options.audit = daemon->audit_.get();
  options.state_dir = config.state_dir;
  options.max_running_jobs = config.max_running_jobs;
  options.tls = config.tls;
  options.federation_tls = daemon->federation_tls_.get();
  options.insecure = config.insecure;
  options.default_slaves = config.slaves;
  daemon->manager_ = std::make_unique<JobManager>(
      daemon->store_.get(), daemon->connector_, options, &SystemClock(),
      &daemon->metrics_);

  AdminServerOptions admin;
  const size_t colon = config.admin_listen.rfind(':');
  admin.bind = config.admin_listen.substr(0, colon);
  admin.port = std::atoi(config.admin_listen.substr(colon + 1).c_str());
  admin.cert_path = config.admin_cert;
  admin.key_path = config.admin_key;
  admin.token = token;
  MasterDaemon* raw = daemon.get();
  DSFL_ASSIGN_OR_RETURN(
      daemon->admin_,
      AdminServer::Start(admin, daemon->manager_.get(), daemon->store_.get(),
                         [raw] { return raw->RenderMetrics(); },
                         [raw] { return raw->ProbeNodes(); }));
  if (!config.admin_port_file.empty()) {
    DSFL_RETURN_IF_ERROR(WriteFileAtomically(
        config.admin_port_file, absl::StrCat(daemon->admin_->port())));
  }
  if (!config.metrics_listen.empty()) {
    DSFL_ASSIGN_OR_RETURN(
        daemon->metrics_server_,
        metrics::MetricsHttpServer::Start(config.metrics_listen,
                                          [raw] { return raw->RenderMetrics(); }));
    if (!config.metrics_port_file.empty()) {
      DSFL_RETURN_IF_ERROR(WriteFileAtomically(
          config.metrics_port_file,
          absl::StrCat(daemon->metrics_server_->port())));
    }
  }
  DSFL_RETURN_IF_ERROR(daemon->manager_->Start());
  spdlog::info("admin API on https://{}:{} ({} jobs at most at once)",
               admin.bind, daemon->admin_->port(), config.max_running_jobs);
  return daemon;
}

MasterDaemon::~MasterDaemon() { Shutdown(); }

std::string MasterDaemon::RenderMetrics() const {
  int64_t running = 0, queued = 0;
  if (auto jobs = store_->List(); jobs.ok()) {
    for (const JobRecord& job : *jobs) {
      running += job.state == JobState::kRunning;
      queued += job.state == JobState::kQueued;
    }
  }
  return metrics_.Render(running, queued);
}

Status MasterDaemon::Reload() {
  if (federation_tls_ == nullptr) {
    spdlog::info("SIGHUP: insecure master, no TLS files to reload");
    return absl::OkStatus();
  }
  Status status = federation_tls_->Reload();
  nlohmann::json details = {{"result", status.ok() ? "applied" : "rejected"},
                            {"what", "tls"}};
  if (status.ok()) {
    auto current = federation_tls_->Current();
    details["certificate_sha256"] = current->certificate_sha256();
    metrics_.RecordReload(true);
    spdlog::info(
        "SIGHUP: reloaded the TLS files for new jobs (certificate '{}', "
        "SHA-256 {}); running jobs keep their connections",
        current->common_name(), current->certificate_sha256());
  } else {
    details["error"] = status.ToString();
    metrics_.RecordReload(false, std::string(status.message()));
    spdlog::error(
        "SIGHUP: TLS files NOT reloaded, new jobs keep using the previous "
        "ones: {}",
        std::string(status.message()));
  }
  if (audit_ != nullptr) {
    Status logged = audit_->Record(
        {audit::events::kNodeReload, "", std::nullopt, "master", details});
    if (!logged.ok()) spdlog::error("audit log: {}", logged.ToString());
  }
  return status;
}

void MasterDaemon::Shutdown() {
  if (metrics_server_) metrics_server_->Stop();
  if (admin_) admin_->Stop();
  if (manager_) manager_->Shutdown();
  if (audit_) {
    Status closed = audit_->Close();
    if (!closed.ok()) spdlog::error("audit log: {}", closed.ToString());
    audit_.reset();
  }
}

nlohmann::json MasterDaemon::ProbeNodes() {
  nlohmann::json out = nlohmann::json::array();
  if (config_.slave_endpoints.empty()) return out;
  // Probing goes through the jobs' own transport and identity.
  JobSpec registry;
  registry.slaves = config_.slave_endpoints;
  std::shared_ptr<const TlsSnapshot> tls;  // held while connecting
  if (federation_tls_ != nullptr) {
    tls = federation_tls_->Current();
    registry.tls = tls->paths();
  }
  registry.insecure = config_.insecure;
  auto connected = connector_(registry, ConnectContext{});
  if (!connected.ok()) {
    return {{{"error", std::string(connected.status().message())}}};
  }
  CallOptions options;
  options.deadline = absl::Now() + absl::Seconds(5);
  for (const Node& node : connected->nodes) {
    auto info = node.client->GetInfo(options);
    nlohmann::json entry = {{"id", node.id}, {"reachable", info.ok()}};
    if (info.ok()) {
      entry["display_name"] = info->display_name;
      entry["version"] = info->version;
      entry["rows"] = info->num_rows;
      entry["source"] = info->dataset_source;
    } else {
      entry["error"] = info.status().ToString();
    }
    out.push_back(entry);
  }
  return out;
}

}  // namespace dsfl::master
