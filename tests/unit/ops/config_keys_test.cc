// The operations keys of both daemons' configs: metrics_listen,
// metrics_port_file, log_format (defaults, validation naming the key).
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "master/daemon/master_daemon.h"
#include "slave/server/slave_config.h"

namespace dsfl {
namespace {

using ::testing::HasSubstr;

nlohmann::json SlaveJson() {
  return {{"node_id", "hospital-a"},
          {"data_source", {{"type", "csv"}, {"path", "x.csv"}}}};
}

nlohmann::json MasterJson() {
  return {{"state_dir", "state"},
          {"admin", {{"token_file", "t"}, {"cert", "a.pem"}, {"key", "a.key"}}},
          {"insecure", true}};
}

TEST(SlaveConfigKeysTest, MetricsOnLoopbackByDefaultAndLogFormatText) {
  auto config = slave::ParseSlaveConfig(SlaveJson(), "/etc/dsfl");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->metrics_listen, "127.0.0.1:0");
  EXPECT_EQ(config->metrics_port_file, "");
  EXPECT_EQ(config->log_format, "text");

  nlohmann::json json = SlaveJson();
  json["metrics_listen"] = "";
  json["metrics_port_file"] = "run/metrics.port";
  json["log_format"] = "json";
  config = slave::ParseSlaveConfig(json, "/etc/dsfl");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->metrics_listen, "");  // off
  EXPECT_EQ(config->metrics_port_file, "/etc/dsfl/run/metrics.port");
  EXPECT_EQ(config->log_format, "json");
}

TEST(SlaveConfigKeysTest, BadValuesNameTheKey) {
  for (const auto& [key, value, expected] :
       {std::tuple{"metrics_listen", "9464",
                   "metrics_listen: expected host:port"},
        std::tuple{"metrics_listen", "127.0.0.1:99999",
                   "metrics_listen: expected host:port"},
        std::tuple{"log_format", "xml",
                   "log_format: 'xml' is not text or json"},
        std::tuple{"log_formt", "json", "did you mean 'log_format'"}}) {
    nlohmann::json json = SlaveJson();
    json[key] = value;
    auto config = slave::ParseSlaveConfig(json, "/etc/dsfl");
    ASSERT_FALSE(config.ok()) << key << "=" << value;
    EXPECT_THAT(std::string(config.status().message()), HasSubstr(expected));
  }
}

TEST(MasterConfigKeysTest, DefaultsAndBadValues) {
  auto config = master::ParseMasterDaemonConfig(MasterJson(), "/etc/dsfl");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->metrics_listen, "");  // the admin API serves /metrics
  EXPECT_EQ(config->log_format, "text");

  nlohmann::json json = MasterJson();
  json["metrics_listen"] = "[::1]:9465";
  json["metrics_port_file"] = "m.port";
  json["log_format"] = "json";
  config = master::ParseMasterDaemonConfig(json, "/etc/dsfl");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->metrics_listen, "[::1]:9465");
  EXPECT_EQ(config->metrics_port_file, "/etc/dsfl/m.port");
  EXPECT_EQ(config->log_format, "json");

  for (const auto& [key, value, expected] :
       {std::tuple{"metrics_listen", "localhost", "metrics_listen: expected"},
        std::tuple{"log_format", "JSON", "log_format: 'JSON' is not"}}) {
    json = MasterJson();
    json[key] = value;
    config = master::ParseMasterDaemonConfig(json, "/etc/dsfl");
    ASSERT_FALSE(config.ok()) << key;
    EXPECT_THAT(std::string(config.status().message()), HasSubstr(expected));
  }
}

}  // namespace
}  // namespace dsfl
