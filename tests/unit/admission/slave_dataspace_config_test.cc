// The slave config's "dataspace" section: every key read, defaults,
// relative paths, and errors that name the field.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "slave/server/slave_config.h"

namespace dsfl::slave {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kHash[] =
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

json Slave(json dataspace) {
  json config = {{"node_id", "hospital-a"},
                 {"data_source", {{"type", "csv"}, {"path", "data.csv"}}}};
  if (!dataspace.is_null()) config["dataspace"] = std::move(dataspace);
  return config;
}

json Dataspace() {
  return {
      {"did", "did:web:localhost%3A8443:participants:hospital-a"},
      {"key", "hospital-a.key"},
      {"connector",
       {{"management_url",
         "https://localhost:8443/participants/hospital-a/api/management"},
        {"api_key", "password"},
        {"api_version", "v3"}}},
      {"https_ca", "pki/ca.pem"},
      {"trusted_issuers",
       {{{"did", "did:web:localhost%3A8443:issuer"},
         {"types",
          {"MembershipCredential", "FederatedModelCreatorCredential"}}}}},
      {"dataset_id", "lung-hospital-a"},
      {"policy",
       {{"required_master_credentials", {"FederatedModelCreatorCredential"}},
        {"allowed_model_sha256", {kHash}},
        {"min_cohort", 20},
        {"required_privacy_settings", {"dp.noise_multiplier"}}}}};
}

std::string ErrorOf(const json& config) {
  StatusOr<SlaveConfig> parsed = ParseSlaveConfig(config, "/etc/dsfl");
  return parsed.ok() ? "" : std::string(parsed.status().message());
}

TEST(SlaveDataspaceConfigTest, AbsentMeansAStaticFederation) {
  StatusOr<SlaveConfig> config = ParseSlaveConfig(Slave(nullptr), "/etc/dsfl");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->dataspace.has_value());
}

TEST(SlaveDataspaceConfigTest, ReadsEveryKey) {
  json section = Dataspace();
  section["federation_ca"] = "pki/federation-ca.pem";
  section["allow_http_did"] = false;
  section["key_id"] = "did:web:localhost%3A8443:participants:hospital-a#k2";
  section["session_idle_timeout_seconds"] = 3600;
  StatusOr<SlaveConfig> config = ParseSlaveConfig(Slave(section), "/etc/dsfl");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_TRUE(config->dataspace.has_value());
  const DataspaceConfig& d = *config->dataspace;
  EXPECT_EQ(d.participant.did,
            "did:web:localhost%3A8443:participants:hospital-a");
  EXPECT_EQ(d.participant.key_path, "/etc/dsfl/hospital-a.key");
  EXPECT_EQ(d.participant.key_id,
            "did:web:localhost%3A8443:participants:hospital-a#k2");
  EXPECT_EQ(d.participant.connector.management_url,
            "https://localhost:8443/participants/hospital-a/api/management");
  EXPECT_EQ(d.participant.connector.api_key, "password");
  EXPECT_EQ(d.participant.https_ca, "/etc/dsfl/pki/ca.pem");
  ASSERT_EQ(d.participant.trusted_issuers.size(), 1u);
  EXPECT_EQ(d.participant.trusted_issuers[0].did,
            "did:web:localhost%3A8443:issuer");
  EXPECT_EQ(d.dataset_id, "lung-hospital-a");
  EXPECT_EQ(d.federation_ca, "/etc/dsfl/pki/federation-ca.pem");
  EXPECT_EQ(d.required_master_credentials,
            std::vector<std::string>{"FederatedModelCreatorCredential"});
  EXPECT_EQ(d.allowed_model_sha256, std::vector<std::string>{kHash});
  EXPECT_EQ(d.min_cohort, 20);
  EXPECT_EQ(d.required_privacy_settings,
            std::vector<std::string>{"dp.noise_multiplier"});
  EXPECT_EQ(d.session_idle_timeout, absl::Hours(1));
}

