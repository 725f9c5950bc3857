#include "slave/server/slave_config.h"

#include <filesystem>

#include "common/config_reader.h"
#include "common/sha256.h"

namespace dsfl::slave {
namespace {

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
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
  ConfigReader training = root.Object("training", false);
  config.worker_threads =
      static_cast<int>(training.Int("worker_threads", 1, 1, 256));
  config.torch_threads =
      static_cast<int>(training.Int("torch_threads", 1, 1, 256));
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
  return config;
}

}  // namespace dsfl::slave
