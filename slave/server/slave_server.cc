#include "slave/server/slave_server.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/audit/audit_event.h"
#include "common/model_file.h"
#include "common/tls/grpc_credentials.h"
#include "common/tls/tls_policy.h"
#include "connector-adapters/dataproxy/data_source_factory.h"
#include "grpcpp/server_builder.h"
#include "slave/server/rpc_metrics_interceptor.h"
#include "slave/training/trainer.h"
#include "spdlog/spdlog.h"

namespace dsfl::slave {

StatusOr<std::unique_ptr<SlaveServer>> SlaveServer::Start(
    const SlaveConfig& config, const StartOptions& options) {
  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (options.insecure) {
    spdlog::warn("--insecure: serving PLAINTEXT gRPC without authentication");
    credentials = grpc::InsecureServerCredentials();
  } else {
    if (config.tls_cert.empty()) {
      return absl::InvalidArgumentError(
          "tls: the slave needs tls.ca, tls.cert and tls.key (or --insecure "
          "for plaintext testing)");
    }
    DSFL_RETURN_IF_ERROR(tls::RequireTls13ProcessWide());
    DSFL_ASSIGN_OR_RETURN(
        tls::TlsFiles files,
        tls::LoadTlsFiles(config.tls_ca, config.tls_cert, config.tls_key));
    DSFL_RETURN_IF_ERROR(tls::ValidateTlsFiles(files));
    credentials = tls::MakeServerCredentials(files);
  }

  DSFL_ASSIGN_OR_RETURN(
      std::unique_ptr<dataproxy::DataSource> source,
      dataproxy::MakeDataSource(config.data_source, "data_source"));
  std::unique_ptr<SlaveServer> server(new SlaveServer());
  server->metrics_ = std::make_unique<SlaveMetrics>();
  if (config.audit_log.empty()) {
    spdlog::warn("audit log DISABLED: set audit.log and audit.key");
  } else if (options.validate_only) {
    // A running slave holds the log: validation checks where it would go.
    const auto dir = std::filesystem::path(config.audit_log).parent_path();
    if (!std::filesystem::is_directory(dir)) {
      return absl::NotFoundError(absl::StrCat(
          "audit.log: directory ", dir.string(), " does not exist"));
    }
  } else {
    DSFL_ASSIGN_OR_RETURN(server->audit_,
                          audit::OpenNodeAuditLog(config.audit_log,
                                                  config.audit_key,
                                                  config.identity.node_id));
    if (server->audit_->open_info().torn_moved_to) {
      spdlog::warn("audit log: a torn last line was moved to {}",
                   *server->audit_->open_info().torn_moved_to);
    }
    {
      DSFL_RETURN_IF_ERROR(server->audit_->Record(
          {audit::events::kNodeStart, "", std::nullopt, config.identity.node_id,
           {{"role", "slave"},
            {"config_sha256", config.config_sha256},
            {"config_path", config.config_path},
            {"version", "0.1.0"}}}));
    }
  }
  server->core_ = std::make_unique<SlaveCore>(
      config.identity, std::move(source), config.limits, server->audit_.get());
  server->core_->SetObserver(server->metrics_.get());
  // Read once now: a wrong path, token or format fails start-up.
  DSFL_ASSIGN_OR_RETURN(master::NodeInfo info, server->core_->GetInfo());
  spdlog::info("node '{}': {} rows, {} columns from {}", info.node_id,
               info.num_rows, info.columns.size(), info.dataset_source);
  DSFL_RETURN_IF_ERROR(server->StartDataspace(config, options));
  if (options.validate_only) return server;

  training::SetTrainingThreads(config.torch_threads);
  server->pool_ = std::make_unique<WorkerPool>(config.worker_threads);
  server->service_ = std::make_unique<SlaveService>(
      server->core_.get(), server->pool_.get(),
      DataspaceHooks{server->admission_.get(), server->gate_.get(),
                     server->metrics_.get()});
  // Exact survival analytics (dsfl.v1.Analytics) on the same port, with
  // its own reader of the same data source and the config's limits.
  DSFL_ASSIGN_OR_RETURN(
      std::unique_ptr<dataproxy::DataSource> analytics_source,
      dataproxy::MakeDataSource(config.data_source, "data_source"));
  server->analytics_ = std::make_unique<analytics::SiteAnalytics>(
      std::move(analytics_source),
      analytics::DisclosureLimits{config.limits.min_rows,
                                  config.limits.min_events,
                                  config.limits.min_cell_count},
      server->audit_.get());
  server->analytics_service_ = std::make_unique<AnalyticsService>(
      server->analytics_.get(), server->pool_.get(), server->gate_.get());
  grpc::ServerBuilder builder;
  tls::ApplyServerArguments(&builder);
  builder.AddListeningPort(config.listen, credentials, &server->port_);
  builder.RegisterService(server->service_.get());
  builder.RegisterService(server->analytics_service_.get());
  std::vector<std::unique_ptr<
      grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(
      std::make_unique<RpcMetricsInterceptorFactory>(server->metrics_.get()));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("listen: cannot bind ", config.listen));
  }
  if (!config.port_file.empty()) {
    DSFL_RETURN_IF_ERROR(
        WriteFileAtomically(config.port_file, absl::StrCat(server->port_)));
  }
  if (!config.metrics_listen.empty()) {
    SlaveMetrics* metrics = server->metrics_.get();
    DSFL_ASSIGN_OR_RETURN(server->metrics_server_,
                          metrics::MetricsHttpServer::Start(
                              config.metrics_listen,
                              [metrics] { return metrics->Render(); }));
    if (!config.metrics_port_file.empty()) {
      DSFL_RETURN_IF_ERROR(WriteFileAtomically(
          config.metrics_port_file,
          absl::StrCat(server->metrics_server_->port())));
    }
  }
  spdlog::info("node '{}' serving dsfl.v1.Slave on port {} ({})",
               info.node_id, server->port_,
               options.insecure ? "plaintext" : "mutual TLS 1.3");
  return server;
}