TEST(SlaveDataspaceConfigTest, Defaults) {
  json section = Dataspace();
  section.erase("policy");
  StatusOr<SlaveConfig> config = ParseSlaveConfig(Slave(section), "/etc/dsfl");
  ASSERT_TRUE(config.ok()) << config.status();
  const DataspaceConfig& d = *config->dataspace;
  EXPECT_EQ(d.participant.key_id,
            "did:web:localhost%3A8443:participants:hospital-a#key-1");
  EXPECT_EQ(d.federation_ca, "");
  EXPECT_EQ(d.required_master_credentials,
            std::vector<std::string>{"FederatedModelCreatorCredential"});
  EXPECT_TRUE(d.allowed_model_sha256.empty());
  EXPECT_EQ(d.min_cohort, 0);
  EXPECT_TRUE(d.required_privacy_settings.empty());
  EXPECT_EQ(d.session_idle_timeout, absl::Hours(24));
}

TEST(SlaveDataspaceConfigTest, ModelHashesAreValidatedAndLowerCased) {
  json section = Dataspace();
  std::string upper(kHash);
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  section["policy"]["allowed_model_sha256"] = {upper};
  StatusOr<SlaveConfig> config = ParseSlaveConfig(Slave(section), "/etc/dsfl");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->dataspace->allowed_model_sha256,
            std::vector<std::string>{kHash});

  section["policy"]["allowed_model_sha256"] = {kHash, "abc"};
  EXPECT_THAT(ErrorOf(Slave(section)),
              HasSubstr("dataspace.policy.allowed_model_sha256[1]: 'abc' is "
                        "not a SHA-256 (64 hex characters"));
  section["policy"]["allowed_model_sha256"] = {std::string(63, 'a') + "g"};
  EXPECT_THAT(ErrorOf(Slave(section)),
              HasSubstr("dataspace.policy.allowed_model_sha256[0]"));
}

TEST(SlaveDataspaceConfigTest, ErrorsNameTheField) {
  json section = Dataspace();
  section["policy"]["min_cohrt"] = 5;
  EXPECT_THAT(ErrorOf(Slave(section)),
              HasSubstr("dataspace.policy.min_cohrt: unknown key (did you "
                        "mean 'min_cohort'?)"));
  section = Dataspace();
  section["policy"]["min_cohort"] = -1;
  EXPECT_THAT(ErrorOf(Slave(section)),
              HasSubstr("dataspace.policy.min_cohort"));
  section = Dataspace();
  section["policy"]["required_master_credentials"] = json::array();
  EXPECT_THAT(ErrorOf(Slave(section)),
              HasSubstr("dataspace.policy.required_master_credentials: at "
                        "least one credential type is required"));
  section = Dataspace();
  section.erase("dataset_id");
  EXPECT_THAT(ErrorOf(Slave(section)),
              HasSubstr("dataspace.dataset_id: required string is missing"));
  section = Dataspace();
  section.erase("did");
  EXPECT_THAT(ErrorOf(Slave(section)), HasSubstr("dataspace.did"));
  section = Dataspace();
  section["did"] = "hospital-a";
  EXPECT_THAT(ErrorOf(Slave(section)),
              HasSubstr("dataspace.did: 'hospital-a' is not a DID"));
  section = Dataspace();
  section.erase("trusted_issuers");
  EXPECT_THAT(ErrorOf(Slave(section)), HasSubstr("dataspace.trusted_issuers"));
  section = Dataspace();
  section["session_idle_timeout_seconds"] = 1;
  EXPECT_THAT(ErrorOf(Slave(section)),
              HasSubstr("dataspace.session_idle_timeout_seconds"));
  section = Dataspace();
  section["dataset_di"] = "x";
  EXPECT_THAT(ErrorOf(Slave(section)),
              HasSubstr("dataspace.dataset_di: unknown key (did you mean "
                        "'dataset_id'?)"));
  EXPECT_THAT(ErrorOf(Slave(json::array())), HasSubstr("dataspace"));
}

}  // namespace
}  // namespace dsfl::slave
