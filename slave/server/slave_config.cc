#include "slave/server/slave_config.h"

#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/config_reader.h"
#include "common/logging.h"
#include "common/metrics/metrics_http_server.h"
#include "common/sha256.h"

namespace dsfl::slave {
namespace {

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

bool IsSha256Hex(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The "dataspace" section (docs/operations.md, "Dataspace admission").
DataspaceConfig ParseDataspace(ConfigReader& section,
                               const std::string& base_dir) {
  DataspaceConfig config;
  config.participant = edc::ParseParticipantConfig(section, base_dir);
  config.dataset_id = section.String("dataset_id");
  config.federation_ca = Resolve(base_dir, section.String("federation_ca", ""));
  config.session_idle_timeout = absl::Seconds(
      section.Int("session_idle_timeout_seconds", 86400, 60, 30 * 86400));
  ConfigReader policy = section.Object("policy", /*required=*/false);
  if (policy.Has("required_master_credentials")) {
    config.required_master_credentials =
        policy.Strings("required_master_credentials", /*required=*/true);
    if (config.required_master_credentials.empty()) {
      policy.Fail("required_master_credentials",
                  "at least one credential type is required (default "
                  "[\"FederatedModelCreatorCredential\"])");
    }
  }
  config.allowed_model_sha256 =
      policy.Strings("allowed_model_sha256", /*required=*/false);
  for (size_t i = 0; i < config.allowed_model_sha256.size(); ++i) {
    std::string& hash = config.allowed_model_sha256[i];
    if (!IsSha256Hex(hash)) {
      policy.Fail(absl::StrCat("allowed_model_sha256[", i, "]"),
                  absl::StrCat("'", hash,
                               "' is not a SHA-256 (64 hex characters; "
                               "`dsfl job model-hash JOB.json` prints it)"));
    }
    hash = absl::AsciiStrToLower(hash);
  }
  config.min_cohort = policy.Int("min_cohort", 0, 0, 1000000000);
  config.required_privacy_settings =
      policy.Strings("required_privacy_settings", /*required=*/false);
  return config;
}

}  // namespace

StatusOr<SlaveConfig> ParseSlaveConfig(const nlohmann::json& json,
                                       const std::string& base_dir) {
  SlaveConfig config;
  ConfigReader root(json, "");
  config.identity.node_id = root.String("node_id");
  config.identity.display_name =
      root.String("display_name", config.identity.node_id);
  config.listen = root.String("listen", config.listen);
  if (config.listen.rfind(':') == std::string::npos) {
    root.Fail("listen", "expected host:port, e.g. 0.0.0.0:7443");
  }
  config.port_file = Resolve(base_dir, root.String("port_file", ""));
  if (root.Has("tls")) {
    ConfigReader tls = root.Object("tls", true);
    config.tls_ca = Resolve(base_dir, tls.String("ca"));
    config.tls_cert = Resolve(base_dir, tls.String("cert"));
    config.tls_key = Resolve(base_dir, tls.String("key"));
  }
  const nlohmann::json* source = root.Raw("data_source");
  if (source == nullptr || !source->is_object()) {
    root.Fail("data_source", "required object is missing");
  } else {
    // Validated by dataproxy::MakeDataSource; its file paths are resolved
    // here so that they are relative to this config file.
    config.data_source = *source;
    for (const char* key : {"path", "token_file", "ca_file"}) {
      auto it = config.data_source.find(key);
      if (it != config.data_source.end() && it->is_string()) {
        *it = Resolve(base_dir, it->get<std::string>());
      }
    }
  }
  ConfigReader limits = root.Object("limits", false);
  config.limits.min_rows = limits.Int("min_rows", 10, 1, 1000000000);
  config.limits.min_events = limits.Int("min_events", 3, 0, 1000000000);
  config.limits.min_cell_count = limits.Int("min_cell_count", 1, 1, 1000000000);
  config.limits.max_model_bytes = static_cast<uint64_t>(
      limits.Int("max_model_bytes", int64_t{4} << 30, 1024, int64_t{1} << 40));
  if (root.Has("audit")) {
    ConfigReader audit = root.Object("audit", true);
    config.audit_log = Resolve(base_dir, audit.String("log"));
    config.audit_key = Resolve(base_dir, audit.String("key"));
  }
  if (root.Has("dataspace")) {
    ConfigReader dataspace = root.Object("dataspace", true);
    config.dataspace = ParseDataspace(dataspace, base_dir);
  }
  ConfigReader training = root.Object("training", false);
  config.worker_threads =
      static_cast<int>(training.Int("worker_threads", 1, 1, 256));
  config.torch_threads =
      static_cast<int>(training.Int("torch_threads", 1, 1, 256));
  config.metrics_listen = root.String("metrics_listen", config.metrics_listen);
  if (!config.metrics_listen.empty() &&
      !metrics::ParseListenAddress(config.metrics_listen, "").ok()) {
    root.Fail("metrics_listen", "expected host:port, e.g. 127.0.0.1:9464");
  }
  config.metrics_port_file =
      Resolve(base_dir, root.String("metrics_port_file", ""));
  config.log_format = root.String("log_format", config.log_format);
  if (!ParseLogFormat(config.log_format).ok()) {
    root.Fail("log_format", "'" + config.log_format + "' is not text or json");
  }
  DSFL_RETURN_IF_ERROR(root.Finish());
  return config;
}

StatusOr<SlaveConfig> LoadSlaveConfig(const std::string& path) {
  DSFL_ASSIGN_OR_RETURN(nlohmann::json json, ReadJsonFile(path));
  DSFL_ASSIGN_OR_RETURN(
      SlaveConfig config,
      ParseSlaveConfig(json,
                       std::filesystem::absolute(path).parent_path().string()));
  config.config_path = std::filesystem::absolute(path).string();
  config.config_sha256 = Sha256::HexOf(json.dump());
  nlohmann::json without_dataspace = json;
  without_dataspace.erase("dataspace");
  config.restart_sha256 = Sha256::HexOf(without_dataspace.dump());
  return config;
}

}  // namespace dsfl::slave