Status SlaveServer::StartDataspace(const SlaveConfig& config,
                                   const StartOptions& options) {
  config_ = config;
  if (!config.dataspace.has_value()) return absl::OkStatus();
  const DataspaceConfig& dataspace = *config.dataspace;
  if (options.insecure) {
    return absl::InvalidArgumentError(
        "dataspace: admission binds the master's TLS certificate to its DID; "
        "it cannot run with --insecure");
  }
  const Clock* clock =
      options.clock != nullptr ? options.clock : &SystemClock();
  RandomBytes* random =
      options.random != nullptr ? options.random : &SecureRandomBytes();
  sessions_ = std::make_unique<AdmissionSessions>(
      clock, random, SessionLimits{1024, dataspace.session_idle_timeout});
  DSFL_ASSIGN_OR_RETURN(
      admission_,
      SlaveAdmission::Create(dataspace, config.tls_ca,
                             {clock, sessions_.get(), audit_.get()}));
  gate_ = std::make_unique<SessionGate>(sessions_.get(), audit_.get());
  if (dataspace.allowed_model_sha256.empty()) {
    spdlog::warn(
        "dataspace.policy.allowed_model_sha256 is empty: ANY model a master "
        "with a valid agreement and credential sends is admitted");
  }
  spdlog::info(
      "dataspace: participant {}, dataset '{}'; every job needs Authorize",
      dataspace.participant.did, dataspace.dataset_id);
  return absl::OkStatus();
}

Status SlaveServer::Reload() {
  Status status;
  {
    std::lock_guard<std::mutex> lock(reload_mu_);
    status = ReloadLocked();
  }
  if (metrics_ != nullptr) {
    metrics_->RecordReload(status.ok(), std::string(status.message()));
  }
  if (status.ok()) {
    spdlog::info("reloaded {}", config_.config_path);
  } else {
    spdlog::error("reload of {} rejected, running settings kept: {}",
                  config_.config_path, status.ToString());
  }
  return status;
}

Status SlaveServer::ReloadLocked() {
  StatusOr<SlaveConfig> fresh = LoadSlaveConfig(config_.config_path);
  std::optional<SlaveAdmission::Prepared> prepared;
  Status status = fresh.status();
  if (status.ok() && fresh->dataspace.has_value() != (admission_ != nullptr)) {
    status = absl::FailedPreconditionError(
        "dataspace: adding or removing the \"dataspace\" section needs a "
        "restart");
  }
  if (status.ok() && admission_ != nullptr) {
    auto built = admission_->Prepare(*fresh->dataspace, fresh->tls_ca);
    if (built.ok()) {
      prepared = *std::move(built);
    } else {
      status = built.status();
    }
  }
  const bool restart_needed =
      fresh.ok() && fresh->restart_sha256 != config_.restart_sha256;
  nlohmann::json details = {{"result", status.ok() ? "applied" : "rejected"}};
  if (fresh.ok()) details["config_sha256"] = fresh->config_sha256;
  if (!status.ok()) details["error"] = std::string(status.message());
  if (restart_needed) details["restart_needed"] = true;
  if (audit_ != nullptr) {
    Status recorded =
        audit_->Record({audit::events::kNodeReload, "", std::nullopt,
                        config_.config_path, details});
    if (!recorded.ok()) {
      // Fail closed: what the log does not hold is not applied.
      return absl::InternalError(
          absl::StrCat("audit log: ", recorded.message()));
    }
  }
  DSFL_RETURN_IF_ERROR(status);
  if (prepared.has_value()) {
    const size_t revoked = admission_->Commit(*std::move(prepared));
    if (revoked > 0) {
      spdlog::warn("reload: {} admitted session(s) revoked by the new policy",
                   revoked);
    }
  }
  if (restart_needed) {
    spdlog::warn(
        "reload: keys outside \"dataspace\" changed; they take effect at the "
        "next restart");
  }
  const std::string restart_sha256 = config_.restart_sha256;
  config_ = *std::move(fresh);
  config_.restart_sha256 = restart_sha256;  // what is actually running
  return absl::OkStatus();
}

SlaveServer::~SlaveServer() { Shutdown(absl::ZeroDuration()); }

void SlaveServer::Shutdown(absl::Duration grace) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shut_down_) return;
    shut_down_ = true;
  }
  if (metrics_server_) metrics_server_->Stop();
  if (service_) service_->Shutdown();
  if (analytics_service_) analytics_service_->Shutdown();
  if (server_) server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  if (pool_) pool_->Shutdown();
  if (audit_ && server_) {
    Status stop = audit_->Record({audit::events::kNodeStop, "", std::nullopt,
                                  "", {{"role", "slave"}, {"reason", "shutdown"}}});
    if (stop.ok()) stop = audit_->Close();
    if (!stop.ok()) spdlog::error("audit log: {}", stop.ToString());
  }
}

void SlaveServer::Wait() {
  if (server_) server_->Wait();
}

}  // namespace dsfl::slave
