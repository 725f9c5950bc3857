// The participants file of dsfl-devspace and the negotiation state machine.
#include "connector-adapters/devspace/devspace_config.h"

#include "connector-adapters/devspace/negotiation_machine.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dsfl::devspace {
namespace {

using edc::NegotiationState;
using ::testing::HasSubstr;

nlohmann::json Example() {
  return nlohmann::json::parse(R"({
    "api_key": "password",
    "negotiation_step_ms": 50,
    "participants": [
      {"name": "master", "key_file": "keys/master.key",
       "credentials": ["MembershipCredential", "FederatedModelCreatorCredential"]},
      {"name": "hospital-a", "key_type": "EdDSA",
       "credentials": ["MembershipCredential"], "revoked": ["MembershipCredential"],
       "datasets": [{"id": "lung-a", "slave_endpoint": "127.0.0.1:50051",
                     "profile": "p", "negotiation": "stall"}]}
    ]})");
}

TEST(DevspaceConfig, ParsesTheParticipantsFile) {
  StatusOr<DevspaceConfig> config =
      ParseDevspaceConfig(Example(), "/work/demo");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->api_key, "password");
  EXPECT_EQ(config->negotiation_step, absl::Milliseconds(50));
  EXPECT_EQ(config->issuer.name, "issuer");
  EXPECT_EQ(config->issuer.key_type, "EdDSA");
  ASSERT_EQ(config->participants.size(), 2u);
  EXPECT_EQ(config->participants[0].key_file, "/work/demo/keys/master.key");
  EXPECT_EQ(config->participants[0].key_type, "ES256");
  EXPECT_EQ(config->participants[1].key_type, "EdDSA");
  const DevDataset& dataset = config->participants[1].datasets[0];
  EXPECT_EQ(dataset.negotiation, NegotiationBehaviour::kStall);
  EXPECT_EQ(dataset.required_credential, "MembershipCredential");
}

TEST(DevspaceConfig, DatasetsWithoutEndpointWaitForTheirAsset) {
  nlohmann::json json = Example();
  EXPECT_TRUE(ParseDevspaceConfig(json, "")->participants[1].datasets[0]
                  .published);
  json["participants"][1]["datasets"] = {
      {{"id", "lung-a"}, {"required_credential", "FederatedModelCreatorCredential"}}};
  StatusOr<DevspaceConfig> config = ParseDevspaceConfig(json, "");
  ASSERT_TRUE(config.ok()) << config.status();
  const DevDataset& reserved = config->participants[1].datasets[0];
  EXPECT_FALSE(reserved.published);
  EXPECT_EQ(reserved.profile, "");
  EXPECT_EQ(reserved.required_credential, "FederatedModelCreatorCredential");
  // Advertised from the config: the profile is then required.
  json["participants"][1]["datasets"][0]["slave_endpoint"] = "127.0.0.1:1";
  StatusOr<DevspaceConfig> missing = ParseDevspaceConfig(json, "");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(),
              HasSubstr("participants[1].datasets[0].profile"));
}

TEST(DevspaceConfig, ErrorsNameTheField) {
  auto error = [](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json json = Example();
    edit(json);
    StatusOr<DevspaceConfig> config = ParseDevspaceConfig(json, "");
    EXPECT_FALSE(config.ok());
    return std::string(config.status().message());
  };
  EXPECT_THAT(
      error([](nlohmann::json& j) { j["participants"][0]["name"] = "Master"; }),
      HasSubstr("participants[0].name"));
  EXPECT_THAT(
      error([](nlohmann::json& j) { j["participants"][1]["name"] = "master"; }),
      HasSubstr("used twice"));
  EXPECT_THAT(error([](nlohmann::json& j) {
                j["participants"][0]["revoked"] = {"DataProcessorCredential"};
              }),
              HasSubstr("not one of its credentials"));
  EXPECT_THAT(error([](nlohmann::json& j) {
                j["participants"][1]["datasets"][0]["negotiation"] = "maybe";
              }),
              HasSubstr("negotiation"));
  EXPECT_THAT(error([](nlohmann::json& j) {
                j["participants"][0]["key_type"] = "RS256";
              }),
              HasSubstr("key_type"));
  EXPECT_THAT(
      error([](nlohmann::json& j) { j["participnts"] = j["participants"]; }),
      HasSubstr("participnts"));
  EXPECT_THAT(error([](nlohmann::json& j) {
                j["participants"] = nlohmann::json::array();
              }),
              HasSubstr("at least one participant"));
}

TEST(NegotiationMachine, FollowsEdcsObservedPaths) {
  const absl::Duration step = absl::Milliseconds(100);
  auto at = [&](NegotiationBehaviour b, int ms) {
    return NegotiationStateAt(b, absl::Milliseconds(ms), step);
  };
  EXPECT_EQ(at(NegotiationBehaviour::kAgree, 0), NegotiationState::kInitial);
  EXPECT_EQ(at(NegotiationBehaviour::kAgree, 99), NegotiationState::kInitial);
  EXPECT_EQ(at(NegotiationBehaviour::kAgree, 100),
            NegotiationState::kRequesting);
  EXPECT_EQ(at(NegotiationBehaviour::kAgree, 300), NegotiationState::kAgreed);
  EXPECT_EQ(at(NegotiationBehaviour::kAgree, 599), NegotiationState::kVerified);
  EXPECT_EQ(at(NegotiationBehaviour::kAgree, 600),
            NegotiationState::kFinalized);
  EXPECT_EQ(at(NegotiationBehaviour::kAgree, 100000),
            NegotiationState::kFinalized);
  EXPECT_EQ(at(NegotiationBehaviour::kTerminate, 250),
            NegotiationState::kRequested);
  EXPECT_EQ(at(NegotiationBehaviour::kTerminate, 300),
            NegotiationState::kTerminated);
  EXPECT_EQ(at(NegotiationBehaviour::kStall, 100000),
            NegotiationState::kRequested);
  EXPECT_EQ(NegotiationStateAt(NegotiationBehaviour::kAgree,
                               absl::ZeroDuration(), absl::ZeroDuration()),
            NegotiationState::kFinalized);
}

}  // namespace
}  // namespace dsfl::devspace
